"""Writes to a worker's capacity: absences, availability windows, the home unit's releases,
and the expiry notices of credentials.

Every change asks for a matching run (core.tasks_by_name), so proposals follow the person's
time. Matching reads absences and windows in matching/adapter; the home unit's recall, which
also ends placements, is orchestrated in resources/services.py on top of `release_recall`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import Role, User
from core.dates import format_local
from core.tasks_by_name import request_matching_run
from outbox.services import message_enqueue
from staffing.audit import audit_changes
from staffing.models import (
    Absence,
    Availability,
    Release,
    Worker,
    WorkerQualification,
    WorkerSkill,
)
from staffing.selectors import units_visible_to

OSLO = ZoneInfo("Europe/Oslo")
MAX_PERIOD_DAYS = 366
FULL_TIME_HOURS = Decimal("37.5")


def local_today() -> dt.date:
    return timezone.localtime(timezone.now(), OSLO).date()


def day_start(day: dt.date) -> dt.datetime:
    """Midnight in Oslo as an aware datetime (DST-safe: built from the date, not by adding)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=OSLO)


def _check_period(starts_on: dt.date, ends_on: dt.date) -> None:
    errors = {}
    for name, value in (("starts_on", starts_on), ("ends_on", ends_on)):
        if not 2000 <= value.year <= 2100:
            errors[name] = _("Enter a date between 2000 and 2100.")
    if errors:
        raise ValidationError(errors)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end date is before the start date.")})
    if (ends_on - starts_on).days >= MAX_PERIOD_DAYS:
        raise ValidationError({"ends_on": _("A period can be at most one year long.")})


# --- who may change a person's capacity -----------------------------------------------------


def is_home_leader(user: User, worker: Worker) -> bool:
    """The leader of the unit (or a parent unit) the employee belongs to."""
    if user.role != Role.UNIT_LEADER or not user.is_active:
        return False
    employee = getattr(worker, "employee", None)
    if employee is None:
        return False
    return units_visible_to(user).filter(pk=employee.home_unit_id).exists()


def may_register_absence(user: User, worker: Worker) -> bool:
    return user.has_role(Role.HR, Role.COORDINATOR) or is_home_leader(user, worker)


# --- absences ---------------------------------------------------------------------------------


@transaction.atomic
def absence_create(
    *, worker: Worker, kind: str, starts_on: dt.date, ends_on: dt.date, by: User
) -> Absence:
    """Sick leave or holiday for whole days: matching proposes nobody absent on a shift's day,
    and an offer cannot be accepted for it (matching.adapter.eligibility, "absent")."""
    if not may_register_absence(by, worker):
        raise PermissionDenied
    if kind not in Absence.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of absence.")})
    _check_period(starts_on, ends_on)
    absence = Absence.objects.create(
        worker=worker, kind=kind, starts_on=starts_on, ends_on=ends_on, created_by=by
    )
    audit_changes(obj=absence, before={"kind": "", "starts_on": "", "ends_on": ""}, by=by)
    request_matching_run(trigger="worker_available", requested_by_id=by.pk)
    return absence


@transaction.atomic
def absence_delete(*, absence: Absence, by: User) -> None:
    if not may_register_absence(by, absence.worker):
        raise PermissionDenied
    before = {"kind": absence.kind, "starts_on": absence.starts_on, "ends_on": absence.ends_on}
    pk = absence.pk
    absence.delete()
    absence.pk, absence.kind, absence.starts_on, absence.ends_on = pk, "", "", ""
    audit_changes(obj=absence, before=before, by=by)
    request_matching_run(trigger="worker_available", requested_by_id=by.pk)


def absences_for(worker: Worker, *, since: dt.date | None = None):
    since = since or local_today()
    return worker.absences.filter(ends_on__gte=since).select_related("created_by")


# --- availability (self-service and by hand) --------------------------------------------------


def _check_windows(windows: Sequence[tuple[dt.datetime, dt.datetime]]) -> None:
    for start, end in windows:
        if timezone.is_naive(start) or timezone.is_naive(end):
            raise ValueError("availability windows need aware datetimes")
        if end <= start:
            raise ValidationError(_("A time window must end after it starts."))
        if end - start > dt.timedelta(days=MAX_PERIOD_DAYS):
            raise ValidationError(_("A period can be at most one year long."))


@transaction.atomic
def availability_set(
    *,
    worker: Worker,
    period_start: dt.datetime,
    period_end: dt.datetime,
    windows: Sequence[tuple[dt.datetime, dt.datetime]],
    note: str = "",
    by: User | None = None,
) -> list[Availability]:
    """Replace the worker's own windows (not those of a home unit's release) that start in
    [period_start, period_end) with `windows`, and ask for a matching run. For the person's
    self-service (inventory or volunteer link: `by` None) and for staff."""
    _check_windows([(period_start, period_end), *windows])
    Worker.objects.select_for_update().filter(pk=worker.pk).first()
    Availability.objects.filter(
        worker=worker, release__isnull=True, start__gte=period_start, start__lt=period_end
    ).delete()
    created = Availability.objects.bulk_create(
        Availability(worker=worker, start=start, end=end, note=note[:200])
        for start, end in sorted(windows)
    )
    request_matching_run(trigger="worker_available", requested_by_id=getattr(by, "pk", None))
    return created


# --- the home unit's release ------------------------------------------------------------------


def release_windows(
    *,
    starts_on: dt.date,
    ends_on: dt.date,
    weekdays: str,
    day_from: dt.time | None,
    day_to: dt.time | None,
    after: dt.date | None = None,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """One window per released day: between the hours (past midnight when `day_to` is not
    after `day_from`), or the whole day for a share of the position."""
    out = []
    day = max(starts_on, after) if after else starts_on
    while day <= ends_on:
        if str(day.weekday()) in weekdays:
            if day_from is not None and day_to is not None:
                end_day = day if day_to > day_from else day + dt.timedelta(days=1)
                out.append(
                    (
                        dt.datetime.combine(day, day_from, tzinfo=OSLO),
                        dt.datetime.combine(end_day, day_to, tzinfo=OSLO),
                    )
                )
            else:
                out.append((day_start(day), day_start(day + dt.timedelta(days=1))))
        day += dt.timedelta(days=1)
    return out


def release_weekly_hours(release: Release) -> Decimal | None:
    """Hours a week a share of the position means (37.5 h a week is a full position)."""
    if release.share_percent is None:
        return None
    percent = getattr(getattr(release.worker, "employee", None), "position_percent", 100)
    hours = FULL_TIME_HOURS * percent * release.share_percent / 10_000
    return hours.quantize(Decimal("0.1"))


def _weekdays_clean(weekdays: Iterable[str]) -> str:
    days = "".join(sorted({str(d) for d in weekdays}))
    if not days or any(d not in "0123456" for d in days):
        raise ValidationError({"weekdays": _("Choose at least one weekday.")})
    return days


@transaction.atomic
def release_create(
    *,
    worker: Worker,
    by: User,
    starts_on: dt.date,
    ends_on: dt.date,
    weekdays: Iterable[str],
    day_from: dt.time | None = None,
    day_to: dt.time | None = None,
    share_percent: int | None = None,
    note: str = "",
) -> Release:
    """The home unit's leader lets an employee work elsewhere: the released days become
    availability windows that matching uses, and a matching run is asked for."""
    if not is_home_leader(by, worker) and not by.is_administrator:
        raise PermissionDenied
    employee = getattr(worker, "employee", None)
    if employee is None or not worker.is_active:
        raise ValidationError(_("Only active employees can be released."))
    _check_period(starts_on, ends_on)
    if ends_on < local_today():
        raise ValidationError({"ends_on": _("The period has already ended.")})
    days = _weekdays_clean(weekdays)
    hours = day_from is not None or day_to is not None
    if hours and share_percent is not None:
        raise ValidationError(_("Give either the hours or a share of the position, not both."))
    if hours:
        if day_from is None or day_to is None:
            raise ValidationError({"day_to": _("Give both the start and the end time.")})
        if day_from == day_to:
            raise ValidationError({"day_to": _("The end time must differ from the start time.")})
    elif share_percent is None:
        raise ValidationError(_("Give the hours or a share of the position."))
    elif not 1 <= share_percent <= 100:
        raise ValidationError({"share_percent": _("Enter a share between 1 and 100 %.")})

    Worker.objects.select_for_update().filter(pk=worker.pk).first()
    overlapping = [
        r
        for r in Release.objects.filter(
            worker=worker, starts_on__lte=ends_on, ends_on__gte=starts_on
        ).filter(Q(back_on__isnull=True) | Q(back_on__gt=starts_on))
        if set(r.weekdays) & set(days)
    ]
    if overlapping:
        raise ValidationError(
            _("This person is already released on some of these days (%(period)s).")
            % {
                "period": format_local(overlapping[0].starts_on, "SHORT_DATE_FORMAT")
                + "–"
                + format_local(overlapping[0].ends_on, "SHORT_DATE_FORMAT")
            }
        )
    release = Release.objects.create(
        worker=worker,
        home_unit_id=employee.home_unit_id,
        starts_on=starts_on,
        ends_on=ends_on,
        weekdays=days,
        day_start=day_from if hours else None,
        day_end=day_to if hours else None,
        share_percent=None if hours else share_percent,
        note=note.strip()[:200],
        created_by=by,
    )
    window_note = _("Released by %(unit)s") % {"unit": employee.home_unit.name}
    if share_percent is not None:
        window_note += " · " + _("%(share)s %% of the position (about %(hours)s h a week)") % {
            "share": share_percent,
            "hours": release_weekly_hours(release),
        }
    Availability.objects.bulk_create(
        Availability(worker=worker, release=release, start=start, end=end, note=window_note[:200])
        for start, end in release_windows(
            starts_on=starts_on,
            ends_on=ends_on,
            weekdays=days,
            day_from=release.day_start,
            day_to=release.day_end,
        )
    )
    request_matching_run(trigger="worker_available", requested_by_id=by.pk)
    return release


def recall_notice_days() -> int:
    return int(settings.DUGNAD["RELEASE_RECALL_NOTICE_DAYS"])


def recall_earliest(today: dt.date | None = None) -> dt.date:
    return (today or local_today()) + dt.timedelta(days=recall_notice_days())


@transaction.atomic
def release_recall(*, release: Release, by: User, back_on: dt.date) -> Release:
    """Staffing's part of a recall: from `back_on` (at least the notice period ahead) the
    person is no longer released; their windows from that day go. The caller
    (resources.services.release_recall) ends the placements and tells the people involved."""
    release = Release.objects.select_for_update().select_related("worker").get(pk=release.pk)
    if not is_home_leader(by, release.worker) and not by.is_administrator:
        raise PermissionDenied
    if release.back_on is not None:
        raise ValidationError(_("This release has already been recalled."))
    if back_on < recall_earliest():
        raise ValidationError(
            {
                "back_on": _("Give at least %(days)s days' notice: the earliest day is %(day)s.")
                % {
                    "days": recall_notice_days(),
                    "day": format_local(recall_earliest(), "SHORT_DATE_FORMAT"),
                }
            }
        )
    if back_on > release.ends_on:
        raise ValidationError({"back_on": _("The release ends before that day anyway.")})
    cut = day_start(back_on)
    Availability.objects.filter(release=release, start__gte=cut).delete()
    Availability.objects.filter(release=release, end__gt=cut).update(end=cut)
    before = {"back_on": None, "recalled_at": None, "recalled_by_id": None}
    release.back_on = back_on
    release.recalled_at = timezone.now()
    release.recalled_by = by
    release.save(update_fields=["back_on", "recalled_at", "recalled_by"])
    audit_changes(obj=release, before=before, by=by)
    request_matching_run(trigger="worker_available", requested_by_id=by.pk)
    return release


CREDENTIAL_ROLES = (Role.HR, Role.COORDINATOR)


@transaction.atomic
def credential_valid_until_set(
    *, worker: Worker, kind: str, pk: int | None, valid_until: dt.date | None, by: User
) -> None:
    """Record until when a qualification (`kind` "qualification", `pk` of the held row), a
    skill certificate ("skill") or the health authorisation ("hpr") is valid; None: no end."""
    if not by.has_role(*CREDENTIAL_ROLES):
        raise PermissionDenied
    if valid_until is not None and not 2000 <= valid_until.year <= 2100:
        raise ValidationError({"valid_until": _("Enter a date between 2000 and 2100.")})
    if kind == "hpr":
        obj = Worker.objects.select_for_update().get(pk=worker.pk)
        before = {"hpr_valid_until": obj.hpr_valid_until}
        obj.hpr_valid_until = valid_until
        obj.save(update_fields=["hpr_valid_until", "updated_at"])
    elif kind in ("qualification", "skill"):
        model = WorkerQualification if kind == "qualification" else WorkerSkill
        obj = model.objects.select_for_update().filter(worker=worker, pk=pk).first()
        if obj is None:
            raise ValidationError(_("This person does not hold that any more."))
        before = {"valid_until": obj.valid_until}
        obj.valid_until = valid_until
        obj.save(update_fields=["valid_until"])
    else:
        raise ValidationError(_("Choose what to change."))
    audit_changes(obj=obj, before=before, by=by)
    request_matching_run(trigger="worker_available", requested_by_id=by.pk)


# --- credentials that expire ------------------------------------------------------------------

EXPIRY_NOTICE_DAYS = 30


def hr_emails() -> list[str]:
    return list(
        User.objects.filter(role=Role.HR, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
    )


def credentials_expiring(*, today: dt.date, days: int = EXPIRY_NOTICE_DAYS) -> list[dict]:
    """Qualifications, skill certificates and authorisations of active workers valid until a
    day in the next `days` days, whose HR notice for that date is not yet sent."""
    rows: list[dict] = []
    end = today + dt.timedelta(days=days)
    for model, label in ((WorkerQualification, "qualification"), (WorkerSkill, "skill")):
        for held in (
            model.objects.expiring(today=today, days=days)
            .filter(worker__is_active=True)
            .exclude(expiry_notified_for=F("valid_until"))
            .select_related("worker", label)
            .order_by("valid_until", "pk")
        ):
            rows.append(
                {
                    "row": held,
                    "worker": held.worker,
                    "what": getattr(held, label).name,
                    "valid_until": held.valid_until,
                }
            )
    for worker in (
        Worker.objects.active()
        .filter(hpr_valid_until__gte=today, hpr_valid_until__lte=end)
        .exclude(hpr_expiry_notified_for=F("hpr_valid_until"))
        .order_by("hpr_valid_until", "pk")
    ):
        rows.append(
            {
                "row": worker,
                "worker": worker,
                "what": _("health authorisation (HPR)"),
                "valid_until": worker.hpr_valid_until,
            }
        )
    rows.sort(key=lambda r: (r["valid_until"], r["worker"].last_name, r["worker"].pk))
    return rows


@transaction.atomic
def credentials_notify(*, today: dt.date | None = None) -> int:
    """The daily notice to HR: one message per HR officer listing the credentials that expire
    within 30 days and were not announced yet; each credential is announced once per
    valid-until date (a renewed one is announced again when it nears its new date). Returns
    how many credentials were announced."""
    today = today or local_today()
    rows = credentials_expiring(today=today)
    recipients = hr_emails()
    if not rows or not recipients:
        return 0  # nobody told yet: tried again tomorrow
    if recipients:
        lines = [
            _(
                "These credentials expire within %(days)s days. After that day matching no longer "
                "uses them; ask the person for a renewal and record the new date:"
            )
            % {"days": EXPIRY_NOTICE_DAYS},
            "",
        ]
        for r in rows:
            lines.append(
                f"- {r['worker'].full_name}: {r['what']} "
                + _("valid until %(day)s")
                % {"day": format_local(r["valid_until"], "SHORT_DATE_FORMAT")}
                + f" ({settings.SITE_URL}{reverse('resources:person', args=[r['worker'].pk])})"
            )
        subject = _("Dugnad: %(n)s credentials expire soon") % {"n": len(rows)}
        # the same rows on the same day are one message, whatever runs twice
        which = hashlib.sha256(
            ",".join(
                f"{type(r['row']).__name__}:{r['row'].pk}:{r['valid_until']}" for r in rows
            ).encode()
        ).hexdigest()[:16]
        body = "\n".join(lines)
        for recipient in recipients:
            message_enqueue(
                recipient=recipient,
                kind="staffing.credentials_expiring",
                subject=subject,
                body=body,
                language=get_language() or "",
                idempotency_key=f"staffing.credentials_expiring:{today}:{which}:{recipient}",
            )
    by_model: dict[type, list[int]] = defaultdict(list)
    for r in rows:
        by_model[type(r["row"])].append(r["row"].pk)
    for model, pks in by_model.items():
        if model is Worker:
            Worker.objects.filter(pk__in=pks).update(hpr_expiry_notified_for=F("hpr_valid_until"))
        else:
            model.objects.filter(pk__in=pks).update(expiry_notified_for=F("valid_until"))
    return len(rows)
