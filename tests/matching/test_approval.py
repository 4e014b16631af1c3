import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from matching.models import Proposal
from matching.services import (
    matching_run_execute,
    proposal_approve,
    proposal_approve_all,
    proposal_pick_alternative,
    proposal_reject,
)
from placements.models import Placement, PlacementShift
from tests.matching.factories import employee, need_with_shifts, proposal_in_home

pytestmark = pytest.mark.django_db


def test_approving_creates_the_placement_with_its_checklist(world):
    proposal = proposal_in_home(world)

    placement = proposal_approve(proposal=proposal, by=world.coordinator)

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.APPROVED
    assert proposal.decided_by == world.coordinator and proposal.decided_at is not None
    assert proposal.placement == placement
    assert placement.worker == proposal.worker and placement.unit == world.home
    assert placement.approved_by == world.coordinator
    shift = placement.shifts.get()
    assert (shift.shift, shift.start, shift.end) == (
        proposal.shift,
        proposal.shift.start,
        proposal.shift.end,
    )
    assert placement.checklist_items.exists()


def test_a_second_shift_of_the_same_need_extends_the_placement(world):
    need = need_with_shifts(world, shifts=((3, 7), (4, 7)))
    employee(world)
    matching_run_execute(trigger="manual")

    placements, errors = proposal_approve_all(need=need, by=world.coordinator)

    assert errors == []
    assert len({p.pk for p in placements}) == 1
    assert Placement.objects.get().shifts.count() == 2
    assert not Proposal.objects.filter(status="proposed").exists()


def test_nobody_approves_a_need_they_submitted(world):
    proposal = proposal_in_home(world)
    need = proposal.shift.need
    need.submitted_by = world.admin
    need.save()

    with translation.override("en"), pytest.raises(ValidationError, match="submitted"):
        proposal_approve(proposal=proposal, by=world.admin)

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PROPOSED
    assert not Placement.objects.exists()


def test_only_coordinators_approve(world):
    proposal = proposal_in_home(world)
    with pytest.raises(PermissionDenied):
        proposal_approve(proposal=proposal, by=world.leader)
    assert not Placement.objects.exists()


def test_approving_a_double_booking_is_refused_with_a_clear_message(world):
    worker = employee(world)
    first = proposal_in_home(world, worker=worker)
    second = proposal_in_home(world, worker=worker)  # same time, another need
    proposal_approve(proposal=first, by=world.coordinator)

    with pytest.raises(ValidationError) as exc:
        proposal_approve(proposal=second, by=world.coordinator)

    assert worker.full_name in exc.value.messages[0]
    second.refresh_from_db()
    assert second.status == Proposal.Status.PROPOSED
    assert PlacementShift.objects.filter(worker=worker).count() == 1


def test_a_decided_proposal_cannot_be_approved_again(world):
    proposal = proposal_in_home(world)
    proposal_approve(proposal=proposal, by=world.coordinator)
    with pytest.raises(ValidationError):
        proposal_approve(proposal=proposal, by=world.coordinator)
    assert PlacementShift.objects.count() == 1


def test_reject_needs_a_reason(world):
    proposal = proposal_in_home(world)
    with pytest.raises(ValidationError):
        proposal_reject(proposal=proposal, by=world.coordinator, reason="  ")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PROPOSED


def test_picking_an_alternative_places_that_worker_instead(world):
    need = need_with_shifts(world)
    preferred = employee(world, percent=50, wants_more=True)
    other = employee(world)
    matching_run_execute(trigger="manual")
    proposal = Proposal.objects.get(shift__need=need)
    assert proposal.worker == preferred
    assert [a["worker"] for a in proposal.alternatives] == [other.pk]

    placement = proposal_pick_alternative(proposal=proposal, worker=other, by=world.coordinator)

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.REJECTED
    assert placement.worker == other
    assert Proposal.objects.get(status="approved").worker == other


def test_picking_someone_not_listed_is_refused(world):
    proposal = proposal_in_home(world)
    stranger = employee(world)
    with pytest.raises(ValidationError):
        proposal_pick_alternative(proposal=proposal, worker=stranger, by=world.coordinator)
    assert not Placement.objects.exists()


def test_approval_rechecks_the_weekly_rest(world):
    from matching.models import MatchingRun
    from tests.matching.factories import need_with_shifts as shifts_of

    worker = employee(world)
    week = shifts_of(world, shifts=[(d, 7) for d in range(3, 8)])
    matching_run_execute(trigger="manual")
    for proposal in Proposal.objects.filter(shift__need=week):
        proposal_approve(proposal=proposal, by=world.coordinator)
    night = shifts_of(world, shifts=((8, 23),))  # leaves no 35 h stretch in the week
    run = MatchingRun.objects.create(trigger="manual", status="succeeded")
    stale = Proposal.objects.create(run=run, shift=night.shifts.get(), worker=worker)

    with translation.override("en"), pytest.raises(ValidationError) as exc:
        proposal_approve(proposal=stale, by=world.coordinator)

    assert "35 hours of continuous rest" in exc.value.messages[0]
    stale.refresh_from_db()
    assert stale.status == Proposal.Status.PROPOSED
    assert PlacementShift.objects.filter(worker=worker).count() == 5
