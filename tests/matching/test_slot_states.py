"""The state of every slot, one way for every page: the selector, the coordinator's and the
leader's need page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import MatchingRun, Offer, Proposal
from matching.offers import offer_accept, offer_decline
from matching.services import proposal_approve
from matching.slot_states import slot_states_for_need, slot_states_for_needs
from placements.models import Placement
from tests.matching.factories import ShiftFactory, at, employee, need_with_shifts, offer_sent

pytestmark = pytest.mark.django_db


def _proposal(need, worker, shift=None):
    run = MatchingRun.objects.first() or MatchingRun.objects.create(trigger="manual")
    return Proposal.objects.create(run=run, shift=shift or need.shifts.first(), worker=worker)


def _need_in_every_state(world):
    """One shift per state: open, proposed, offered, declined, expired, accepted, placed,
    ready."""
    need = need_with_shifts(world, shifts=[(3 + i, 7) for i in range(8)])
    shifts = list(need.shifts.order_by("start"))
    people = [employee(world, phone=f"+47 900 00 00{i}") for i in range(8)]
    _proposal(need, people[1], shifts[1])
    _offered, _t = offer_sent(world, proposal=_proposal(need, people[2], shifts[2]))
    declined, _t = offer_sent(world, proposal=_proposal(need, people[3], shifts[3]))
    offer_decline(offer=declined, reason="Bortreist")
    expired, _t = offer_sent(world, proposal=_proposal(need, people[4], shifts[4]))
    Offer.objects.filter(pk=expired.pk).update(status=Offer.Status.EXPIRED)
    accepted, _t = offer_sent(world, proposal=_proposal(need, people[5], shifts[5]))
    offer_accept(offer=accepted)
    proposal_approve(proposal=_proposal(need, people[6], shifts[6]), by=world.coordinator)
    proposal_approve(proposal=_proposal(need, people[7], shifts[7]), by=world.coordinator)
    Placement.objects.filter(worker=people[7]).update(ready_at=timezone.now())
    # the refills after the no and the expiry found nobody new to propose
    Proposal.objects.filter(shift__in=[shifts[3], shifts[4]], status="proposed").delete()
    return need, people


EXPECTED = ["open", "proposed", "offered", "declined", "expired", "accepted", "placed", "ready"]


def test_only_the_shifts_asked_for_are_read_and_their_states_are_the_same(world):
    """A roster's week of a long need: the states of the shifts shown, computed the same way
    as for the whole need, and nothing about the need's other shifts."""
    need, _people = _need_in_every_state(world)
    whole = slot_states_for_need(need)
    some = [whole[3].shift.pk, whole[5].shift.pk]

    rows = slot_states_for_needs([need.pk], shift_ids=some)[need.pk]

    assert [row.shift.pk for row in rows] == some
    assert [row.slots[0].state for row in rows] == ["declined", "accepted"]
    assert [row.slots[0].worker for row in rows] == [
        whole[3].slots[0].worker,
        whole[5].slots[0].worker,
    ]
    assert slot_states_for_needs([need.pk], shift_ids=[])[need.pk] == []


def test_each_slot_shows_its_state(world):
    need, people = _need_in_every_state(world)

    rows = slot_states_for_need(need)

    assert [row.slots[0].state for row in rows] == EXPECTED
    assert [row.slots[0].worker for row in rows] == [None, *people[1:]]
    offered = rows[2].slots[0]
    assert offered.since is not None and offered.deadline > offered.since
    assert rows[3].slots[0].reason == "Bortreist"
    assert rows[2].slots[0].phone == people[2].phone


def test_a_shift_with_several_people_shows_a_slot_each(world):
    need = need_with_shifts(world)
    shift = need.shifts.get()
    shift.headcount = 3
    shift.save()
    offer_sent(world, proposal=_proposal(need, employee(world)))
    _proposal(need, employee(world))

    [row] = slot_states_for_need(need)

    assert [s.state for s in row.slots] == ["offered", "proposed", "open"]


def test_slot_states_take_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    needs = [_need_in_every_state(world)[0] for _i in range(3)]

    with django_assert_max_num_queries(4):
        states = slot_states_for_needs([n.pk for n in needs])

    assert all(len(states[n.pk]) == 8 for n in needs)


def test_coordinator_sees_every_slot_with_names_and_actions(client, world):
    need, people = _need_in_every_state(world)
    client.force_login(world.coordinator)

    response = client.get(reverse("needs:detail", args=[need.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    for person in people[1:]:
        assert person.full_name in html
    offer = Offer.objects.get(worker=people[2])
    assert reverse("matching:remind", args=[offer.pk]) in html
    assert reverse("matching:withdraw", args=[offer.pk]) in html
    assert f'href="tel:{people[2].phone}"' in html
    assert reverse("matching:auto", args=[need.pk]) in html
    assert "Bortreist" in html
    for state in EXPECTED:
        assert f"slot-{state}" in html


def test_leader_sees_the_states_and_only_the_names_of_those_who_said_yes(client, world):
    need, people = _need_in_every_state(world)
    client.force_login(world.leader)

    response = client.get(reverse("needs:detail", args=[need.pk]))

    html = response.content.decode()
    for state in EXPECTED:
        assert f"slot-{state}" in html
    for person in people[5:]:  # accepted, placed, ready
        assert person.full_name in html
    for person in people[1:5]:  # proposed, offered, declined, expired: not decided
        assert person.full_name not in html
    assert "tel:" not in html
    assert "matching/offers/" not in html and reverse("matching:auto", args=[need.pk]) not in html


def test_the_leader_of_another_unit_sees_nothing(client, world):
    need, _people = _need_in_every_state(world)
    client.force_login(world.leader2)

    assert client.get(reverse("needs:detail", args=[need.pk])).status_code == 404


def test_the_need_page_queries_stay_bounded(client, world, django_assert_max_num_queries):
    need, _people = _need_in_every_state(world)
    for i in range(10):
        ShiftFactory(need=need, start=at(20 + i, 7), end=at(20 + i, 15))
    client.force_login(world.coordinator)

    with django_assert_max_num_queries(25):
        response = client.get(reverse("needs:detail", args=[need.pk]))
    assert response.status_code == 200


def test_a_cancelled_shift_shows_cancelled(world):
    need = need_with_shifts(world)
    need.shifts.update(cancelled_at=timezone.now() - dt.timedelta(minutes=1))

    [row] = slot_states_for_need(need)

    assert [s.state for s in row.slots] == ["cancelled"]


def test_an_agency_temps_slot_calls_the_agency(world, monkeypatch):
    from staffing.models import WorkerSource
    from tests.staffing.factories import AgencyFactory

    monkeypatch.setattr("matching.offers.adapter_why_not", lambda **kw: None)
    agency = AgencyFactory(contact_email="vakt@byraa.example", contact_phone="+47 22 00 00 00")
    temp = employee(world, agency=agency, phone="+47 99 99 99 99")
    temp.source = WorkerSource.AGENCY
    temp.save()
    need = need_with_shifts(world)
    offer_sent(world, proposal=_proposal(need, temp))

    [row] = slot_states_for_need(need)

    assert row.slots[0].state == "offered" and row.slots[0].phone == "+47 22 00 00 00"
