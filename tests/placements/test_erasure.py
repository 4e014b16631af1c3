"""Withdrawal erases the person everywhere (issue 11, item 4): one call, staffing's
`worker_erase`, reaches proposals, their alternatives and explanations, placements, checklist
notes, audit values and certificates; future placements end (never deleted) and the coordinators
and the unit's leader hear that the shift is open again."""

import datetime as dt
import json
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from matching.models import MatchingRun, Proposal, ProposalRejection
from outbox.models import Message
from placements import services as placement_services
from placements.models import ChecklistItem, ItemType, Placement, PlacementShift, PoliceCertificate
from staffing.models import AuditEntry, Worker
from tests.matching.factories import ShiftFactory, employee, need_with_shifts
from tests.volunteers.factories import VolunteerFactory
from volunteers.services import volunteer_admit

pytestmark = pytest.mark.django_db
TOKEN = "tok-erasure-abcdefghijklmnopq"


def _admitted_nurse(world) -> Worker:
    volunteer = VolunteerFactory(
        token=TOKEN,
        first_name="Wenche",
        last_name="Trekkersen",
        email="wenche@example.test",
        district=world.north,
        qualifications=[world.quals["helsefagarbeider"]],
    )
    return volunteer_admit(volunteer=volunteer, by=world.volunteer_coordinator)


def _placed(world, worker: Worker, *, days: int) -> Placement:
    need = need_with_shifts(world, shifts=((days, 7),))
    shift = need.shifts.get()
    placement = placement_services.placement_create_for_approval(
        worker=worker, shift=shift, by=world.coordinator
    )
    run = MatchingRun.objects.create(trigger="manual", status="succeeded")
    Proposal.objects.create(
        run=run,
        shift=shift,
        worker=worker,
        status=Proposal.Status.APPROVED,
        placement=placement,
        explanations={"nb": "Helsefagarbeider, 3 km", "en": "Health worker, 3 km"},
        reject_reason="",
    )
    return placement


def test_withdrawal_erases_the_person_from_proposals_placements_and_onboarding(
    client, world, django_capture_on_commit_callbacks
):
    worker = _admitted_nurse(world)
    name = worker.full_name
    placement = _placed(world, worker, days=5)
    # someone else's open proposal lists her as the next best, and names her
    other = employee(world)
    open_shift = ShiftFactory(
        need=need_with_shifts(world, shifts=((6, 7),)),
        start=placement.shifts.get().start + dt.timedelta(days=1),
    )
    run = MatchingRun.objects.create(trigger="manual", status="succeeded")
    open_proposal = Proposal.objects.create(
        run=run,
        shift=open_shift,
        worker=other,
        explanations={"nb": f"Valgt i stedet for {name}", "en": f"Picked instead of {name}"},
        alternatives=[
            {"worker": worker.pk, "name": name, "cost": 1.0, "reason": {"nb": "ledig"}},
            {"worker": 999999, "name": "Ola Annensen", "cost": 2.0, "reason": {"nb": "ledig"}},
        ],
    )
    her_open = Proposal.objects.create(run=run, shift=open_shift, worker=worker, slot_index=1)
    ProposalRejection.objects.create(worker=worker, shift=open_shift, reason=f"{name} kan ikke")
    about_her = ProposalRejection.objects.create(
        worker=other, shift=placement.shifts.get().shift, reason=f"Heller {name}"
    )
    # onboarding: a note, a police certificate, audit entries with values
    items = placement.checklist_items
    intro = items.get(item_type=ItemType.INTRODUCTION)
    placement_services.checklist_item_set_status(
        item=intro,
        status=ChecklistItem.Status.IN_PROGRESS,
        note="Ring Wenche på 912 34 567",
        by=world.hr,
    )
    today = placement_services.local_today()
    placement_services.police_certificate_record(
        item=items.get(item_type=ItemType.POLICE_CERTIFICATE),
        purpose="health_care",
        issued_on=today,
        presented_on=today,
        cleared=True,
        by=world.hr,
    )
    mail.outbox.clear()

    # the run the freed shift asks for would replace the open proposals; look at them first
    with (
        mock.patch("placements.services.request_matching_run") as run,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(f"/volunteer/me/{TOKEN}/withdraw/")

    assert response.status_code == 200
    run.assert_called_once()
    worker.refresh_from_db()
    assert name not in worker.full_name and not worker.email and not worker.is_active
    # proposals: hers that were open are gone, decided ones keep only the decision
    assert not Proposal.objects.filter(pk=her_open.pk).exists()
    approved = Proposal.objects.get(worker=worker)
    assert approved.status == Proposal.Status.APPROVED and approved.explanations == {}
    assert not ProposalRejection.objects.filter(worker=worker).exists()
    about_her.refresh_from_db()
    assert name not in about_her.reason
    open_proposal.refresh_from_db()
    assert [a["worker"] for a in open_proposal.alternatives] == [999999]
    stored = json.dumps([list(Proposal.objects.values_list("explanations", "alternatives"))])
    assert name not in stored and "Wenche" not in stored
    # placements: ended, not deleted; the future shift is free again
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ENDED and placement.ended_at is not None
    assert PlacementShift.objects.filter(placement=placement).count() == 1
    assert not PlacementShift.objects.filter(placement=placement, is_active=True).exists()
    # onboarding: notes, certificates and audit values are gone; who did what when stays
    assert not ChecklistItem.objects.filter(placement=placement).exclude(note="").exists()
    assert not PoliceCertificate.objects.filter(worker=worker).exists()
    item_ids = list(ChecklistItem.objects.filter(placement=placement).values_list("pk", flat=True))
    entries = AuditEntry.objects.filter(
        object_type="placements.checklistitem", object_id__in=item_ids
    )
    assert entries.exists()
    assert not entries.exclude(old_value="", new_value="").exists()
    # the coordinators and the unit's leader hear that the shift is open again, with no name
    messages = Message.objects.filter(kind="placements.shifts_open_again")
    assert set(messages.values_list("recipient", flat=True)) == {
        world.coordinator.email,
        world.leader.email,
    }
    assert {tuple(m.to) for m in mail.outbox} >= {(world.coordinator.email,), (world.leader.email,)}
    assert all(name not in m.body and "Wenche" not in m.body for m in mail.outbox)


def test_withdrawal_keeps_the_shifts_already_worked(world, django_capture_on_commit_callbacks):
    worker = _admitted_nurse(world)
    placement = _placed(world, worker, days=5)
    past = PlacementShift.objects.get(placement=placement)
    PlacementShift.objects.filter(pk=past.pk).update(
        start=timezone.now() - dt.timedelta(days=2, hours=8),
        end=timezone.now() - dt.timedelta(days=2),
    )
    from volunteers.models import Volunteer
    from volunteers.services import volunteer_withdraw

    with django_capture_on_commit_callbacks(execute=True):
        volunteer_withdraw(volunteer=Volunteer.objects.get(worker=worker))

    placement.refresh_from_db()
    assert placement.status == Placement.Status.ENDED
    assert PlacementShift.objects.get(pk=past.pk).is_active  # history of what was worked
    assert not Message.objects.filter(kind="placements.shifts_open_again").exists()
