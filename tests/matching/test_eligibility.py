"""The hard rules have one home (matching.adapter.eligibility): a run, the approval re-check
and the explanations ask the same predicates."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from matching import explain
from matching.adapter import Reason, eligibility, params
from matching.adapter.load import snapshot_load
from matching.models import Proposal, ProposalRejection
from matching.services import matching_run_execute, proposal_approve
from placements.models import Placement
from staffing.models import Absence, Availability, WorkerSkill
from tests.matching.factories import at, employee, need_with_shifts
from tests.matching.test_runs import agency_temp, proposed
from tests.staffing.factories import SkillFactory

pytestmark = pytest.mark.django_db


def _proposal_for(world, worker, **need_kwargs):
    need = need_with_shifts(world, **need_kwargs)
    matching_run_execute(trigger="manual")
    return Proposal.objects.get(shift__need=need, worker=worker)


def _refused(world, proposal) -> str:
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        proposal_approve(proposal=proposal, by=world.coordinator)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PROPOSED
    assert not Placement.objects.exists()
    return exc.value.messages[0]


def _no_longer_free(world, worker):
    Availability.objects.filter(worker=worker).delete()


def _lost_qualification(world, worker):
    worker.qualifications.set([world.quals["assistent"]])


def _hpr_withdrawn(world, worker):
    worker.hpr_verified_at = None
    worker.save(update_fields=["hpr_verified_at"])


def _deactivated(world, worker):
    worker.is_active = False
    worker.save(update_fields=["is_active"])


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (_no_longer_free, "not free then"),
        (_lost_qualification, "not helsefagarbeider and holds nothing that covers it"),
        (_hpr_withdrawn, "no verified HPR number"),
        (_deactivated, "no longer active"),
    ],
)
def test_approval_rechecks_the_rules_the_run_applied(world, change, words):
    worker = employee(world)
    proposal = _proposal_for(world, worker)

    change(world, worker)

    message = _refused(world, proposal)
    assert message == f"{worker.full_name} cannot take this shift: {words}."


def test_approval_refuses_a_required_skill_the_worker_no_longer_has(world):
    med = SkillFactory(code="legemiddel", name="Legemiddelhåndtering")
    worker = employee(world, skills=[med])
    proposal = _proposal_for(world, worker, required_skills=[med])

    worker.skills.clear()

    assert "lacks legemiddelhåndtering" in _refused(world, proposal)


def test_approval_refuses_an_agency_temp_whose_agreement_ended_since_the_proposal(world):
    temp = agency_temp(world)
    proposal = _proposal_for(world, temp, shifts=((3, 7),))

    temp.agency.agreements.update(valid_to=timezone.localdate() + dt.timedelta(days=1))

    assert "no framework agreement valid on" in _refused(world, proposal)


def test_a_student_never_fills_an_authorised_need_whatever_covers_says(world):
    """Misconfigured ladder: nursing student 'covers' health worker. DESIGN: a student without
    a licence fills assistant needs only."""
    world.quals["sykepleierstudent"].covers.add(world.quals["helsefagarbeider"])
    need = need_with_shifts(world)
    student = employee(world, "sykepleierstudent", verified=False)

    matching_run_execute(trigger="manual")

    assert proposed(need) == set()
    snap = snapshot_load(now=timezone.now())
    shift = need.shifts.get()
    reason = eligibility.why_not(snap, params(), shift.pk, student.pk)
    assert reason == Reason("student_limit", {"qualification": "Helsefagarbeider"})


def test_a_run_and_the_single_question_agree_on_everyone(world):
    """screen() over everyone and why_not() for one person give the same answer, so what a
    run leaves out is what the approval refuses."""
    med = SkillFactory(code="legemiddel", name="Legemiddelhåndtering")
    world.quals["sykepleierstudent"].covers.add(world.quals["helsefagarbeider"])
    need = need_with_shifts(world, required_skills=[med])
    fit = employee(world, skills=[med])
    employee(world, skills=[])
    employee(world, skills=[med], available=False)
    employee(world, "sykepleier", skills=[med], verified=False)
    employee(world, "sykepleierstudent", skills=[med])
    employee(world, "assistent", skills=[med])
    rejected = employee(world, skills=[med])
    ProposalRejection.objects.create(worker=rejected, shift=need.shifts.get(), reason="Nei")
    agency_temp(world, valid_to=timezone.localdate()).skills.add(med)
    sick = employee(world, skills=[med])
    Absence.objects.create(
        worker=sick, kind="sick", starts_on=at(2, 7).date(), ends_on=at(3, 7).date()
    )
    expired = employee(world, skills=[med])
    WorkerSkill.objects.filter(worker=expired).update(valid_until=at(2, 7).date())

    snap = snapshot_load(now=timezone.now())
    shift = snap.shifts[need.shifts.get().pk]
    screened = eligibility.screen(snap, shift)
    passing = {int(snap.worker_ids[i]) for i in screened.idx}
    single = {wid: eligibility.first_failed_rule(snap, shift.id, wid) for wid in snap.workers}

    assert passing == {fit.pk}
    assert {wid for wid, reason in single.items() if reason is None} == passing
    assert sorted(r.code for r in single.values() if r) == sorted(
        [
            "absent",
            "credential_expired",
            "hpr_unverified",
            "no_agreement",
            "not_available",
            "not_qualified",
            "rejected",
            "skill_missing",
            "student_limit",
        ]
    )
    # the counts the unfilled-slot text uses: one worker fewer after each rule
    assert list(screened.passed.values()) == [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]


def test_rules_that_depend_only_on_the_need_come_first():
    """screen() applies those once per kind of need, before the others."""
    kinds = [rule.per_need for rule in eligibility.RULES]
    assert kinds == sorted(kinds, reverse=True)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_every_reason_has_words_in_each_language(language):
    example = {
        "qualification": "Helsefagarbeider",
        "skills": ("Legemiddelhåndtering",),
        "date": at(3, 7).date(),
        "hours": 11.0,
    }
    codes = [rule.code for rule in eligibility.RULES]
    codes += [r.code for r in eligibility._engine_reasons(params()).values()]
    with translation.override(language):
        generic = explain.reason_text(Reason("something new"))
        texts = {code: explain.reason_text(Reason(code, example)) for code in codes}
    assert all(text and text != generic for text in texts.values()), texts
    assert len(set(texts.values())) == len(codes)


def test_loading_runs_a_fixed_number_of_queries_whatever_the_size(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from matching.adapter import instance_build, why_not

    med = SkillFactory(code="legemiddel", name="Legemiddelhåndtering")
    need_with_shifts(world, shifts=((3, 7),), required_skills=[med])
    worker = employee(world, skills=[med])
    agency_temp(world)
    with CaptureQueriesContext(connection) as small:
        instance_build()
    for day in range(4, 9):
        need_with_shifts(world, shifts=((day, 7), (day, 15)), preferred_skills=[med])
        employee(world, skills=[med])
        employee(world, "sykepleier", percent=60, wants_more=True)
        agency_temp(world)
    with CaptureQueriesContext(connection) as large:
        loaded = instance_build()
    with CaptureQueriesContext(connection) as one:
        why_not(worker_id=worker.pk, shift_id=next(iter(loaded.shifts)))

    assert len(loaded.instance.slots) == 11
    assert len(large) == len(small) <= 21  # 20 + absences
    assert len(one) <= 20
