import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.utils import formats, timezone, translation

from matching import adapter, services
from matching.models import MatchingRun, Proposal, ProposalRejection, UnfilledSlot
from matching.services import matching_run_execute, proposal_approve
from needs.models import Priority
from staffing.models import WorkerSource
from tests.matching.factories import at, employee, need_with_shifts
from tests.staffing.factories import (
    AgencyFactory,
    AgreementRateFactory,
    AvailabilityFactory,
    FrameworkAgreementFactory,
    SkillFactory,
    WorkerFactory,
)

pytestmark = pytest.mark.django_db


def proposed(need):
    return {
        (p.shift_id, p.worker_id)
        for p in Proposal.objects.filter(shift__need=need, status=Proposal.Status.PROPOSED)
    }


def test_run_proposes_a_covering_part_timer_and_records_the_run(world):
    need = need_with_shifts(world, shifts=((3, 7), (4, 7)))
    nurse = employee(world, "sykepleier", percent=60, wants_more=True)

    run = matching_run_execute(trigger="manual", requested_by=world.coordinator)

    assert run.status == MatchingRun.Status.SUCCEEDED
    assert (run.slots, run.candidates, run.filled) == (2, 1, 2)
    assert run.objective is not None and run.bound is not None and run.bound <= run.objective
    assert run.load_seconds is not None and run.solve_seconds is not None
    assert {w for _, w in proposed(need)} == {nurse.pk}
    with translation.override("nb"):
        text = Proposal.objects.first().explanation
    assert "Sykepleier" in text and "helsefagarbeider" in text
    assert "60 %" in text and "2" in text


def test_hard_rules_keep_unfit_workers_out(world):
    med = SkillFactory(code="legemiddel", name="Legemiddelhåndtering")
    need = need_with_shifts(world, required_skills=[med])
    employee(world, skills=[], available=True)  # lacks the required skill
    employee(world, skills=[med], available=False)  # not free
    employee(world, "sykepleier", skills=[med], verified=False)  # HPR not verified
    employee(world, "sykepleierstudent", skills=[med])  # students fill assistant needs only
    employee(world, skills=[med], is_active=False)  # no longer active

    run = matching_run_execute(trigger="manual")

    assert run.filled == 0
    assert proposed(need) == set()
    unfilled = UnfilledSlot.objects.get(shift__need=need)
    assert unfilled.reason


def test_a_fit_worker_is_found_among_unfit_ones(world):
    med = SkillFactory(code="legemiddel", name="Legemiddelhåndtering")
    need = need_with_shifts(world, required_skills=[med])
    employee(world, skills=[])
    fit = employee(world, "helsefagarbeider", skills=[med])

    matching_run_execute(trigger="manual")

    assert {w for _, w in proposed(need)} == {fit.pk}


def test_students_fill_assistant_needs(world):
    need = need_with_shifts(world, qual="assistent")
    student = employee(world, "sykepleierstudent", verified=False)

    matching_run_execute(trigger="manual")

    assert {w for _, w in proposed(need)} == {student.pk}


def agency_temp(world, *, rate_for="helsefagarbeider", valid_to=None, rate="700", district=None):
    agency = AgencyFactory()
    today = timezone.localdate()
    agreement = FrameworkAgreementFactory(
        agency=agency,
        valid_from=today - dt.timedelta(days=10),
        valid_to=valid_to or today + dt.timedelta(days=60),
    )
    AgreementRateFactory(
        agreement=agreement, qualification=world.quals[rate_for], hourly_rate=Decimal(rate)
    )
    temp = WorkerFactory(
        source=WorkerSource.AGENCY,
        agency=agency,
        qualifications=[world.quals["helsefagarbeider"]],
        verified_hpr=True,
        home_district=district or world.south,
    )
    AvailabilityFactory(worker=temp)
    return temp


def test_agency_temp_is_proposed_only_while_an_agreement_is_valid_on_the_shifts_day(world):
    need = need_with_shifts(world, shifts=((3, 7),))
    shift_day = at(3, 7).date()
    temp = agency_temp(world, valid_to=shift_day - dt.timedelta(days=1))  # ends the day before

    run = matching_run_execute(trigger="manual")

    assert run.filled == 0 and proposed(need) == set()
    with translation.override("en"):
        reason = UnfilledSlot.objects.get(shift__need=need).reason
    assert "1 no framework agreement valid on" in reason

    temp.agency.agreements.update(valid_to=shift_day)  # its last day is the shift's day
    matching_run_execute(trigger="manual")

    assert {w for _, w in proposed(need)} == {temp.pk}
    proposal = Proposal.objects.get(status="proposed")
    assert proposal.cost >= 700 * 8
    assert "700" in proposal.explanation


def test_part_timers_who_want_more_hours_go_before_agency_temps(world):
    """§ 14-3 alone decides: the temp costs nothing either (rate 0 kr/h) and is nearer."""
    need = need_with_shifts(world)
    temp = agency_temp(world, rate="0", district=world.north)
    part_timer = employee(world, percent=50, wants_more=True, district=world.south)

    matching_run_execute(trigger="manual")

    proposal = Proposal.objects.get(shift__need=need)
    assert proposal.worker == part_timer
    assert "no extra cost" in proposal.explanations["en"]
    assert [a["worker"] for a in proposal.alternatives] == [temp.pk]
    assert proposal.alternatives[0]["feasible"] is True


def test_critical_and_urgent_needs_are_filled_first(world):
    normal = need_with_shifts(world, unit=world.other, priority=Priority.NORMAL)
    critical = need_with_shifts(world, priority=Priority.CRITICAL)
    only = employee(world)

    run = matching_run_execute(trigger="manual")

    assert run.filled == 1
    assert {w for _, w in proposed(critical)} == {only.pk}
    assert proposed(normal) == set()
    reason = UnfilledSlot.objects.get(shift__need=normal).reason
    assert "1" in reason


def test_rest_rule_blocks_a_shift_too_soon_after_a_placement(world):
    early = need_with_shifts(world, shifts=((3, 14),), hours=8)  # ends 22:00
    worker = employee(world)
    matching_run_execute(trigger="manual")
    proposal_approve(proposal=Proposal.objects.get(shift__need=early), by=world.coordinator)
    morning = need_with_shifts(world, shifts=((4, 7),))  # 9 hours after

    matching_run_execute(trigger="manual")

    assert proposed(morning) == set()
    reason = UnfilledSlot.objects.get(shift__need=morning).reason
    assert "11" in reason
    assert worker.placements.count() == 1


def test_rerun_replaces_open_proposals_keeps_approved_and_is_deterministic(world):
    need = need_with_shifts(world, shifts=((3, 7), (4, 7), (5, 7)))
    for _ in range(4):
        employee(world)
    first = matching_run_execute(trigger="manual")
    before = proposed(need)
    approved = Proposal.objects.filter(shift__need=need).order_by("shift__start").first()
    proposal_approve(proposal=approved, by=world.coordinator)

    second = matching_run_execute(trigger="manual")
    third = matching_run_execute(trigger="manual")

    assert len(before) == 3
    approved.refresh_from_db()
    assert approved.status == Proposal.Status.APPROVED and approved.run_id == first.pk
    open_now = Proposal.objects.filter(status="proposed")
    assert {p.run_id for p in open_now} == {third.pk}
    assert second.filled == third.filled == 2
    assert proposed(need) == before - {(approved.shift_id, approved.worker_id)}


def test_reruns_on_unchanged_data_give_the_same_proposals(world):
    need_with_shifts(world, shifts=[(d, h) for d in range(2, 6) for h in (7, 15)])
    for i in range(6):
        employee(world, percent=60, wants_more=i % 2 == 0)
    matching_run_execute(trigger="manual")
    first = sorted(Proposal.objects.values_list("shift_id", "slot_index", "worker_id"))
    matching_run_execute(trigger="manual")
    second = sorted(Proposal.objects.values_list("shift_id", "slot_index", "worker_id"))
    assert first == second and len(first) == 8


def test_a_failed_run_keeps_the_previous_proposals_and_says_why(world, monkeypatch):
    need_with_shifts(world)
    employee(world)
    matching_run_execute(trigger="manual")
    kept = list(Proposal.objects.values_list("pk", flat=True))

    def broken(*args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr("matching.services.solve", broken)
    run = matching_run_execute(trigger="schedule")

    assert run.status == MatchingRun.Status.FAILED
    assert "solver exploded" in run.error
    assert list(Proposal.objects.values_list("pk", flat=True)) == kept


def test_a_rejected_worker_is_not_proposed_for_that_shift_again(world):
    from matching.services import proposal_reject

    need = need_with_shifts(world)
    first = employee(world, percent=50, wants_more=True)
    second = employee(world)
    matching_run_execute(trigger="manual")
    proposal = Proposal.objects.get(shift__need=need)
    assert proposal.worker == first

    proposal_reject(proposal=proposal, by=world.coordinator, reason="Kjenner ikke avdelingen")
    matching_run_execute(trigger="manual")

    assert ProposalRejection.objects.filter(worker=first, shift=proposal.shift).exists()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.REJECTED
    assert {w for _, w in proposed(need)} == {second.pk}


def test_past_and_draft_shifts_are_not_slots(world):
    need_with_shifts(world, shifts=((-1, 7),))
    need_with_shifts(world, state="draft")
    employee(world)
    run = matching_run_execute(trigger="manual")
    assert run.slots == 0 and Proposal.objects.count() == 0


def test_instance_respects_working_time_settings(world, settings):
    settings.DUGNAD = {**settings.DUGNAD, "MIN_REST_HOURS": 8}
    need_with_shifts(world, shifts=((3, 7),))
    employee(world)
    loaded = adapter.instance_build()
    assert loaded.instance.params.min_rest_hours == 8
    assert [s.start for s in loaded.instance.slots] == [at(3, 7)]


def test_an_unfilled_slot_says_who_is_missing_and_when_in_norwegian(world):
    med = SkillFactory(code="legemiddel", name="Legemiddelhåndtering")
    need = need_with_shifts(world, shifts=((3, 22),), required_skills=[med])
    employee(world, skills=[med], available=False)

    matching_run_execute(trigger="manual")

    reason = UnfilledSlot.objects.get(shift__need=need).reason
    weekday = formats.date_format(at(3, 22), "l").lower()
    assert reason == f"ingen helsefagarbeider med legemiddelhåndtering er ledig {weekday} natt"


def test_a_slot_left_empty_by_the_short_list_is_offered_everyone(world, monkeypatch):
    """Shifts at the same time share the same cheapest people: with a short list of two, the
    third shift would stay empty while a dearer nurse from another district is free."""
    monkeypatch.setitem(django_settings.DUGNAD["MATCHING_WEIGHTS"], "MAX_CANDIDATES_PER_SLOT", 1)
    for _ in range(3):
        need_with_shifts(world, shifts=((3, 7),))
    near = [employee(world), employee(world)]
    far = employee(world, district=world.south)

    monkeypatch.setattr(services, "WIDEN_ROUNDS", 0)
    assert matching_run_execute(trigger="manual").filled == 2  # the short list alone
    assert UnfilledSlot.objects.count() == 1

    monkeypatch.setattr(services, "WIDEN_ROUNDS", 3)
    run = matching_run_execute(trigger="manual")

    assert run.filled == 3 and not UnfilledSlot.objects.filter(run=run).exists()
    assert {p.worker for p in Proposal.objects.filter(run=run)} == {*near, far}


def test_weekly_rest_keeps_a_worker_off_a_shift_that_leaves_no_35_hours_free(world):
    # five day shifts (40 h) leave 64 h free at the end of the week that starts with them;
    # a night between day 8 and 9 cuts that into 32 h and 24 h: no 35 h stretch in 7 days,
    # while every other rule (11 h rest, 13 h in 24 h, 48 h in 7 days) still holds
    week = need_with_shifts(world, shifts=[(d, 7) for d in range(3, 8)])
    worker = employee(world)
    matching_run_execute(trigger="manual")
    for proposal in Proposal.objects.filter(shift__need=week):
        proposal_approve(proposal=proposal, by=world.coordinator)
    night = need_with_shifts(world, shifts=((8, 23),))

    matching_run_execute(trigger="manual")

    assert worker.placements.get().shifts.count() == 5
    assert proposed(night) == set()
    reason = UnfilledSlot.objects.get(shift__need=night).reason
    assert "35" in reason
    with translation.override("en"):
        assert adapter.why_not(worker_id=worker.pk, shift_id=night.shifts.get().pk).code == (
            "weekly_rest"
        )


def test_weekly_rest_follows_the_setting(world, settings):
    settings.DUGNAD = {**django_settings.DUGNAD, "MIN_WEEKLY_REST_HOURS": 0}
    week = need_with_shifts(world, shifts=[(d, 7) for d in range(3, 8)])
    worker = employee(world)
    matching_run_execute(trigger="manual")
    for proposal in Proposal.objects.filter(shift__need=week):
        proposal_approve(proposal=proposal, by=world.coordinator)
    night = need_with_shifts(world, shifts=((8, 23),))

    matching_run_execute(trigger="manual")

    assert proposed(night) == {(night.shifts.get().pk, worker.pk)}
