import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils import timezone

from outbox.models import Message
from placements import services
from placements.models import (
    CertificatePurpose,
    ChecklistItem,
    ChecklistTemplate,
    ContractType,
    ItemType,
    PoliceCertificate,
)
from staffing.models import AuditEntry, Sector, WorkerSource
from staffing.services import worker_contact_update
from tests.placements.factories import make_placement
from tests.staffing.factories import EmployeeProfileFactory, UnitFactory, WorkerFactory

pytestmark = pytest.mark.django_db
Status = ChecklistItem.Status
TODAY = dt.date(2026, 11, 27)
LATER = timezone.now() + dt.timedelta(days=40)  # a second placement of the same worker


def _types(placement):
    return sorted(placement.checklist_items.values_list("item_type", flat=True))


def _item(placement, item_type):
    return placement.checklist_items.get(item_type=item_type)


def _clear_all(placement, by):
    """Clear every open item the way HR does, through the services."""
    for item in placement.checklist_items.open():
        if item.item_type == ItemType.POLICE_CERTIFICATE:
            today = services.local_today()
            services.police_certificate_record(
                item=item,
                purpose=CertificatePurpose.HEALTH_CARE,
                issued_on=today - dt.timedelta(days=10),
                presented_on=today,
                cleared=True,
                by=by,
            )
        elif item.item_type == ItemType.CONTRACT:
            services.contract_record(
                item=item,
                contract_type=ContractType.TEMPORARY,
                legal_ground="b",
                starts_on=services.local_today(),
                ends_on=services.local_today() + dt.timedelta(days=30),
                signed_on=services.local_today(),
                by=by,
            )
        elif item.item_type == ItemType.SYSTEM_ACCESS:
            services.system_access_record(item=item, granted_on=services.local_today(), by=by)
        else:
            services.checklist_item_set_status(item=item, status=Status.DONE, by=by)


# --- template selection -------------------------------------------------------------------------


def test_volunteer_gets_certificate_contract_registration_confidentiality_intro_and_access(world):
    placement = make_placement(unit=world.home, systems=["Gerica", "Medikamentrom"])

    assert _types(placement) == sorted(
        [
            "police_certificate",
            "contract",
            "hr_registration",
            "confidentiality",
            "introduction",
            "system_access",
            "system_access",
        ]
    )
    systems = set(
        placement.checklist_items.filter(item_type="system_access").values_list(
            "it_system__name", flat=True
        )
    )
    assert systems == {"Gerica", "Medikamentrom"}
    assert placement.ready_at is None


def test_employee_gets_access_home_leader_confirmation_and_certificate_when_need_requires(world):
    placement = make_placement(source=WorkerSource.EMPLOYEE, unit=world.home, systems=["Gerica"])

    assert _types(placement) == sorted(
        ["home_leader_confirmation", "police_certificate", "system_access"]
    )


def test_employee_needs_no_certificate_item_when_need_does_not_require_one(world):
    placement = make_placement(
        source=WorkerSource.EMPLOYEE, unit=world.home, requires_police_certificate=False
    )

    assert _types(placement) == ["home_leader_confirmation"]


def test_agency_temp_gets_agency_confirmation_confidentiality_and_access(world):
    placement = make_placement(source=WorkerSource.AGENCY, unit=world.home, systems=["Gerica"])

    assert _types(placement) == sorted(
        ["agency_police_confirmation", "confidentiality", "system_access"]
    )


def test_edited_templates_never_drop_the_items_the_law_requires(world):
    # An administrator deactivates every volunteer template and makes the agency's
    # police confirmation optional: the certificate and the contract are still required.
    ChecklistTemplate.objects.filter(source=WorkerSource.VOLUNTEER).update(is_active=False)
    ChecklistTemplate.objects.filter(
        source=WorkerSource.AGENCY, item_type="agency_police_confirmation"
    ).update(required=False)

    volunteer = make_placement(unit=world.home)
    agency = make_placement(source=WorkerSource.AGENCY, unit=world.home)

    assert _types(volunteer) == ["contract", "police_certificate"]
    assert all(item.required for item in volunteer.checklist_items.all())
    assert volunteer.ready_at is None
    assert _item(agency, "agency_police_confirmation").required
    assert agency.ready_at is None


def test_checklist_creation_is_idempotent(world):
    placement = make_placement(unit=world.home, systems=["Gerica"])
    before = set(placement.checklist_items.values_list("pk", flat=True))

    again = services.placement_checklist_create(placement=placement)

    assert {item.pk for item in again} == before
    assert placement.checklist_items.count() == 6


def test_due_date_is_the_day_before_the_first_shift_in_oslo(world):
    # 00:30 Oslo time on 10 March is 23:30 UTC on 9 March.
    start = dt.datetime(2027, 3, 9, 23, 30, tzinfo=dt.UTC)
    placement = make_placement(unit=world.home, shifts__start=start)

    assert set(placement.checklist_items.values_list("due_on", flat=True)) == {dt.date(2027, 3, 9)}


def test_open_items_follow_the_first_shift_when_the_checklist_is_refreshed(world):
    placement = make_placement(unit=world.home)
    done = _item(placement, ItemType.INTRODUCTION)
    services.checklist_item_set_status(item=done, status=Status.DONE, by=world.hr)
    old_due = done.due_on
    placement.shifts.update(
        start=F("start") + dt.timedelta(days=10), end=F("end") + dt.timedelta(days=10)
    )

    services.placement_checklist_create(placement=placement)

    assert _item(placement, ItemType.INTRODUCTION).due_on == old_due
    assert set(placement.checklist_items.open().values_list("due_on", flat=True)) == {
        old_due + dt.timedelta(days=10)
    }


# --- police certificate -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("presented", "issued", "accepted"),
    [
        (dt.date(2026, 11, 20), dt.date(2026, 8, 20), True),
        (dt.date(2026, 11, 20), dt.date(2026, 8, 19), False),
        (dt.date(2026, 5, 31), dt.date(2026, 2, 28), True),  # no 31 February: clamped
        (dt.date(2026, 5, 31), dt.date(2026, 2, 27), False),
    ],
)
def test_certificate_issued_more_than_three_calendar_months_before_presented_is_refused(
    world, presented, issued, accepted
):
    placement = make_placement(unit=world.home)
    item = _item(placement, ItemType.POLICE_CERTIFICATE)

    def record():
        return services.police_certificate_record(
            item=item,
            purpose=CertificatePurpose.HEALTH_CARE,
            issued_on=issued,
            presented_on=presented,
            cleared=True,
            by=world.hr,
        )

    if accepted:
        record()
        item.refresh_from_db()
        assert item.status == Status.DONE
        assert item.done_by == world.hr
        assert PoliceCertificate.objects.filter(worker=placement.worker).count() == 1
    else:
        with pytest.raises(ValidationError) as error:
            record()
        assert "issued_on" in error.value.message_dict
        item.refresh_from_db()
        assert item.status == Status.TODO
        assert not PoliceCertificate.objects.exists()


def test_certificate_presented_in_the_future_is_refused(world):
    placement = make_placement(unit=world.home)
    tomorrow = services.local_today() + dt.timedelta(days=1)

    with pytest.raises(ValidationError) as error:
        services.police_certificate_record(
            item=_item(placement, ItemType.POLICE_CERTIFICATE),
            purpose=CertificatePurpose.HEALTH_CARE,
            issued_on=services.local_today(),
            presented_on=tomorrow,
            cleared=True,
            by=world.hr,
        )
    assert "presented_on" in error.value.message_dict
    assert not PoliceCertificate.objects.exists()


def test_certificate_that_did_not_clear_leaves_the_item_open(world):
    placement = make_placement(unit=world.home)
    item = _item(placement, ItemType.POLICE_CERTIFICATE)

    services.police_certificate_record(
        item=item,
        purpose=CertificatePurpose.HEALTH_CARE,
        issued_on=services.local_today(),
        presented_on=services.local_today(),
        cleared=False,
        by=world.hr,
    )

    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS
    assert item.police_certificate.cleared is False


def test_cleared_certificate_on_record_is_reused_for_a_later_placement(world):
    first = make_placement(unit=world.home)
    services.police_certificate_record(
        item=_item(first, ItemType.POLICE_CERTIFICATE),
        purpose=CertificatePurpose.HEALTH_CARE,
        issued_on=services.local_today(),
        presented_on=services.local_today(),
        cleared=True,
        by=world.hr,
    )

    later = make_placement(unit=world.other, worker=first.worker, shifts__start=LATER)

    item = _item(later, ItemType.POLICE_CERTIFICATE)
    assert item.status == Status.DONE
    assert item.police_certificate == _item(first, ItemType.POLICE_CERTIFICATE).police_certificate
    assert item.note
    assert PoliceCertificate.objects.count() == 1


def test_certificate_for_another_purpose_is_not_reused(world):
    first = make_placement(unit=world.home)
    services.police_certificate_record(
        item=_item(first, ItemType.POLICE_CERTIFICATE),
        purpose=CertificatePurpose.HEALTH_CARE,
        issued_on=services.local_today(),
        presented_on=services.local_today(),
        cleared=True,
        by=world.hr,
    )
    kindergarten = UnitFactory(sector=Sector.KINDERGARTENS, district=world.north)

    later = make_placement(unit=kindergarten, worker=first.worker, shifts__start=LATER)

    assert _item(later, ItemType.POLICE_CERTIFICATE).status == Status.TODO


def test_employee_with_certificate_on_record_gets_no_certificate_item(world):
    worker = WorkerFactory(source=WorkerSource.EMPLOYEE)
    EmployeeProfileFactory(worker=worker, home_unit=world.other)
    PoliceCertificate.objects.create(
        worker=worker,
        purpose=CertificatePurpose.HEALTH_CARE,
        issued_on=TODAY,
        presented_on=TODAY,
        cleared=True,
        checked_by=world.hr,
    )

    placement = make_placement(source=WorkerSource.EMPLOYEE, unit=world.home, worker=worker)

    assert _types(placement) == ["home_leader_confirmation"]


# --- contract -----------------------------------------------------------------------------------


def test_temporary_contract_must_state_legal_ground_and_duration(world):
    placement = make_placement(unit=world.home)

    with pytest.raises(ValidationError) as error:
        services.contract_record(
            item=_item(placement, ItemType.CONTRACT),
            contract_type=ContractType.TEMPORARY,
            starts_on=services.local_today(),
            by=world.hr,
        )

    assert {"legal_ground", "ends_on"} <= set(error.value.message_dict)
    assert _item(placement, ItemType.CONTRACT).status == Status.TODO


def test_temporary_contract_is_done_only_when_signed_before_the_first_shift(world):
    placement = make_placement(unit=world.home)
    item = _item(placement, ItemType.CONTRACT)
    data = {
        "contract_type": ContractType.TEMPORARY,
        "legal_ground": "a",
        "starts_on": services.local_today(),
        "ends_on": services.local_today() + dt.timedelta(days=20),
    }

    services.contract_record(item=item, by=world.hr, **data)
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS

    services.contract_record(item=item, by=world.hr, signed_on=services.local_today(), **data)
    item.refresh_from_db()
    assert item.status == Status.DONE
    assert placement.contract.signed_on == services.local_today()


def test_contract_signed_after_the_first_shift_is_refused(world):
    start = timezone.now() - dt.timedelta(days=3)
    placement = make_placement(unit=world.home, shifts__start=start)

    with pytest.raises(ValidationError) as error:
        services.contract_record(
            item=_item(placement, ItemType.CONTRACT),
            contract_type=ContractType.TEMPORARY,
            legal_ground="a",
            starts_on=services.local_today() - dt.timedelta(days=3),
            ends_on=services.local_today() + dt.timedelta(days=3),
            signed_on=services.local_today(),
            by=world.hr,
        )
    assert "signed_on" in error.value.message_dict


def test_volunteer_cannot_go_without_a_contract(world):
    placement = make_placement(unit=world.home)

    with pytest.raises(ValidationError) as error:
        services.contract_record(
            item=_item(placement, ItemType.CONTRACT), contract_type=ContractType.NONE, by=world.hr
        )
    assert "contract_type" in error.value.message_dict


# --- readiness ----------------------------------------------------------------------------------


def test_placement_becomes_ready_when_every_required_item_is_done_and_leaders_are_told(
    world, django_capture_on_commit_callbacks
):
    placement = make_placement(unit=world.ward, systems=["Gerica"], approved_by=world.coordinator)
    items = list(placement.checklist_items.order_by("order"))

    with django_capture_on_commit_callbacks(execute=True):
        _clear_all(placement, world.hr)

    placement.refresh_from_db()
    assert placement.ready_at is not None
    assert len(items) == 6
    # one message each; leader@ leads the ward's parent unit, leader2@ leads elsewhere.
    assert sorted(m.to for m in mail.outbox) == [[world.coordinator.email], [world.leader.email]]
    assert set(Message.objects.values_list("kind", "status")) == {
        ("placements.ready", Message.Status.SENT)
    }


def test_placement_is_not_ready_while_one_required_item_is_open(world):
    placement = make_placement(unit=world.home)
    _clear_all(placement, world.hr)
    item = _item(placement, ItemType.INTRODUCTION)

    services.checklist_item_set_status(item=item, status=Status.IN_PROGRESS, by=world.hr)

    placement.refresh_from_db()
    assert placement.ready_at is None
    assert services.placement_refresh_readiness(placement=placement) is False


def test_not_applicable_counts_as_cleared_but_needs_a_reason(world):
    placement = make_placement(source=WorkerSource.EMPLOYEE, unit=world.home)
    item = _item(placement, ItemType.HOME_LEADER_CONFIRMATION)
    services.checklist_item_set_status(
        item=_item(placement, ItemType.POLICE_CERTIFICATE),
        status=Status.NOT_APPLICABLE,
        reason="Fast ansatt i samme tjeneste",
        by=world.hr,
    )

    with pytest.raises(ValidationError):
        services.checklist_item_set_status(item=item, status=Status.NOT_APPLICABLE, by=world.hr)
    placement.refresh_from_db()
    assert placement.ready_at is None

    services.checklist_item_set_status(
        item=item, status=Status.NOT_APPLICABLE, reason="Leder er samme person", by=world.hr
    )
    placement.refresh_from_db()
    assert placement.ready_at is not None


def test_optional_items_do_not_hold_back_readiness(world):
    placement = make_placement(source=WorkerSource.AGENCY, unit=world.home)
    placement.checklist_items.filter(item_type=ItemType.CONFIDENTIALITY).update(required=False)

    services.checklist_item_set_status(
        item=_item(placement, ItemType.AGENCY_POLICE_CONFIRMATION), status=Status.DONE, by=world.hr
    )

    placement.refresh_from_db()
    assert placement.ready_at is not None


def test_police_certificate_and_contract_cannot_be_ticked_done_without_their_data(world):
    placement = make_placement(unit=world.home)

    for item_type in (ItemType.POLICE_CERTIFICATE, ItemType.CONTRACT):
        with pytest.raises(ValidationError):
            services.checklist_item_set_status(
                item=_item(placement, item_type), status=Status.DONE, by=world.hr
            )
        assert _item(placement, item_type).status == Status.TODO


def test_only_hr_and_administrators_can_change_items(world):
    placement = make_placement(unit=world.home)
    item = _item(placement, ItemType.INTRODUCTION)

    for user in (world.leader, world.coordinator, world.volunteer_coordinator):
        with pytest.raises(PermissionDenied):
            services.checklist_item_set_status(item=item, status=Status.DONE, by=user)
    assert _item(placement, ItemType.INTRODUCTION).status == Status.TODO

    services.checklist_item_set_status(item=item, status=Status.DONE, by=world.admin)
    assert _item(placement, ItemType.INTRODUCTION).done_by == world.admin


def test_bulk_done_skips_items_that_need_their_own_data(world):
    placement = make_placement(unit=world.home, systems=["Gerica"])

    count = services.checklist_items_mark_done(items=placement.checklist_items.all(), by=world.hr)

    assert count == 4  # registration, confidentiality, introduction, access
    assert set(placement.checklist_items.open().values_list("item_type", flat=True)) == {
        "police_certificate",
        "contract",
    }
    access = _item(placement, ItemType.SYSTEM_ACCESS)
    assert access.access_granted_on == services.local_today()


# --- audit --------------------------------------------------------------------------------------


def test_item_changes_are_in_the_audit_trail(world):
    placement = make_placement(unit=world.home)
    item = _item(placement, ItemType.INTRODUCTION)

    services.checklist_item_set_status(item=item, status=Status.DONE, by=world.hr)

    entry = AuditEntry.objects.get(
        object_type="placements.checklistitem", object_id=item.pk, field="status"
    )
    assert (entry.actor, entry.old_value, entry.new_value) == (world.hr, "todo", "done")


def test_contact_changes_are_in_the_audit_trail(world):
    placement = make_placement(unit=world.home)
    worker = placement.worker
    old_email = worker.email

    worker_contact_update(worker=worker, email="ny@example.test", phone=worker.phone, by=world.hr)

    worker.refresh_from_db()
    assert worker.email == "ny@example.test"
    entries = AuditEntry.objects.filter(object_type="staffing.worker", object_id=worker.pk)
    assert [(e.field, e.old_value, e.new_value, e.actor) for e in entries] == [
        ("email", old_email, "ny@example.test", world.hr)
    ]


# --- overdue reminders --------------------------------------------------------------------------


def test_overdue_reminder_is_sent_once_on_the_day_before_the_first_shift(
    world, django_capture_on_commit_callbacks
):
    start = timezone.now() + dt.timedelta(days=1)
    placement = make_placement(unit=world.home, shifts__start=start, approved_by=world.coordinator)
    due = placement.checklist_items.first().due_on
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.onboarding_overdue_notify(today=due - dt.timedelta(days=1)) == 0
        assert services.onboarding_overdue_notify(today=due) == 1
        assert services.onboarding_overdue_notify(today=due) == 0

    assert sorted(m.to for m in mail.outbox) == [[world.coordinator.email], [world.leader.email]]
    assert placement.checklist_items.filter(overdue_notified_on=due).count() == 5


def test_overdue_reminders_are_queued_with_the_marks_and_leave_after_the_commit(
    world, django_capture_on_commit_callbacks
):
    placement = make_placement(
        unit=world.home,
        shifts__start=timezone.now() - dt.timedelta(hours=1),
        approved_by=world.coordinator,
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks() as callbacks:
        assert services.onboarding_overdue_notify() == 1
    # nothing left while the checklist items were locked
    assert mail.outbox == []
    queued = Message.objects.filter(kind="placements.onboarding_overdue")
    assert {m.status for m in queued} == {Message.Status.QUEUED}
    assert queued.count() == 2
    assert (
        not placement.checklist_items.required()
        .open()
        .filter(overdue_notified_on__isnull=True)
        .exists()
    )

    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 2
    assert {m.status for m in queued.all()} == {Message.Status.SENT}


def test_ready_placements_get_no_overdue_reminder(world):
    placement = make_placement(source=WorkerSource.AGENCY, unit=world.home)
    _clear_all(placement, world.hr)
    mail.outbox.clear()

    assert services.onboarding_overdue_notify(today=dt.date(2099, 1, 1)) == 0
    assert mail.outbox == []


def test_daily_task_sends_the_overdue_reminders(world, django_capture_on_commit_callbacks):
    from placements.tasks import onboarding_notify_overdue

    make_placement(
        unit=world.home,
        shifts__start=timezone.now() - dt.timedelta(hours=1),
        approved_by=world.coordinator,
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert onboarding_notify_overdue.delay().get() == 1
    assert len(mail.outbox) == 2  # the coordinator and the leader
