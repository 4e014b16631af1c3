import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from matching.models import Offer, Proposal
from matching.offers import offer_accept
from matching.services import proposal_approve
from placements.models import Placement, PlacementShift
from tests.matching.factories import employee, need_with_shifts, offer_sent, proposal_in_home

RACERS = 8


def _race(calls) -> list[str]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(call):
        try:
            barrier.wait(timeout=30)
            result = call()
        except ValidationError as exc:
            result = "refused: " + " ".join(exc.messages)
        except Exception as exc:  # anything else is a bug: record it
            result = f"error: {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_yeses_racing_on_one_offer_place_the_person_once(world):
    offer, _token = offer_sent(world)

    outcomes = _race([lambda: offer_accept(offer=offer).outcome for _ in range(RACERS)])

    assert sorted(outcomes) == ["accepted"] + ["closed"] * (RACERS - 1), outcomes
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED
    assert Placement.objects.count() == 1
    assert PlacementShift.objects.filter(worker=offer.worker, is_active=True).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_yes_racing_an_approval_of_an_overlapping_shift_places_the_person_once(world):
    worker = employee(world)
    offer, _token = offer_sent(world, proposal=proposal_in_home(world, worker=worker))
    # a proposal for the same time on another need, made before the offer was sent
    overlapping = proposal_in_home(world, worker=worker)

    def approve():
        proposal_approve(proposal=overlapping, by=world.coordinator)
        return "approved"

    outcomes = _race([lambda: offer_accept(offer=offer).outcome, approve])

    assert outcomes.count("accepted") + outcomes.count("approved") == 1, outcomes
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    assert PlacementShift.objects.filter(worker=worker, is_active=True).count() == 1
    offer.refresh_from_db()
    overlapping.refresh_from_db()
    # the waiting offer books the person tentatively, so the approval is the one refused
    assert offer.status == Offer.Status.ACCEPTED
    assert overlapping.status == Proposal.Status.PROPOSED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_yeses_to_two_offers_of_the_last_slot_place_one_person(world):
    """Two offers for overlapping shifts to one person cannot both be sent (the first books
    them); two people offered one slot each of a two-person shift both get theirs."""
    need = need_with_shifts(world)
    shift = need.shifts.get()
    shift.headcount = 2
    shift.save()
    a, b = employee(world), employee(world)
    offers = [
        offer_sent(world, proposal=Proposal.objects.create(run=p.run, shift=shift, worker=w))[0]
        for p, w in ((proposal_in_home(world), a), (proposal_in_home(world), b))
    ]

    outcomes = _race([lambda o=o: offer_accept(offer=o).outcome for o in offers])

    assert sorted(outcomes) == ["accepted", "accepted"], outcomes
    assert PlacementShift.objects.filter(shift=shift, is_active=True).count() == 2
