"""Writes to placements: creating one for an approval, ending them when shifts are cancelled,
and the onboarding rules (checklist creation, item changes, police certificates, contracts,
readiness).

`placements` owns every write to its tables; matching and needs call these functions. Every
onboarding write is one transaction and leaves an audit entry (who, when, old → new). Only HR
officers and administrators may change checklist items.
"""

import calendar
import datetime as dt
import logging
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import Role, User
from core.dates import (
    ACCESS_DATES,
    CERTIFICATE_DATES,
    CONTRACT_DATES,
    DateRange,
    format_local,
)
from core.tasks_by_name import request_matching_run
from needs.models import Need, Shift
from outbox.services import message_enqueue
from placements.models import (
    ITEM_TYPES_NOT_BY_HR,
    ITEM_TYPES_WITH_DATA,
    CertificatePurpose,
    ChecklistItem,
    ChecklistTemplate,
    ContractType,
    EmploymentContract,
    ItemType,
    Placement,
    PlacementShift,
    PoliceCertificate,
)
from placements.selectors import coordinator_emails
from staffing.audit import audit_changes, audit_values_blank, snapshot
from staffing.models import Sector, Unit, Worker, WorkerSource

logger = logging.getLogger(__name__)
OSLO = ZoneInfo("Europe/Oslo")
Status = ChecklistItem.Status
AUDITED_ITEM_FIELDS = (
    "status",
    "not_applicable_reason",
    "note",
    "done_by_id",
    "done_at",
    "police_certificate_id",
    "access_ordered_on",
    "access_granted_on",
)


# --- helpers ----------------------------------------------------------------------------------


def months_before(day: dt.date, months: int) -> dt.date:
    """The same calendar day `months` months earlier (clamped to the month's last day)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def local_today() -> dt.date:
    return timezone.localtime(timezone.now(), OSLO).date()


def certificate_purpose_for(unit: Unit) -> str:
    if unit.sector == Sector.KINDERGARTENS:
        return CertificatePurpose.KINDERGARTEN
    if unit.sector == Sector.SCHOOLS:
        return CertificatePurpose.SCHOOL
    return CertificatePurpose.HEALTH_CARE


def placement_first_shift_start(placement: Placement) -> dt.datetime | None:
    return placement.shifts.filter(is_active=True).aggregate(first=Min("start"))["first"]


def _first_shift_day(placement: Placement) -> dt.date | None:
    start = placement_first_shift_start(placement)
    return timezone.localtime(start, OSLO).date() if start else None


def _date_range_errors(**dates: tuple[dt.date | None, DateRange]) -> dict[str, str]:
    """Field -> message for each given date outside its range (core.dates)."""
    errors = {}
    for name, (value, date_range) in dates.items():
        message = value and date_range.error(value)
        if message:
            errors[name] = message
    return errors


def _require_hr(by: User) -> None:
    if not by.has_role(Role.HR):
        raise PermissionDenied


def _cleared_certificate(worker: Worker, purpose: str) -> PoliceCertificate | None:
    return (
        PoliceCertificate.objects.filter(worker=worker, purpose=purpose, cleared=True)
        .order_by("-presented_on", "-pk")
        .first()
    )


def _save_item(item: ChecklistItem, before: dict[str, object], by: User | None) -> None:
    changed = [name for name, old in before.items() if getattr(item, name) != old]
    if not changed:
        return
    item.save(update_fields=[*changed, "updated_at"])
    audit_changes(obj=item, before=before, by=by)


def _close(item: ChecklistItem, *, status: str, by: User | None, note: str | None = None) -> None:
    item.status = status
    if item.item_type == ItemType.SYSTEM_ACCESS and status == Status.DONE:
        # Marked done without dates (e.g. in bulk): access was granted today.
        item.access_granted_on = item.access_granted_on or local_today()
        item.access_ordered_on = item.access_ordered_on or item.access_granted_on
    if note is not None:
        item.note = note
    if status in (Status.DONE, Status.NOT_APPLICABLE):
        if item.done_at is None:
            item.done_at = timezone.now()
            item.done_by = by
    else:
        item.done_at = None
        item.done_by = None


# --- placements --------------------------------------------------------------------------


class PlacementOverlap(Exception):
    """PostgreSQL's exclusion constraint refused a shift overlapping another active one."""


@transaction.atomic
def placement_create_for_approval(
    *, worker: Worker, shift: Shift, by: User, at: dt.datetime | None = None
) -> Placement:
    """Put the worker on the shift: extend their active placement on the shift's need, or
    create one, then its checklist. Called by an approval inside its transaction, after it
    locked the worker and the shift and checked every rule; raises `PlacementOverlap` when the
    database refuses the shift anyway."""
    need: Need = shift.need
    placement = (
        Placement.objects.filter(worker=worker, need=need, status=Placement.Status.ACTIVE)
        .order_by("pk")
        .first()
    )
    if placement is None:
        placement = Placement.objects.create(
            worker=worker,
            unit_id=need.unit_id,
            need=need,
            approved_by=by,
            approved_at=at or timezone.now(),
        )
    try:
        with transaction.atomic():
            PlacementShift.objects.create(
                placement=placement, shift=shift, worker=worker, start=shift.start, end=shift.end
            )
    except IntegrityError as exc:  # the exclusion constraint on PostgreSQL
        raise PlacementOverlap from exc
    placement_checklist_create(placement=placement)
    return placement


@transaction.atomic
def placements_end_for_shifts(*, need: Need, shift_ids: list[int], reason: str) -> set[int]:
    """The shifts were cancelled: their placement shifts become inactive, a placement with no
    active shift left ends (never deleted), and the coordinators are told. Returns the ids of
    the placements that ended."""
    now = timezone.now()
    affected = list(
        PlacementShift.objects.filter(shift__in=shift_ids, is_active=True).select_related(
            "worker", "placement"
        )
    )
    if not affected:
        return set()
    PlacementShift.objects.filter(pk__in=[ps.pk for ps in affected]).update(is_active=False)
    placement_ids = {ps.placement_id for ps in affected}
    still_active = set(
        PlacementShift.objects.filter(placement__in=placement_ids, is_active=True).values_list(
            "placement_id", flat=True
        )
    )
    ended = placement_ids - still_active
    Placement.objects.filter(pk__in=ended, status=Placement.Status.ACTIVE).update(
        status=Placement.Status.ENDED, ended_at=now, end_reason=reason[:200]
    )
    _notify_shifts_cancelled(need=need, affected=affected, ended=ended, reason=reason)
    return ended


def _notify_shifts_cancelled(
    *, need: Need, affected: list[PlacementShift], ended: set[int], reason: str
) -> None:
    recipients = coordinator_emails()
    if not recipients:
        return
    lines = [
        _("Shifts with approved placements were cancelled at %(unit)s (need: %(need)s).")
        % {"unit": need.unit, "need": need},
        reason,
        "",
    ]
    for ps in affected:
        start = timezone.localtime(ps.start)
        end = timezone.localtime(ps.end)
        state = _("placement ended") if ps.placement_id in ended else _("other shifts remain")
        when = format_local(start, "SHORT_DATETIME_FORMAT")
        lines.append(f"- {ps.worker.full_name}: {when}–{end:%H:%M} ({state})")
    subject = _("Dugnad: shifts with placed people were cancelled")
    body = "\n".join(lines)
    for recipient in recipients:
        message_enqueue(
            recipient=recipient,
            kind="placements.shifts_cancelled",
            subject=subject,
            body=body,
            language=get_language() or "",
        )


@transaction.atomic
def placement_worker_erase(*, worker: Worker, by: User | None = None) -> set[int]:
    """The person is erased (`staffing.services.worker_erase`, e.g. on withdrawal): their
    active placements end (never deleted) and the shifts not yet worked are free again; the
    checklist notes, audit values, police certificate records and the contracts of placements
    never worked go. The coordinators and the unit's leaders are told which shifts are open
    again. Returns the ids of the placements that ended."""
    now = timezone.now()
    placements = list(
        Placement.objects.select_for_update(of=("self",))
        .filter(worker=worker)
        .select_related("unit__parent", "need")
        .order_by("pk")
    )
    placement_ids = [p.pk for p in placements]
    active = [p for p in placements if p.status == Placement.Status.ACTIVE]
    freed = list(
        PlacementShift.objects.filter(placement__in=active, is_active=True, end__gt=now).order_by(
            "start"
        )
    )
    PlacementShift.objects.filter(pk__in=[ps.pk for ps in freed]).update(is_active=False)
    Placement.objects.filter(pk__in=[p.pk for p in active]).update(
        status=Placement.Status.ENDED,
        ended_at=now,
        end_reason=_("The person's data was erased.")[:200],
    )

    items = ChecklistItem.objects.filter(placement__in=placement_ids)
    item_ids = list(items.values_list("pk", flat=True))
    items.exclude(note="", not_applicable_reason="").update(note="", not_applicable_reason="")
    worked = PlacementShift.objects.filter(placement__in=placement_ids, start__lt=now)
    contracts = EmploymentContract.objects.filter(placement__in=placement_ids)
    contract_ids = list(contracts.values_list("pk", flat=True))
    contracts.exclude(placement__in=worked.values("placement_id")).delete()
    certificates = PoliceCertificate.objects.filter(worker=worker)
    certificate_ids = list(certificates.values_list("pk", flat=True))
    certificates.delete()
    for model, ids in (
        (Placement, placement_ids),
        (ChecklistItem, item_ids),
        (EmploymentContract, contract_ids),
        (PoliceCertificate, certificate_ids),
    ):
        audit_values_blank(object_type=model._meta.label_lower, object_ids=ids)

    by_placement: dict[int, list[PlacementShift]] = {}
    for ps in freed:
        by_placement.setdefault(ps.placement_id, []).append(ps)
    for placement in active:
        if placement.pk in by_placement:
            _notify_shifts_open_again(placement=placement, shifts=by_placement[placement.pk])
    if freed:
        request_matching_run(trigger="need_changed", requested_by_id=getattr(by, "pk", None))
    return {p.pk for p in active}


def _notify_shifts_open_again(*, placement: Placement, shifts: list[PlacementShift]) -> None:
    """No name: the person was just erased. Coordinators and the unit's leaders."""
    recipients = placement_recipients(placement)
    if not recipients:
        return
    lines = [
        _(
            "A person placed at %(unit)s (need: %(need)s) withdrew. These shifts are open "
            "again and matching will look for someone else:"
        )
        % {"unit": placement.unit.name, "need": placement.need},
        "",
    ]
    for ps in shifts:
        start = timezone.localtime(ps.start, OSLO)
        end = timezone.localtime(ps.end, OSLO)
        lines.append(f"- {format_local(start, 'SHORT_DATETIME_FORMAT')}–{end:%H:%M}")
    lines += ["", settings.SITE_URL + reverse("needs:detail", args=[placement.need_id])]
    subject = _("Dugnad: a shift at %(unit)s is open again") % {"unit": placement.unit.name}
    body = "\n".join(lines)
    for recipient in recipients:
        message_enqueue(
            recipient=recipient,
            kind="placements.shifts_open_again",
            subject=subject,
            body=body,
            language=get_language() or "",
            idempotency_key=f"placements.open_again:{placement.pk}:{recipient}",
        )


# --- checklist --------------------------------------------------------------------------------


def _reuse_certificate(item: ChecklistItem, certificate: PoliceCertificate | None) -> None:
    if item.item_type == ItemType.POLICE_CERTIFICATE and certificate is not None:
        item.status = Status.DONE
        item.police_certificate = certificate
        item.done_at = timezone.now()
        item.note = _("Certificate on record for this purpose reused.")


def _mandatory_item_types(worker: Worker, need, certificate: PoliceCertificate | None) -> list[str]:
    """Items required by law whatever the templates say: a police certificate before work in
    health and care (politiattest; the agency confirms it for its temps) and, for a volunteer
    in paid work, a written temporary contract (arbeidsmiljøloven § 14-5)."""
    types: list[str] = []
    if need.requires_police_certificate:
        if worker.source == WorkerSource.AGENCY:
            types.append(ItemType.AGENCY_POLICE_CONFIRMATION)
        elif worker.source == WorkerSource.VOLUNTEER or certificate is None:
            types.append(ItemType.POLICE_CERTIFICATE)
    if worker.source == WorkerSource.VOLUNTEER:
        types.append(ItemType.CONTRACT)
    return types


@transaction.atomic
def placement_checklist_create(*, placement: Placement) -> list[ChecklistItem]:
    """Create the checklist for a placement from the templates for the worker's source and the
    receiving unit. Idempotent: items that exist are kept as they are."""
    worker = placement.worker
    unit = placement.unit
    need = placement.need
    purpose = certificate_purpose_for(unit)
    certificate = _cleared_certificate(worker, purpose)
    first_day = _first_shift_day(placement)
    due_on = first_day - dt.timedelta(days=1) if first_day else None
    existing = {item.key: item for item in placement.checklist_items.all()}

    new_items: list[ChecklistItem] = []
    for template in ChecklistTemplate.objects.filter(source=worker.source, is_active=True):
        if (
            template.applies_when == ChecklistTemplate.Condition.NEED_REQUIRES_POLICE_CERTIFICATE
            and not need.requires_police_certificate
        ):
            continue
        if (
            template.item_type == ItemType.POLICE_CERTIFICATE
            and worker.source == WorkerSource.EMPLOYEE
            and certificate is not None
        ):
            continue
        title = template.title or template.get_item_type_display()
        if template.item_type == ItemType.SYSTEM_ACCESS:
            specs = [
                (f"system_access:{system.pk}", f"{title}: {system.name}", system)
                for system in unit.it_systems.all()
            ]
        else:
            specs = [(template.item_type, title, None)]
        for key, item_title, system in specs:
            if key in existing:
                continue
            item = ChecklistItem(
                placement=placement,
                key=key,
                template=template,
                item_type=template.item_type,
                title=item_title[:150],
                required=template.required,
                order=template.order,
                it_system=system,
                due_on=due_on,
            )
            _reuse_certificate(item, certificate)
            new_items.append(item)
            existing[key] = item
    # The law does not bend to template edits: a missing, inactive or optional template never
    # lets a placement start without these items.
    for item_type in _mandatory_item_types(worker, need, certificate):
        item = existing.get(item_type)
        if item is None:
            item = ChecklistItem(
                placement=placement,
                key=item_type,
                item_type=item_type,
                title=ItemType(item_type).label,
                order=0,
                due_on=due_on,
            )
            _reuse_certificate(item, certificate)
            new_items.append(item)
            existing[item_type] = item
        if not item.required:
            item.required = True
            if item.pk:
                ChecklistItem.objects.filter(pk=item.pk).update(required=True)
    ChecklistItem.objects.bulk_create(new_items)
    # Shifts may have moved since the checklist was made: open items follow the first shift.
    stale = [i for i in existing.values() if i.pk and not i.is_closed and i.due_on != due_on]
    for item in stale:
        item.due_on = due_on
    ChecklistItem.objects.bulk_update(stale, ["due_on"])
    placement_refresh_readiness(placement=placement)
    return sorted(existing.values(), key=lambda item: (item.order, item.pk or 0))


@transaction.atomic
def placement_refresh_readiness(*, placement: Placement) -> bool:
    """Set or clear `ready_at` from the checklist; notify on becoming ready. Returns readiness."""
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    ready = not placement.checklist_items.required().open().exists()
    if ready and placement.ready_at is None:
        placement.ready_at = timezone.now()
        placement.save(update_fields=["ready_at"])
        audit_changes(obj=placement, before={"ready_at": None}, by=None)
        placement_ready_notify(placement_id=placement.pk)
    elif not ready and placement.ready_at is not None:
        before = {"ready_at": placement.ready_at}
        placement.ready_at = None
        placement.save(update_fields=["ready_at"])
        audit_changes(obj=placement, before=before, by=None)
    return ready


@transaction.atomic
def checklist_item_set_status(
    *, item: ChecklistItem, status: str, by: User, reason: str = "", note: str = ""
) -> ChecklistItem:
    """Change the status of an item. Items with their own data (police certificate, contract,
    system access) are marked done through their record, not here."""
    _require_hr(by)
    item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    reason = reason.strip()
    if status not in Status.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    if status == Status.NOT_APPLICABLE and not reason:
        raise ValidationError(
            {"reason": _("Give a reason why this item does not apply.")}, code="required"
        )
    if status == Status.DONE and item.item_type in ITEM_TYPES_NOT_BY_HR:
        raise ValidationError(
            {
                "status": _(
                    "The leader of the person's home unit confirms this in Dugnad; it is "
                    "recorded as theirs."
                )
            },
            code="not_by_hr",
        )
    if status == Status.DONE and item.item_type in ITEM_TYPES_WITH_DATA:
        raise ValidationError(
            {"status": _("Record the details of this item to mark it as done.")}, code="data"
        )
    before = snapshot(item, AUDITED_ITEM_FIELDS)
    _close(item, status=status, by=by, note=note.strip())
    item.not_applicable_reason = reason if status == Status.NOT_APPLICABLE else ""
    _save_item(item, before, by)
    placement_refresh_readiness(placement=item.placement)
    return item


@transaction.atomic
def home_leader_confirm(*, item: ChecklistItem, by: User) -> ChecklistItem:
    """The leader of the employee's home unit confirms the redeployment: the item is done, by
    them, now (not ticked by HR on their behalf)."""
    item = (
        ChecklistItem.objects.select_for_update(of=("self",))
        .select_related("placement__worker__employee")
        .get(pk=item.pk)
    )
    if item.item_type != ItemType.HOME_LEADER_CONFIRMATION:
        raise ValidationError(_("Only a redeployment is confirmed by the home unit's leader."))
    employee = getattr(item.placement.worker, "employee", None)
    if employee is None or not (
        by.is_administrator
        or (by.role == Role.UNIT_LEADER and by.is_active and _leads_unit(by, employee.home_unit_id))
    ):
        raise PermissionDenied
    if item.is_closed:
        return item
    before = snapshot(item, AUDITED_ITEM_FIELDS)
    _close(item, status=Status.DONE, by=by)
    _save_item(item, before, by)
    placement_refresh_readiness(placement=item.placement)
    return item


def _leads_unit(user: User, unit_id: int) -> bool:
    return unit_id in Unit.objects.subtree_ids(user.led_units.all())


@transaction.atomic
def placement_shifts_end_for_worker(
    *, worker: Worker, since: dt.datetime, reason: str, by: User | None = None
) -> list[PlacementShift]:
    """The person is no longer free from `since` (their home unit recalled them): their active
    placement shifts starting from then end (never deleted), a placement with no shift left
    ends, the receiving units' leaders and the coordinators are told which shifts are open
    again, and matching looks for someone else. Returns the shifts that ended."""
    placements = list(
        Placement.objects.select_for_update(of=("self",))
        .filter(worker=worker, status=Placement.Status.ACTIVE)
        .select_related("unit__parent", "need")
        .order_by("pk")
    )
    freed = list(
        PlacementShift.objects.filter(
            placement__in=placements, is_active=True, start__gte=since
        ).order_by("start")
    )
    if not freed:
        return []
    PlacementShift.objects.filter(pk__in=[ps.pk for ps in freed]).update(is_active=False)
    left = set(
        PlacementShift.objects.filter(placement__in=placements, is_active=True).values_list(
            "placement_id", flat=True
        )
    )
    now = timezone.now()
    for placement in placements:
        if placement.pk not in left and any(ps.placement_id == placement.pk for ps in freed):
            before = {"status": placement.status, "ended_at": None, "end_reason": ""}
            placement.status = Placement.Status.ENDED
            placement.ended_at = now
            placement.end_reason = reason[:200]
            placement.save(update_fields=["status", "ended_at", "end_reason"])
            audit_changes(obj=placement, before=before, by=by)
    for placement in placements:
        shifts = [ps for ps in freed if ps.placement_id == placement.pk]
        if shifts:
            _notify_recalled(placement=placement, shifts=shifts, reason=reason)
    request_matching_run(trigger="need_changed", requested_by_id=getattr(by, "pk", None))
    return freed


def _notify_recalled(*, placement: Placement, shifts: list[PlacementShift], reason: str) -> None:
    lines = [
        _(
            "%(name)s is no longer available for these shifts at %(unit)s (need: %(need)s): "
            "%(reason)s Matching will look for someone else:"
        )
        % {
            "name": placement.worker.full_name,
            "unit": placement.unit.name,
            "need": placement.need,
            "reason": reason,
        },
        "",
    ]
    for ps in shifts:
        start = timezone.localtime(ps.start, OSLO)
        end = timezone.localtime(ps.end, OSLO)
        lines.append(f"- {format_local(start, 'SHORT_DATETIME_FORMAT')}–{end:%H:%M}")
    lines += ["", settings.SITE_URL + reverse("needs:detail", args=[placement.need_id])]
    subject = _("Dugnad: shifts at %(unit)s are open again") % {"unit": placement.unit.name}
    first = shifts[0].pk
    for recipient in placement_recipients(placement):
        message_enqueue(
            recipient=recipient,
            kind="placements.shifts_recalled",
            subject=subject,
            body="\n".join(lines),
            language=get_language() or "",
            idempotency_key=f"placements.recalled:{placement.pk}:{first}:{recipient}",
        )


@transaction.atomic
def checklist_items_mark_done(*, items: Iterable[ChecklistItem], by: User) -> int:
    """Bulk "mark done" for simple items; items that need their own data are skipped."""
    _require_hr(by)
    pks = [item.pk for item in items]
    locked = list(
        ChecklistItem.objects.select_for_update()
        .filter(pk__in=pks)
        .open()
        .exclude(item_type__in=ITEM_TYPES_WITH_DATA | ITEM_TYPES_NOT_BY_HR)
        .select_related("placement")
    )
    placements = {}
    for item in locked:
        before = snapshot(item, AUDITED_ITEM_FIELDS)
        _close(item, status=Status.DONE, by=by)
        _save_item(item, before, by)
        placements[item.placement_id] = item.placement
    for placement in placements.values():
        placement_refresh_readiness(placement=placement)
    return len(locked)


@transaction.atomic
def police_certificate_record(
    *,
    item: ChecklistItem,
    purpose: str,
    issued_on: dt.date,
    presented_on: dt.date,
    cleared: bool,
    by: User,
) -> PoliceCertificate:
    """Record that a police certificate was presented; never what it says."""
    _require_hr(by)
    item = ChecklistItem.objects.select_for_update().select_related("placement").get(pk=item.pk)
    if item.item_type != ItemType.POLICE_CERTIFICATE:
        raise ValidationError(_("This item is not a police certificate item."))
    errors = _date_range_errors(
        issued_on=(issued_on, CERTIFICATE_DATES), presented_on=(presented_on, CERTIFICATE_DATES)
    )
    if errors:
        raise ValidationError(errors)
    expected = certificate_purpose_for(item.placement.unit)
    if purpose not in CertificatePurpose.values:
        errors["purpose"] = _("Choose a valid purpose.")
    elif purpose != expected:
        # A certificate is issued for one legal basis; one for a kindergarten does not clear a
        # person for health and care work (and the reverse).
        errors["purpose"] = _(
            "A police certificate for this unit must be issued under: %(purpose)s."
        ) % {"purpose": CertificatePurpose(expected).label}
    if presented_on > local_today():
        errors["presented_on"] = _("The date presented cannot be in the future.")
    max_age = settings.DUGNAD["POLICE_CERTIFICATE_MAX_AGE_MONTHS"]
    earliest = months_before(presented_on, max_age)
    if issued_on < earliest:
        errors["issued_on"] = _(
            "The certificate must be issued no more than %(months)s months before it is "
            "presented (on or after %(date)s)."
        ) % {"months": max_age, "date": date_format(earliest, "SHORT_DATE_FORMAT")}
    elif issued_on > presented_on:
        errors["issued_on"] = _("The issue date cannot be after the date presented.")
    if errors:
        raise ValidationError(errors)
    certificate = PoliceCertificate.objects.create(
        worker_id=item.placement.worker_id,
        purpose=purpose,
        issued_on=issued_on,
        presented_on=presented_on,
        cleared=cleared,
        checked_by=by,
    )
    audit_changes(
        obj=certificate,
        before={"purpose": "", "issued_on": None, "presented_on": None, "cleared": None},
        by=by,
    )
    before = snapshot(item, AUDITED_ITEM_FIELDS)
    item.police_certificate = certificate
    _close(item, status=Status.DONE if cleared else Status.IN_PROGRESS, by=by, note="")
    _save_item(item, before, by)
    placement_refresh_readiness(placement=item.placement)
    return certificate


@transaction.atomic
def contract_record(
    *,
    item: ChecklistItem,
    contract_type: str,
    by: User,
    legal_ground: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    signed_on: dt.date | None = None,
) -> EmploymentContract:
    """Record the employment contract. A temporary contract states its legal ground and
    duration and is done only once signed no later than the day of the first shift."""
    _require_hr(by)
    item = (
        ChecklistItem.objects.select_for_update()
        .select_related("placement__worker")
        .get(pk=item.pk)
    )
    if item.item_type != ItemType.CONTRACT:
        raise ValidationError(_("This item is not a contract item."))
    placement = item.placement
    first_day = _first_shift_day(placement)
    errors = _date_range_errors(
        starts_on=(starts_on, CONTRACT_DATES),
        ends_on=(ends_on, CONTRACT_DATES),
        signed_on=(signed_on, CONTRACT_DATES),
    )
    if contract_type not in ContractType.values:
        errors["contract_type"] = _("Choose a valid contract type.")
    if contract_type == ContractType.NONE and placement.worker.source == WorkerSource.VOLUNTEER:
        errors["contract_type"] = _(
            "A volunteer placed in paid work needs a written temporary contract."
        )
    if contract_type == ContractType.TEMPORARY:
        if not legal_ground:
            errors["legal_ground"] = _("A temporary contract must state its legal ground.")
        if not starts_on:
            errors["starts_on"] = _("A temporary contract must state when it starts.")
        if not ends_on:
            errors["ends_on"] = _("A temporary contract must state its duration (end date).")
    if contract_type == ContractType.EXTENDED_POSITION and not starts_on:
        errors["starts_on"] = _("State when the extended position starts.")
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The end date cannot be before the start date.")
    if signed_on and signed_on > local_today():
        errors["signed_on"] = _("The signing date cannot be in the future.")
    elif signed_on and first_day and signed_on > first_day:
        errors["signed_on"] = _(
            "The contract must be signed before the first shift (%(date)s)."
        ) % {"date": date_format(first_day, "SHORT_DATE_FORMAT")}
    if errors:
        raise ValidationError(errors)
    if contract_type != ContractType.TEMPORARY:
        legal_ground = ""
    if contract_type == ContractType.NONE:
        starts_on = ends_on = signed_on = None

    contract = EmploymentContract.objects.filter(placement=placement).first()
    fields = ("contract_type", "legal_ground", "starts_on", "ends_on", "signed_on")
    if contract is None:
        contract = EmploymentContract(placement=placement)
        before = dict.fromkeys(fields)
    else:
        before = snapshot(contract, fields)
    contract.contract_type = contract_type
    contract.legal_ground = legal_ground
    contract.starts_on = starts_on
    contract.ends_on = ends_on
    contract.signed_on = signed_on
    contract.save()
    audit_changes(obj=contract, before=before, by=by)

    done = contract_type == ContractType.NONE or signed_on is not None
    before = snapshot(item, AUDITED_ITEM_FIELDS)
    _close(item, status=Status.DONE if done else Status.IN_PROGRESS, by=by)
    _save_item(item, before, by)
    placement_refresh_readiness(placement=placement)
    return contract


@transaction.atomic
def system_access_record(
    *,
    item: ChecklistItem,
    by: User,
    ordered_on: dt.date | None = None,
    granted_on: dt.date | None = None,
) -> ChecklistItem:
    _require_hr(by)
    item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    if item.item_type != ItemType.SYSTEM_ACCESS:
        raise ValidationError(_("This item is not a system access item."))
    errors = _date_range_errors(
        ordered_on=(ordered_on, ACCESS_DATES), granted_on=(granted_on, ACCESS_DATES)
    )
    if errors:
        raise ValidationError(errors)
    if ordered_on and ordered_on > local_today():
        errors["ordered_on"] = _("The order date cannot be in the future.")
    if granted_on and granted_on > local_today():
        errors["granted_on"] = _("The date access was granted cannot be in the future.")
    elif granted_on and ordered_on and granted_on < ordered_on:
        errors["granted_on"] = _("Access cannot be granted before it was ordered.")
    if errors:
        raise ValidationError(errors)
    before = snapshot(item, AUDITED_ITEM_FIELDS)
    item.access_ordered_on = ordered_on or (granted_on if granted_on else None)
    item.access_granted_on = granted_on
    if granted_on:
        status = Status.DONE
    elif item.access_ordered_on:
        status = Status.IN_PROGRESS
    else:
        status = Status.TODO
    _close(item, status=status, by=by)
    _save_item(item, before, by)
    placement_refresh_readiness(placement=item.placement)
    return item


# --- notifications ----------------------------------------------------------------------------


def placement_recipients(placement: Placement) -> list[str]:
    """Coordinators and the leaders of the placement's unit or any unit above it."""
    unit_ids = []
    unit: Unit | None = placement.unit
    while unit is not None and unit.pk not in unit_ids:
        unit_ids.append(unit.pk)
        unit = unit.parent
    users = User.objects.filter(is_active=True).filter(
        Q(role=Role.COORDINATOR) | Q(role=Role.UNIT_LEADER, led_units__in=unit_ids)
    )
    return sorted({email for email in users.values_list("email", flat=True) if email})


def placement_ready_notify(*, placement_id: int) -> int:
    """Queue "placement ready" for the coordinators and the unit's leaders, in the caller's
    transaction (the outbox sends it after the commit). Returns the messages queued."""
    placement = Placement.objects.select_related("worker", "unit__parent").get(pk=placement_id)
    if placement.ready_at is None:
        return 0
    recipients = placement_recipients(placement)
    if not recipients:
        return 0
    subject = _("Placement ready: %(unit)s") % {"unit": placement.unit.name}
    body = _(
        "Every onboarding item for %(worker)s at %(unit)s is done. The placement is ready "
        "to start.\n\n%(url)s"
    ) % {
        "worker": placement.worker.full_name,
        "unit": placement.unit.name,
        "url": settings.SITE_URL + reverse("needs:list"),
    }
    episode = f"{placement_id}:{placement.ready_at.isoformat()}"  # it may become ready again
    for recipient in recipients:
        message_enqueue(
            recipient=recipient,
            kind="placements.ready",
            subject=subject,
            body=body,
            language=get_language() or "",
            idempotency_key=f"placements.ready:{episode}:{recipient}",
        )
    return len(recipients)


@transaction.atomic
def onboarding_overdue_notify(*, today: dt.date | None = None) -> int:
    """E-mail about placements whose required items are still open on or after their due date
    (the day before the first shift). Each item is reported once; the messages are queued with
    the marks and leave after the commit, never while the items are locked. Returns the
    placements reported."""
    today = today or local_today()
    items = list(
        ChecklistItem.objects.select_for_update(of=("self",))
        .required()
        .open()
        .filter(
            due_on__lte=today,
            overdue_notified_on__isnull=True,
            placement__status=Placement.Status.ACTIVE,
            placement__ready_at__isnull=True,
        )
        .select_related("placement__unit__parent", "placement__worker")
        .order_by("placement_id", "order")
    )
    by_placement: dict[int, list[ChecklistItem]] = {}
    for item in items:
        by_placement.setdefault(item.placement_id, []).append(item)
    reported = 0
    for placement_items in by_placement.values():
        placement = placement_items[0].placement
        recipients = placement_recipients(placement)
        if recipients:
            subject = _("Onboarding overdue: %(unit)s") % {"unit": placement.unit.name}
            body = _(
                "The placement of %(worker)s at %(unit)s is not ready and the first shift "
                "is close. Open items:\n%(items)s"
            ) % {
                "worker": placement.worker.full_name,
                "unit": placement.unit.name,
                "items": "\n".join(f"- {item.label}" for item in placement_items),
            }
            for recipient in recipients:
                message_enqueue(
                    recipient=recipient,
                    kind="placements.onboarding_overdue",
                    subject=subject,
                    body=body,
                    language=get_language() or "",
                    idempotency_key=f"placements.overdue:{placement.pk}:{today}:{recipient}",
                )
            reported += 1
        ChecklistItem.objects.filter(pk__in=[item.pk for item in placement_items]).update(
            overdue_notified_on=today
        )
    return reported
