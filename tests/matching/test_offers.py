import datetime as dt
import logging

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from matching.models import MatchingRun, Offer, Proposal, ProposalRejection
from matching.offers import (
    offer_accept,
    offer_decline,
    offer_send,
    offer_send_for_need,
    offer_withdraw,
    offers_expire,
    token_hash,
)
from matching.services import matching_run_execute, proposal_approve
from outbox.models import Message
from placements.models import Placement, PlacementShift
from placements.services import placement_create_for_approval
from staffing.models import WorkerSource
from tests.matching.factories import (
    ShiftFactory,
    at,
    employee,
    need_with_shifts,
    offer_sent,
    proposal_in_home,
)
from tests.staffing.factories import AgencyFactory
from tests.volunteers.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def _url(token: str) -> str:
    return reverse("offers:answer", kwargs={"token": token})


# --- sending ---------------------------------------------------------------------------------


def test_sending_an_offer_pins_the_proposal_and_queues_the_link_by_email(world):
    proposal = proposal_in_home(world)

    offer, token = offer_sent(world, proposal=proposal)

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.OFFERED
    assert offer.status == Offer.Status.PENDING
    assert offer.proposal == proposal and offer.worker == proposal.worker
    assert offer.shift == proposal.shift and offer.sent_by == world.coordinator
    assert offer.token_hash == token_hash(token) and token not in offer.token_hash
    assert len(offer.code) == 5
    message = Message.objects.get(kind="matching.offer")
    assert message.recipient == proposal.worker.email
    assert "Nordtun sykehjem" in message.body and offer.code in message.body
    # default 24 hours; the shift is three days away
    assert offer.deadline == offer.sent_at + dt.timedelta(hours=24)


def test_the_deadline_is_shorter_when_the_shift_is_near(world):
    proposal = proposal_in_home(world)
    start = timezone.now() + dt.timedelta(hours=6)
    proposal.shift.start, proposal.shift.end = start, start + dt.timedelta(hours=8)
    proposal.shift.save()

    offer, _token = offer_sent(world, proposal=proposal)

    assert offer.deadline - offer.sent_at == pytest.approx(
        (start - offer.sent_at) / 2, abs=dt.timedelta(seconds=1)
    )


def test_a_volunteer_gets_the_offer_in_their_language(world):
    worker = employee(world)
    worker.source = WorkerSource.VOLUNTEER
    worker.save()
    VolunteerFactory(worker=worker, language="en")

    offer, _token = offer_sent(world, proposal=proposal_in_home(world, worker=worker))

    message = Message.objects.get(kind="matching.offer")
    assert offer.language == "en" and message.language == "en"
    assert "Can you take a shift" in message.subject


def test_an_agency_temps_offer_goes_to_the_agencys_contact(world):
    agency = AgencyFactory(contact_email="vakt@byraa.example")
    worker = employee(world, agency=agency)
    worker.source = WorkerSource.AGENCY
    worker.save()
    proposal = proposal_in_home(world, worker=worker)
    with pytest.MonkeyPatch.context() as mp:  # the rules of agency agreements are tested elsewhere
        mp.setattr("matching.offers.adapter_why_not", lambda **kw: None)
        offer, _token = offer_sent(world, proposal=proposal)

    assert offer.recipient == "vakt@byraa.example"
    assert Message.objects.get(kind="matching.offer").recipient == "vakt@byraa.example"


def test_an_offer_is_not_sent_twice_for_one_proposal(world):
    proposal = proposal_in_home(world)
    offer_sent(world, proposal=proposal)

    with translation.override("en"):
        sent, errors = offer_send(proposals=[proposal], by=world.coordinator)

    assert sent == [] and "already waiting" in errors[0]
    assert Offer.objects.count() == 1
    assert Message.objects.filter(kind="matching.offer").count() == 1


def test_nobody_is_offered_a_shift_on_a_need_they_submitted(world):
    proposal = proposal_in_home(world)
    need = proposal.shift.need
    need.submitted_by = world.coordinator
    need.save()

    sent, errors = offer_send(proposals=[proposal], by=world.coordinator)

    assert sent == [] and errors
    assert not Offer.objects.exists()
    assert not Message.objects.exists()


def test_all_proposals_of_a_need_are_offered_at_once(world):
    need = need_with_shifts(world, shifts=((3, 7), (4, 7)))
    employee(world)
    matching_run_execute(trigger="manual")

    sent, errors = offer_send_for_need(need=need, by=world.coordinator)

    assert errors == [] and len(sent) == 2
    assert set(Proposal.objects.values_list("status", flat=True)) == {"offered"}
    assert Message.objects.filter(kind="matching.offer").count() == 2


def test_an_offered_proposal_cannot_be_approved_behind_the_persons_back(world):
    proposal = proposal_in_home(world)
    offer_sent(world, proposal=proposal)

    with pytest.raises(ValidationError):
        proposal_approve(proposal=proposal, by=world.coordinator)

    assert not Placement.objects.exists()


# --- matching while an offer waits ------------------------------------------------------------


def test_a_run_keeps_the_offer_and_proposes_nobody_else_for_its_slot(world):
    need = need_with_shifts(world)
    employee(world)
    employee(world)
    matching_run_execute(trigger="manual")
    proposal = Proposal.objects.get(shift__need=need)
    _offer, _token = offer_sent(world, proposal=proposal)

    matching_run_execute(trigger="manual")

    assert list(Proposal.objects.filter(shift__need=need).values_list("pk", "status")) == [
        (proposal.pk, "offered")
    ]


def test_a_person_with_an_offer_waiting_is_not_proposed_for_an_overlapping_shift(world):
    worker = employee(world)
    proposal = proposal_in_home(world, worker=worker)
    offer_sent(world, proposal=proposal)
    other = need_with_shifts(world)  # the same time as the offered shift

    run = matching_run_execute(trigger="manual")

    assert run.status == MatchingRun.Status.SUCCEEDED
    assert not Proposal.objects.filter(shift__need=other, worker=worker).exists()


# --- the person's page -------------------------------------------------------------------------


def test_opening_the_offer_shows_it_and_changes_nothing(client, world):
    world.home.address = "Nordtunveien 1"
    world.home.save()
    offer, token = offer_sent(world)

    response = client.get(_url(token))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Nordtun sykehjem" in body and "Nordtunveien 1" in body
    assert "Helsefagarbeider" in body or offer.shift.need.qualification.name in body
    assert "no-store" in response["Cache-Control"]
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING and offer.answered_at is None


def test_yes_creates_the_placement_with_its_checklist_and_confirms(client, world):
    offer, token = offer_sent(world)

    response = client.post(_url(token), {"answer": "yes"})

    assert response.status_code == 200
    assert "Thank you" in response.content.decode() or "Takk" in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED and offer.answered_at is not None
    placement = offer.placement
    assert placement.worker == offer.worker and placement.approved_by == world.coordinator
    assert placement.checklist_items.exists()
    assert PlacementShift.objects.get().shift == offer.shift
    proposal = offer.proposal
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.APPROVED and proposal.placement == placement
    confirmation = Message.objects.get(kind="matching.offer_accepted")
    assert confirmation.recipient == offer.worker.email
    assert "police certificate" in confirmation.body or "politiattest" in confirmation.body


def test_no_sends_the_slot_back_to_matching_which_proposes_the_next_best(
    client, world, django_capture_on_commit_callbacks
):
    need = need_with_shifts(world)
    employee(world)
    employee(world)
    matching_run_execute(trigger="manual")
    first = Proposal.objects.get(shift__need=need)
    offer, token = offer_sent(world, proposal=first)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(token), {"answer": "no", "reason": "Bortreist"})

    assert response.status_code == 200
    offer.refresh_from_db()
    assert offer.status == Offer.Status.DECLINED and offer.decline_reason == "Bortreist"
    first.refresh_from_db()
    assert first.status == Proposal.Status.REJECTED and "Bortreist" in first.reject_reason
    assert ProposalRejection.objects.filter(worker=offer.worker, shift=offer.shift).exists()
    # the next best came from the run's ranked alternatives for this slot: no full run needed
    assert not MatchingRun.objects.filter(trigger="offer_answered").exists()
    nxt = Proposal.objects.get(shift__need=need, status="proposed")
    assert nxt.worker != offer.worker
    assert not Placement.objects.exists()


@pytest.mark.parametrize("second", ["yes", "no"])
def test_answering_twice_gets_a_clear_page_and_changes_nothing(client, world, second):
    offer, token = offer_sent(world)
    client.post(_url(token), {"answer": "yes"})

    response = client.post(_url(token), {"answer": second, "reason": "x"})

    assert response.status_code == 410
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED and offer.decline_reason == ""
    assert PlacementShift.objects.count() == 1
    assert Message.objects.filter(kind="matching.offer_accepted").count() == 1


def test_an_answer_after_the_deadline_changes_nothing(client, world):
    offer, token = offer_sent(world)
    Offer.objects.filter(pk=offer.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))

    response = client.post(_url(token), {"answer": "yes"})

    assert response.status_code == 410
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING and offer.answered_at is None
    assert not Placement.objects.exists()


def test_an_answer_to_a_withdrawn_offer_changes_nothing(client, world):
    offer, token = offer_sent(world)
    offer_withdraw(offer=offer, by=world.coordinator)

    response = client.post(_url(token), {"answer": "yes"})

    assert response.status_code == 410
    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN and offer.answered_at is None
    assert not Placement.objects.exists()


@pytest.mark.parametrize("kind", ["unknown", "tampered", "malformed"])
def test_a_bad_link_gets_a_friendly_404_and_leaves_no_trace_in_the_log(client, world, caplog, kind):
    offer, token = offer_sent(world)
    bad = {
        "unknown": "A" * 43,
        "tampered": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "malformed": "not-a-token!",
    }[kind]
    caplog.set_level(logging.DEBUG)

    get = client.get(f"/offer/{bad}/")
    post = client.post(f"/offer/{bad}/", {"answer": "yes"})

    assert get.status_code == post.status_code == 404
    assert "no-store" in get["Cache-Control"]
    assert "matching/offer_gone.html" in [t.name for t in get.templates]
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING
    assert bad not in caplog.text and token not in caplog.text


def test_a_closed_offer_is_not_logged_with_its_token(client, world, caplog):
    offer, token = offer_sent(world)
    offer_withdraw(offer=offer, by=world.coordinator)
    caplog.set_level(logging.DEBUG)

    response = client.get(_url(token))

    assert response.status_code == 410
    assert token not in caplog.text


def test_an_empty_answer_is_refused_and_changes_nothing(client, world):
    offer, token = offer_sent(world)

    response = client.post(_url(token), {"answer": "maybe"})

    assert response.status_code == 400
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING


def test_a_yes_that_now_conflicts_is_refused_politely_and_the_coordinator_told(client, world):
    worker = employee(world)
    offer, token = offer_sent(world, proposal=proposal_in_home(world, worker=worker))
    # meanwhile the person was put on an overlapping shift of another need by phone
    other = ShiftFactory(need=need_with_shifts(world, shifts=()), start=at(3, 8))
    placement_create_for_approval(worker=worker, shift=other, by=world.coordinator)

    response = client.post(_url(token), {"answer": "yes"})

    assert response.status_code == 200
    offer.refresh_from_db()
    assert offer.status == Offer.Status.CONFLICT and offer.answered_at is not None
    assert worker.full_name in offer.note
    assert not PlacementShift.objects.filter(shift=offer.shift).exists()
    assert offer.proposal.status == Proposal.Status.REJECTED
    told = Message.objects.get(kind="matching.offer_conflict")
    assert told.recipient == world.coordinator.email and offer.code in told.body


# --- deadlines and withdrawal --------------------------------------------------------------------


def test_offers_past_their_deadline_expire_and_the_slot_goes_back(world):
    late, _t1 = offer_sent(world)
    waiting, _t2 = offer_sent(world)
    Offer.objects.filter(pk=late.pk).update(deadline=timezone.now() - dt.timedelta(seconds=1))

    assert offers_expire() == 1

    late.refresh_from_db()
    waiting.refresh_from_db()
    assert late.status == Offer.Status.EXPIRED and late.closed_at is not None
    assert late.proposal.status == Proposal.Status.REJECTED
    assert ProposalRejection.objects.filter(worker=late.worker, shift=late.shift).exists()
    assert waiting.status == Offer.Status.PENDING
    assert offers_expire() == 0


def test_withdrawing_reopens_the_proposal_and_tells_the_person(world):
    offer, _token = offer_sent(world)

    offer_withdraw(offer=offer, by=world.coordinator)

    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN and offer.closed_by == world.coordinator
    assert offer.proposal.status == Proposal.Status.PROPOSED
    assert Message.objects.get(kind="matching.offer_withdrawn").recipient == offer.recipient
    with pytest.raises(ValidationError):
        offer_withdraw(offer=offer, by=world.coordinator)


def test_the_record_keeps_every_offer_and_answer(world):
    first, _t = offer_sent(world)
    offer_decline(offer=first, reason="Syk")
    second, _t = offer_sent(world)
    offer_accept(offer=second)

    rows = set(Offer.objects.values_list("status", "decline_reason"))

    assert rows == {("declined", "Syk"), ("accepted", "")}


# --- the coordinator's page ---------------------------------------------------------------------


def test_coordinator_sends_the_offers_of_a_need_and_sees_their_state(client, world):
    need = need_with_shifts(world)
    employee(world)
    matching_run_execute(trigger="manual")
    client.force_login(world.coordinator)

    response = client.post(reverse("matching:offer_all", kwargs={"pk": need.pk}))

    assert response.status_code == 302
    offer = Offer.objects.get()
    page = client.get(reverse("matching:index")).content.decode()
    assert f'id="offer-{offer.pk}"' in page
    assert reverse("matching:withdraw", kwargs={"pk": offer.pk}) in page

    response = client.post(reverse("matching:withdraw", kwargs={"pk": offer.pk}))

    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN


def test_coordinator_sends_one_offer(client, world):
    proposal = proposal_in_home(world)
    client.force_login(world.coordinator)

    response = client.post(reverse("matching:offer", kwargs={"pk": proposal.pk}))

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.OFFERED
    assert Offer.objects.get().proposal == proposal
