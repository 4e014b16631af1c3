"""The flow after an offer: the next best after a no or an expiry, "offer automatically until
filled" in § 14-3 order with a cap per slot, reminders by the coordinator."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from matching.models import AutoOffer, MatchingRun, Offer, Proposal, ProposalRejection
from matching.offers import (
    offer_accept,
    offer_decline,
    offer_remind,
    offer_withdraw,
    offers_expire,
)
from matching.refill import need_auto_offer_set, offers_auto_round, slot_refill
from matching.services import matching_run_execute
from outbox.models import Message
from placements.models import PlacementShift
from staffing.models import WorkerSource
from tests.matching.factories import employee, need_with_shifts, offer_sent

pytestmark = pytest.mark.django_db


def _alt(worker, cost):
    return {
        "worker": worker.pk,
        "name": worker.full_name,
        "cost": cost,
        "feasible": True,
        "reason": {"nb": "ledig", "en": "free"},
    }


def _proposal(world, need, worker, alternatives=(), cost=10.0):
    run = MatchingRun.objects.create(trigger="manual", status="succeeded")
    return Proposal.objects.create(
        run=run,
        shift=need.shifts.get(),
        worker=worker,
        cost=cost,
        alternatives=[_alt(w, c) for w, c in alternatives],
    )


def _volunteer(world, **kwargs):
    worker = employee(world, **kwargs)
    worker.source = WorkerSource.VOLUNTEER
    worker.save()
    return worker


def _auto(world, need):
    need_auto_offer_set(need=need, enabled=True, by=world.coordinator)


# --- the next best after a no ----------------------------------------------------------------


def test_a_no_proposes_the_next_best_for_that_slot_only(world, django_capture_on_commit_callbacks):
    need = need_with_shifts(world)
    other_need = need_with_shifts(world, shifts=((5, 7),))
    first, second, third = employee(world), employee(world), employee(world)
    proposal = _proposal(world, need, first, [(second, 20), (third, 30)])
    untouched = _proposal(world, other_need, third)
    offer, _token = offer_sent(world, proposal=proposal)

    with django_capture_on_commit_callbacks(execute=True):
        offer_decline(offer=offer, reason="Bortreist")

    nxt = Proposal.objects.get(shift__need=need, status=Proposal.Status.PROPOSED)
    assert nxt.worker == second and nxt.cost == 20
    # the rest of the list travels with it, for the next no
    assert [a["worker"] for a in nxt.alternatives] == [third.pk]
    assert not Offer.objects.filter(worker=second).exists()  # manual mode: proposed, not sent
    untouched.refresh_from_db()
    assert untouched.status == Proposal.Status.PROPOSED
    assert not MatchingRun.objects.filter(trigger=MatchingRun.Trigger.OFFER_ANSWERED).exists()


def test_the_next_best_must_still_pass_every_rule(world, django_capture_on_commit_callbacks):
    need = need_with_shifts(world)
    first = employee(world)
    unavailable = employee(world, available=False)
    fine = employee(world)
    proposal = _proposal(world, need, first, [(unavailable, 5), (fine, 50)])
    offer, _token = offer_sent(world, proposal=proposal)

    with django_capture_on_commit_callbacks(execute=True):
        offer_decline(offer=offer)

    assert Proposal.objects.get(shift__need=need, status="proposed").worker == fine


def test_nobody_left_on_the_list_asks_for_a_full_run(world, django_capture_on_commit_callbacks):
    need = need_with_shifts(world)
    proposal = _proposal(world, need, employee(world))
    employee(world)  # someone the run has not ranked for this slot yet
    offer, _token = offer_sent(world, proposal=proposal)

    with django_capture_on_commit_callbacks(execute=True):
        offer_decline(offer=offer)

    assert MatchingRun.objects.filter(trigger=MatchingRun.Trigger.OFFER_ANSWERED).exists()
    nxt = Proposal.objects.get(shift__need=need, status="proposed")
    assert nxt.worker != offer.worker


def test_a_refill_twice_proposes_once(world):
    need = need_with_shifts(world)
    first, second, third = employee(world), employee(world), employee(world)
    proposal = _proposal(world, need, first, [(second, 20), (third, 30)])
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.REJECTED)
    shift = need.shifts.get()

    slot_refill(shift_id=shift.pk)
    slot_refill(shift_id=shift.pk)

    assert Proposal.objects.filter(shift=shift, status="proposed").count() == 1


# --- offer automatically until filled ---------------------------------------------------------


def test_switching_on_offers_the_proposals_at_once(world, django_capture_on_commit_callbacks):
    need = need_with_shifts(world)
    proposal = _proposal(world, need, employee(world))

    with django_capture_on_commit_callbacks(execute=True):
        _auto(world, need)

    offer = Offer.objects.get(proposal=proposal)
    assert offer.status == Offer.Status.PENDING and offer.automatic
    assert offer.sent_by == world.coordinator
    assert AutoOffer.objects.get(need=need).changed_by == world.coordinator


def test_in_automatic_mode_a_no_offers_the_next_best_straight_away(
    world, django_capture_on_commit_callbacks
):
    need = need_with_shifts(world)
    first, second = employee(world), employee(world)
    _proposal(world, need, first, [(second, 20)])
    with django_capture_on_commit_callbacks(execute=True):
        _auto(world, need)
    offer = Offer.objects.get(worker=first)

    with django_capture_on_commit_callbacks(execute=True):
        offer_decline(offer=offer, reason="Syk")

    nxt = Offer.objects.get(worker=second)
    assert nxt.status == Offer.Status.PENDING and nxt.automatic
    assert nxt.proposal.status == Proposal.Status.OFFERED
    assert Message.objects.filter(kind="matching.offer", recipient=second.email).exists()


def test_in_automatic_mode_an_expired_offer_goes_to_the_next_best(
    world, django_capture_on_commit_callbacks
):
    need = need_with_shifts(world)
    first, second = employee(world), employee(world)
    _proposal(world, need, first, [(second, 20)])
    with django_capture_on_commit_callbacks(execute=True):
        _auto(world, need)
    Offer.objects.filter(worker=first).update(deadline=timezone.now() - dt.timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert offers_expire() == 1

    assert Offer.objects.get(worker=first).status == Offer.Status.EXPIRED
    assert Offer.objects.get(worker=second).status == Offer.Status.PENDING


def test_offers_follow_section_14_3_order(world, django_capture_on_commit_callbacks):
    """Part-timers who want more hours first, then other internal staff, then volunteers:
    whatever the engine's cost says."""
    need = need_with_shifts(world)
    volunteer = _volunteer(world)
    internal = employee(world)
    part_timer = employee(world, percent=60, wants_more=True)
    _proposal(world, need, volunteer, [(internal, 15), (part_timer, 90)], cost=5)

    with django_capture_on_commit_callbacks(execute=True):
        _auto(world, need)
    first = Offer.objects.get()
    assert first.worker == part_timer and first.tier == Offer.Tier.MORE_HOURS

    with django_capture_on_commit_callbacks(execute=True):
        offer_decline(offer=first)
    second = Offer.objects.pending().get()
    assert second.worker == internal and second.tier == Offer.Tier.INTERNAL

    with django_capture_on_commit_callbacks(execute=True):
        offer_decline(offer=second)
    third = Offer.objects.pending().get()
    assert third.worker == volunteer and third.tier == Offer.Tier.VOLUNTEER


def test_agency_temps_come_last(world, monkeypatch):
    from matching.refill import candidates_for
    from tests.staffing.factories import AgencyFactory

    need = need_with_shifts(world)
    temp = employee(world, agency=AgencyFactory())
    temp.source = WorkerSource.AGENCY
    temp.save()
    volunteer = _volunteer(world)
    _proposal(world, need, temp, [(volunteer, 500)], cost=1)

    order = [c.worker_id for c in candidates_for(need.shifts.get())]

    assert order == [volunteer.pk, temp.pk]


def test_the_cap_lets_several_wait_and_the_first_yes_takes_the_slot(
    world, settings, django_capture_on_commit_callbacks
):
    settings.DUGNAD = {**settings.DUGNAD, "OFFER_MAX_WAITING_PER_SLOT": 2}
    need = need_with_shifts(world)
    first, second, third = employee(world), employee(world), employee(world)
    _proposal(world, need, first, [(second, 20), (third, 30)])

    with django_capture_on_commit_callbacks(execute=True):
        _auto(world, need)

    waiting = Offer.objects.pending()
    assert {o.worker for o in waiting} == {first, second}  # two per slot, never three
    with django_capture_on_commit_callbacks(execute=True):
        assert offer_accept(offer=waiting.get(worker=second)).outcome == "accepted"

    other = Offer.objects.get(worker=first)
    assert other.status == Offer.Status.WITHDRAWN
    told = Message.objects.get(kind="matching.offer_withdrawn", recipient=first.email)
    assert "filled by someone else" in told.body or "besatt av en annen" in told.body
    assert not Offer.objects.filter(worker=third).exists()
    assert PlacementShift.objects.filter(shift__need=need, is_active=True).count() == 1


def test_a_run_in_automatic_mode_offers_its_new_proposals(
    world, django_capture_on_commit_callbacks
):
    need = need_with_shifts(world)
    worker = employee(world)
    AutoOffer.objects.create(need=need, changed_by=world.coordinator)

    matching_run_execute(trigger="manual")
    assert offers_auto_round() == 1

    assert Offer.objects.get().worker == worker
    assert offers_auto_round() == 0  # the slot is pinned by its waiting offer


def test_withdrawing_in_automatic_mode_asks_the_next_best(
    world, django_capture_on_commit_callbacks
):
    need = need_with_shifts(world)
    first, second = employee(world), employee(world)
    _proposal(world, need, first, [(second, 20)])
    with django_capture_on_commit_callbacks(execute=True):
        _auto(world, need)

    with django_capture_on_commit_callbacks(execute=True):
        offer_withdraw(offer=Offer.objects.get(worker=first), by=world.coordinator)

    assert ProposalRejection.objects.filter(worker=first).exists()
    assert Offer.objects.get(worker=second).status == Offer.Status.PENDING


def test_switching_off_stops_the_next_offers(world, django_capture_on_commit_callbacks):
    need = need_with_shifts(world)
    first, second = employee(world), employee(world)
    _proposal(world, need, first, [(second, 20)])
    with django_capture_on_commit_callbacks(execute=True):
        _auto(world, need)
    need_auto_offer_set(need=need, enabled=False, by=world.coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        offer_decline(offer=Offer.objects.get(worker=first))

    assert not Offer.objects.filter(worker=second).exists()
    assert Proposal.objects.get(worker=second).status == Proposal.Status.PROPOSED


def test_automatic_mode_keeps_separation_of_duties(world):
    need = need_with_shifts(world)
    need.submitted_by = world.coordinator
    need.save()

    with pytest.raises(ValidationError):
        need_auto_offer_set(need=need, enabled=True, by=world.coordinator)
    with pytest.raises(PermissionDenied):
        need_auto_offer_set(need=need, enabled=True, by=world.leader)
    assert not AutoOffer.objects.exists()


def test_coordinator_switches_automatic_mode_on_from_the_needs_page(
    client, world, django_capture_on_commit_callbacks
):
    need = need_with_shifts(world)
    _proposal(world, need, employee(world))
    client.force_login(world.coordinator)
    page = reverse("needs:detail", args=[need.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("matching:auto", args=[need.pk]), {"enabled": "on", "next": page}
        )

    assert response.status_code == 302 and response.url == page
    assert AutoOffer.objects.get(need=need).enabled
    assert Offer.objects.pending().count() == 1
    # an address elsewhere is not followed
    response = client.post(
        reverse("matching:auto", args=[need.pk]),
        {"enabled": "off", "next": "https://evil.example/"},
    )
    assert response.url == reverse("matching:index")
    assert not AutoOffer.objects.get(need=need).enabled


# --- reminding ---------------------------------------------------------------------------------


def test_a_reminder_sends_a_fresh_link_and_the_old_one_stops(client, world):
    offer, old = offer_sent(world)

    offer_remind(offer=offer, by=world.coordinator)

    offer.refresh_from_db()
    assert offer.reminders == 1 and offer.reminded_at is not None
    message = Message.objects.get(kind="matching.offer_reminder")
    new = re.search(r"/offer/([A-Za-z0-9_-]+)/", message.body).group(1)
    assert new != old
    assert client.get(reverse("offers:answer", args=[old])).status_code == 404
    assert client.get(reverse("offers:answer", args=[new])).status_code == 200


def test_a_closed_offer_cannot_be_reminded(world):
    offer, _token = offer_sent(world)
    offer_decline(offer=offer)

    with pytest.raises(ValidationError):
        offer_remind(offer=offer, by=world.coordinator)
    assert not Message.objects.filter(kind="matching.offer_reminder").exists()


# --- approval is a yes by phone, recorded as such -------------------------------------------


def test_an_approval_is_recorded_as_a_yes_by_phone(world):
    from matching.services import proposal_approve

    need = need_with_shifts(world)
    worker = employee(world, percent=50, wants_more=True)
    placement = proposal_approve(proposal=_proposal(world, need, worker), by=world.coordinator)

    record = Offer.objects.get(worker=worker)
    assert record.status == Offer.Status.ACCEPTED and record.channel == Offer.Channel.PHONE
    assert record.sent_by == world.coordinator and record.answered_at is not None
    assert record.placement == placement and record.tier == Offer.Tier.MORE_HOURS
    assert not Message.objects.filter(kind="matching.offer").exists()  # no link to answer
