import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from matching.models import MatchingRun, Proposal
from needs import services
from needs.models import Need, Shift
from needs.selectors import NeedStatus, derive_status, need_get_for_user
from needs.shifts import ShiftSpec
from outbox.models import Message
from placements.models import Placement, PlacementShift
from placements.selectors import coordinator_emails
from tests.needs.factories import NeedFactory, ShiftFactory, place, tomorrow_at
from tests.staffing.factories import WorkerFactory

NOW = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=2)


def _spec(days: int = 1, hours: int = 8, start_hour: int = 7) -> ShiftSpec:
    start = tomorrow_at(start_hour, days=days)
    return ShiftSpec(start, start + dt.timedelta(hours=hours), 1)


def _proposal(shift, worker=None):
    run = MatchingRun.objects.create(trigger="manual")
    return Proposal.objects.create(run=run, shift=shift, worker=worker or WorkerFactory())


# --- derived status -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "requested", "open_", "last_end", "expected"),
    [
        ("draft", 3, 3, LATER, NeedStatus.DRAFT),
        ("cancelled", 3, 0, LATER, NeedStatus.CANCELLED),
        ("submitted", 3, 3, LATER, NeedStatus.SUBMITTED),
        ("submitted", 3, 1, LATER, NeedStatus.PARTLY_FILLED),
        ("submitted", 3, 0, LATER, NeedStatus.FILLED),
        ("submitted", 3, 3, NOW - dt.timedelta(hours=1), NeedStatus.CLOSED),
        ("submitted", 0, 0, None, NeedStatus.CLOSED),
        ("closed", 3, 3, LATER, NeedStatus.CLOSED),
    ],
)
def test_derived_status(state, requested, open_, last_end, expected):
    status = derive_status(
        state=state, slots_requested=requested, slots_open=open_, last_end=last_end, now=NOW
    )
    assert status == expected


def test_status_follows_approved_placements_per_shift(world):
    need = NeedFactory(unit=world.home, created_by=world.leader)
    first = ShiftFactory(need=need, headcount=2)
    second = ShiftFactory(need=need, start=tomorrow_at(7, days=2))
    assert need_get_for_user(world.leader, need.pk).status == NeedStatus.SUBMITTED

    place(first, ready=True)
    _proposal(second)
    loaded = need_get_for_user(world.leader, need.pk)
    assert loaded.status == NeedStatus.PARTLY_FILLED
    assert (loaded.slots_requested, loaded.slots_open) == (3, 2)

    place(first)
    place(second)
    assert need_get_for_user(world.leader, need.pk).status == NeedStatus.FILLED


# --- create and submit ----------------------------------------------------------------------


def test_create_draft_saves_shifts_and_does_not_trigger_matching(world, trigger):
    need, check = services.need_create_draft(
        by=world.leader,
        unit=world.ward,
        qualification=world.quals["sykepleier"],
        shifts=[_spec(1), _spec(2), _spec(3, hours=11)],
        requires_police_certificate=False,
    )
    assert need.state == Need.State.DRAFT
    assert need.shifts.count() == 3
    assert list(check.warnings) == [2]
    # health and care: the police certificate is required whatever was ticked
    assert need.requires_police_certificate is True
    trigger.assert_not_called()


def test_create_draft_refuses_another_leaders_unit(world):
    with pytest.raises(ValidationError):
        services.need_create_draft(
            by=world.leader2,
            unit=world.home,
            qualification=world.quals["sykepleier"],
            shifts=[_spec()],
        )
    assert not Need.objects.exists()


def test_create_draft_refuses_invalid_shifts_and_saves_nothing(world):
    with pytest.raises(services.ShiftsInvalid) as caught:
        services.need_create_draft(
            by=world.leader,
            unit=world.home,
            qualification=world.quals["sykepleier"],
            shifts=[_spec(1), _spec(2, hours=14), _spec(1)],
        )
    assert sorted(caught.value.check.errors) == [1, 2]
    assert not Need.objects.exists()


def test_submit_records_who_and_triggers_matching(world, trigger):
    need = NeedFactory(unit=world.home, created_by=world.leader, state=Need.State.DRAFT)
    ShiftFactory(need=need)
    services.need_submit(need=need, by=world.leader)
    need.refresh_from_db()
    assert need.state == Need.State.SUBMITTED
    assert need.submitted_by == world.leader
    trigger.assert_called_once_with(trigger="need_changed", requested_by_id=world.leader.pk)


def test_submit_refuses_a_draft_whose_shift_has_started(world, trigger):
    need = NeedFactory(unit=world.home, created_by=world.leader, state=Need.State.DRAFT)
    ShiftFactory(need=need, start=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(ValidationError):
        services.need_submit(need=need, by=world.leader)
    need.refresh_from_db()
    assert need.state == Need.State.DRAFT
    trigger.assert_not_called()


# --- changing shifts ------------------------------------------------------------------------


def test_changing_shifts_of_submitted_need_adds_retimes_and_cancels(world, trigger):
    need = NeedFactory(unit=world.home, created_by=world.leader)
    keep = ShiftFactory(need=need)
    drop = ShiftFactory(need=need, start=tomorrow_at(7, days=2))
    retimed_proposal = _proposal(keep)
    new = _spec(3)
    moved = _spec(1, start_hour=8)
    services.need_shifts_update(
        need=need,
        by=world.leader,
        rows=[
            services.ShiftChange(keep.pk, moved.start, moved.end, 2),
            services.ShiftChange(drop.pk, drop.start, drop.end, 1, delete=True),
            services.ShiftChange(None, new.start, new.end, 1),
        ],
    )
    keep.refresh_from_db()
    drop.refresh_from_db()
    assert (keep.start, keep.headcount) == (moved.start, 2)
    assert drop.cancelled_at is not None  # cancelled, not deleted
    assert need.shifts.active().count() == 2
    assert not Proposal.objects.filter(pk=retimed_proposal.pk).exists()
    trigger.assert_called_once()


def test_removing_a_draft_shift_deletes_it(world, trigger):
    need = NeedFactory(unit=world.home, created_by=world.leader, state=Need.State.DRAFT)
    keep, drop = ShiftFactory(need=need), ShiftFactory(need=need, start=tomorrow_at(7, days=2))
    services.need_shifts_update(
        need=need,
        by=world.leader,
        rows=[
            services.ShiftChange(keep.pk, keep.start, keep.end, 1),
            services.ShiftChange(drop.pk, drop.start, drop.end, 1, delete=True),
        ],
    )
    assert list(need.shifts.values_list("pk", flat=True)) == [keep.pk]
    trigger.assert_not_called()


def test_placed_shift_cannot_be_retimed_or_drop_below_approved(world, trigger):
    need = NeedFactory(unit=world.home, created_by=world.leader)
    shift = ShiftFactory(need=need, headcount=2)
    place(shift)
    place(shift)
    with pytest.raises(services.ShiftsInvalid) as caught:
        services.need_shifts_update(
            need=need,
            by=world.leader,
            rows=[
                services.ShiftChange(shift.pk, shift.start + dt.timedelta(hours=1), shift.end, 1)
            ],
        )
    assert len(caught.value.check.errors[0]) == 2
    shift.refresh_from_db()
    assert shift.headcount == 2
    trigger.assert_not_called()


def test_duplicate_new_shift_is_refused(world, trigger):
    need = NeedFactory(unit=world.home, created_by=world.leader)
    shift = ShiftFactory(need=need)
    with pytest.raises(services.ShiftsInvalid):
        services.need_shifts_update(
            need=need,
            by=world.leader,
            rows=[
                services.ShiftChange(shift.pk, shift.start, shift.end, 1),
                services.ShiftChange(None, shift.start, shift.end, 1),
            ],
        )
    assert need.shifts.count() == 1


# --- cancelling -----------------------------------------------------------------------------


def test_cancelling_a_placed_shift_ends_the_placement_and_tells_coordinators(
    world, trigger, django_capture_on_commit_callbacks
):
    need = NeedFactory(unit=world.home, created_by=world.leader)
    keep = ShiftFactory(need=need)
    drop = ShiftFactory(need=need, start=tomorrow_at(7, days=2))
    worker = WorkerFactory(first_name="Oda", last_name="Fiktivsen")
    only_here = place(drop, worker=worker)
    both = place(keep)
    place(drop, placement=both.placement)
    other_proposal = _proposal(drop)

    with django_capture_on_commit_callbacks(execute=True):
        services.need_shifts_update(
            need=need,
            by=world.leader,
            rows=[
                services.ShiftChange(keep.pk, keep.start, keep.end, 1),
                services.ShiftChange(drop.pk, drop.start, drop.end, 1, delete=True),
            ],
        )

    ended = Placement.objects.get(pk=only_here.placement_id)
    assert ended.status == Placement.Status.ENDED
    assert ended.ended_at is not None and ended.end_reason
    still = Placement.objects.get(pk=both.placement_id)
    assert still.status == Placement.Status.ACTIVE
    assert PlacementShift.objects.filter(shift=drop, is_active=True).count() == 0
    assert PlacementShift.objects.filter(shift=drop).count() == 2  # kept, not deleted
    assert not Proposal.objects.filter(pk=other_proposal.pk).exists()
    # one message per coordinator, through the outbox
    kinds = dict(Message.objects.values_list("recipient", "kind"))
    to_coordinators = [m for m in mail.outbox if kinds[m.to[0]] == "placements.shifts_cancelled"]
    recipients = [m.to for m in to_coordinators]
    assert sorted(recipients) == sorted([[email] for email in coordinator_emails()])
    assert [world.coordinator.email] in recipients
    assert [world.leader.email] not in [m.to for m in mail.outbox]
    assert all("Oda Fiktivsen" in m.body for m in to_coordinators)
    # and each person placed on the cancelled shift is told too (matching.notices)
    assert sorted(
        Message.objects.filter(kind="matching.shifts_cancelled").values_list("recipient", flat=True)
    ) == sorted([worker.email, both.worker.email])
    assert set(Message.objects.values_list("status", flat=True)) == {Message.Status.SENT}


def test_cancelling_a_need_cancels_every_shift_and_ends_placements(
    world, trigger, django_capture_on_commit_callbacks
):
    need = NeedFactory(unit=world.home, created_by=world.leader)
    shifts = [ShiftFactory(need=need), ShiftFactory(need=need, start=tomorrow_at(7, days=2))]
    placed = place(shifts[0])
    with django_capture_on_commit_callbacks(execute=True):
        services.need_cancel(need=need, by=world.leader, reason="Utbruddet er over")
    need.refresh_from_db()
    assert need.state == Need.State.CANCELLED
    assert Shift.objects.filter(need=need, cancelled_at__isnull=True).count() == 0
    placed.placement.refresh_from_db()
    assert placed.placement.status == Placement.Status.ENDED
    assert placed.placement.end_reason == "Utbruddet er over"
    # the coordinators, and the person placed (told that the placement has ended)
    assert len(mail.outbox) == len(coordinator_emails()) + 1
    told = Message.objects.get(kind="matching.shifts_cancelled")
    assert told.recipient == placed.worker.email and "Utbruddet er over" in told.body
    trigger.assert_called_once()


def test_cancelling_a_need_without_placements_sends_no_mail(
    world, trigger, django_capture_on_commit_callbacks
):
    need = NeedFactory(unit=world.home, created_by=world.leader)
    ShiftFactory(need=need)
    with django_capture_on_commit_callbacks(execute=True):
        services.need_cancel(need=need, by=world.leader)
    assert Need.objects.get(pk=need.pk).state == Need.State.CANCELLED
    assert mail.outbox == []


def test_changing_qualification_drops_open_proposals(world, trigger):
    need = NeedFactory(
        unit=world.home, created_by=world.leader, qualification=world.quals["helsefagarbeider"]
    )
    proposal = _proposal(ShiftFactory(need=need))
    services.need_update(
        need=need,
        by=world.leader,
        qualification=world.quals["sykepleier"],
        title="Sykepleier natt",
        description="",
        priority=3,
        requires_police_certificate=True,
    )
    need.refresh_from_db()
    assert (need.qualification, need.priority) == (world.quals["sykepleier"], 3)
    assert not Proposal.objects.filter(pk=proposal.pk).exists()
    trigger.assert_called_once()


# --- rules on what a need asks for (kept by the service, shown by the form) ------------------


def test_a_skill_cannot_be_both_required_and_preferred_whoever_creates_the_need(world):
    from tests.staffing.factories import SkillFactory

    med = SkillFactory()
    with pytest.raises(ValidationError) as caught:
        services.need_create_draft(
            by=world.leader,
            unit=world.ward,
            qualification=world.quals["sykepleier"],
            shifts=[_spec(1)],
            required_skills=[med],
            preferred_skills=[med],
        )
    assert list(caught.value.message_dict) == ["preferred_skills"]
    assert not Need.objects.exists()


def test_a_skill_cannot_be_both_required_and_preferred_on_a_change_either(world, trigger):
    from tests.staffing.factories import SkillFactory

    med = SkillFactory()
    need = NeedFactory(unit=world.home, created_by=world.leader)
    with pytest.raises(ValidationError) as caught:
        services.need_update(
            need=need,
            by=world.leader,
            qualification=need.qualification,
            title="Endret",
            description="",
            priority=need.priority,
            requires_police_certificate=True,
            required_skills=[med],
            preferred_skills=[med],
        )
    assert list(caught.value.message_dict) == ["preferred_skills"]
    need.refresh_from_db()
    assert need.title != "Endret" and not need.preferred_skills.exists()
