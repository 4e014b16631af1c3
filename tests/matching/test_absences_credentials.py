"""Absences (sick leave, holidays) and credentials that expire keep people off shifts: in a run,
in the approval re-check and when the person says yes to an offer."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import formats, translation

from matching.models import Offer, Proposal
from matching.offers import offer_accept
from matching.services import matching_run_execute, proposal_approve
from placements.models import PlacementShift
from staffing import capacity
from staffing.models import Absence, WorkerQualification, WorkerSkill
from tests.matching.factories import at, employee, need_with_shifts, offer_sent
from tests.matching.test_runs import proposed
from tests.staffing.factories import SkillFactory

pytestmark = pytest.mark.django_db


def _day(days: int) -> dt.date:
    return at(days, 12).date()


def test_a_run_proposes_nobody_on_sick_leave_for_those_days_only(world):
    need = need_with_shifts(world, shifts=((3, 7), (5, 7)))
    worker = employee(world)
    capacity.absence_create(
        worker=worker, kind="sick", starts_on=_day(2), ends_on=_day(3), by=world.hr
    )

    matching_run_execute(trigger="manual")

    day5 = need.shifts.get(start=at(5, 7)).pk
    assert proposed(need) == {(day5, worker.pk)}


def test_a_night_shift_into_a_holiday_is_refused_too(world):
    """The shift touches the first day of the holiday after midnight."""
    need = need_with_shifts(world, shifts=((3, 23),))
    worker = employee(world)
    Absence.objects.create(worker=worker, kind="holiday", starts_on=_day(4), ends_on=_day(10))

    matching_run_execute(trigger="manual")

    assert proposed(need) == set()


def test_approval_refuses_someone_who_fell_ill_since_the_proposal(world):
    need = need_with_shifts(world)
    worker = employee(world)
    matching_run_execute(trigger="manual")
    proposal = Proposal.objects.get(shift__need=need, worker=worker)

    capacity.absence_create(
        worker=worker, kind="sick", starts_on=_day(0), ends_on=_day(5), by=world.coordinator
    )

    with translation.override("en"), pytest.raises(ValidationError) as exc:
        proposal_approve(proposal=proposal, by=world.coordinator)
    with translation.override("en"):
        day = formats.date_format(at(3, 7).date(), "SHORT_DATE_FORMAT")
    assert exc.value.messages[0] == (
        f"{worker.full_name} cannot take this shift: absent (sick leave or holiday) on {day}."
    )
    assert not PlacementShift.objects.exists()


def test_a_yes_to_an_offer_for_a_day_of_absence_is_refused(world):
    worker = employee(world)
    offer, _token = offer_sent(world, worker=worker)
    capacity.absence_create(
        worker=worker, kind="holiday", starts_on=_day(3), ends_on=_day(3), by=world.hr
    )

    offer_accept(offer=offer)

    offer.refresh_from_db()
    assert offer.status == Offer.Status.CONFLICT
    assert not PlacementShift.objects.filter(worker=worker).exists()


def test_every_change_of_an_absence_runs_matching(world, django_capture_on_commit_callbacks):
    need = need_with_shifts(world)
    worker = employee(world)
    matching_run_execute(trigger="manual")
    assert proposed(need) == {(need.shifts.get().pk, worker.pk)}

    with django_capture_on_commit_callbacks(execute=True):
        absence = capacity.absence_create(
            worker=worker, kind="sick", starts_on=_day(0), ends_on=_day(5), by=world.hr
        )
    assert proposed(need) == set()

    with django_capture_on_commit_callbacks(execute=True):
        capacity.absence_delete(absence=absence, by=world.hr)

    assert proposed(need) == {(need.shifts.get().pk, worker.pk)}
    assert not Absence.objects.exists()


def test_an_expired_qualification_stops_matching_after_its_last_day(world):
    need = need_with_shifts(world, shifts=((3, 7), (5, 7)))
    worker = employee(world)
    WorkerQualification.objects.filter(worker=worker).update(valid_until=_day(4))

    matching_run_execute(trigger="manual")

    assert proposed(need) == {(need.shifts.get(start=at(3, 7)).pk, worker.pk)}


def test_another_valid_qualification_that_covers_the_need_still_counts(world):
    need = need_with_shifts(world)
    worker = employee(world)
    worker.qualifications.add(world.quals["sykepleier"])
    WorkerQualification.objects.filter(
        worker=worker, qualification=world.quals["helsefagarbeider"]
    ).update(valid_until=_day(1))

    matching_run_execute(trigger="manual")

    assert proposed(need) == {(need.shifts.get().pk, worker.pk)}


def test_an_expired_authorisation_or_skill_certificate_is_refused_with_its_name(world):
    medication = SkillFactory(code="legemiddel", name="Legemiddelhåndtering")
    need = need_with_shifts(world, required_skills=[medication])
    worker = employee(world, skills=[medication])
    matching_run_execute(trigger="manual")
    proposal = Proposal.objects.get(shift__need=need, worker=worker)

    WorkerSkill.objects.filter(worker=worker).update(valid_until=_day(1))
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        proposal_approve(proposal=proposal, by=world.coordinator)
    assert "Legemiddelhåndtering no longer valid on" in exc.value.messages[0]

    WorkerSkill.objects.filter(worker=worker).update(valid_until=None)
    capacity.credential_valid_until_set(
        worker=worker, kind="hpr", pk=None, valid_until=_day(2), by=world.hr
    )
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        proposal_approve(proposal=proposal, by=world.coordinator)
    assert "health authorisation expired before" in exc.value.messages[0]


def test_only_hr_and_coordinators_change_a_credentials_date(world):
    from django.core.exceptions import PermissionDenied

    worker = employee(world)
    held = WorkerQualification.objects.get(worker=worker)
    with pytest.raises(PermissionDenied):
        capacity.credential_valid_until_set(
            worker=worker, kind="qualification", pk=held.pk, valid_until=_day(9), by=world.leader
        )
    capacity.credential_valid_until_set(
        worker=worker, kind="qualification", pk=held.pk, valid_until=_day(9), by=world.hr
    )
    held.refresh_from_db()
    assert held.valid_until == _day(9)
