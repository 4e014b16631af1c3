"""Writes for needs: create a draft, change its shifts, submit, change, cancel.

Each function validates, then writes in one transaction. Submitting or changing a submitted
need asks for a matching run (`core.tasks_by_name`). Cancelling shifts never deletes a
placement: placements ends them and tells the coordinators, and matching drops its open
proposals; both are reached through `needs.hooks`, since needs sits below them.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.tasks_by_name import request_matching_run
from needs import hooks
from needs.models import Need, Shift
from needs.shifts import ShiftCheck, ShiftSpec, check_shifts, describe
from staffing.selectors import units_visible_to


class ShiftsInvalid(ValidationError):
    """Shift problems by row index, so a form can show each next to its row."""

    def __init__(self, check: ShiftCheck):
        self.check = check
        super().__init__(check.all_errors())


@dataclass(frozen=True)
class ShiftChange:
    """One row of the shift table: an existing shift (pk) or a new one (pk None)."""

    pk: int | None
    start: dt.datetime
    end: dt.datetime
    headcount: int
    delete: bool = False


def _limits() -> dict[str, float]:
    return {
        "max_hours": settings.DUGNAD["MAX_HOURS_PER_24_HOURS"],
        "warn_hours": settings.DUGNAD["LONG_SHIFT_WARNING_HOURS"],
    }


def shifts_check(
    shifts: list[ShiftSpec], *, past_allowed=(), now: dt.datetime | None = None
) -> ShiftCheck:
    return check_shifts(shifts, now=now or timezone.now(), past_allowed=past_allowed, **_limits())


def _check_unit(*, unit, by) -> None:
    if not units_visible_to(by).filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("You can only submit needs for your own units.")})


@transaction.atomic
def need_fields_check(*, required_skills=(), preferred_skills=()) -> None:
    """What a need asks for must make sense, whoever sends it: raises ValidationError per
    field (the form shows it next to the field)."""
    if set(required_skills) & set(preferred_skills):
        raise ValidationError(
            {"preferred_skills": _("A skill cannot be both required and preferred.")}
        )


def need_create_draft(
    *,
    by,
    unit,
    qualification,
    shifts: list[ShiftSpec],
    title: str = "",
    description: str = "",
    priority: int = Need._meta.get_field("priority").default,
    requires_police_certificate: bool | None = None,
    required_skills=(),
    preferred_skills=(),
) -> tuple[Need, ShiftCheck]:
    """A draft need with its shifts, for the leader to review before submitting."""
    _check_unit(unit=unit, by=by)
    need_fields_check(required_skills=required_skills, preferred_skills=preferred_skills)
    if not shifts:
        raise ValidationError(_("Add at least one shift."))
    check = shifts_check(shifts)
    if not check.ok:
        raise ShiftsInvalid(check)
    # Required by law in health and care services, whatever was ticked.
    requires_police_certificate = bool(requires_police_certificate) or (
        unit.police_certificate_default
    )
    need = Need.objects.create(
        unit=unit,
        qualification=qualification,
        title=title,
        description=description,
        priority=priority,
        requires_police_certificate=requires_police_certificate,
        created_by=by,
    )
    need.required_skills.set(required_skills)
    need.preferred_skills.set(preferred_skills)
    Shift.objects.bulk_create(
        Shift(need=need, start=s.start, end=s.end, headcount=s.headcount) for s in shifts
    )
    return need, check


@transaction.atomic
def need_update(
    *,
    need: Need,
    by,
    qualification,
    title: str,
    description: str,
    priority: int,
    requires_police_certificate: bool,
    required_skills=(),
    preferred_skills=(),
) -> Need:
    """Change what a need asks for. Open proposals of a submitted need are dropped when the
    qualification or required skills change, since they were made for the old request."""
    need_fields_check(required_skills=required_skills, preferred_skills=preferred_skills)
    need = Need.objects.select_for_update().get(pk=need.pk)
    _check_changeable(need)
    old_required = set(need.required_skills.values_list("pk", flat=True))
    asks_differently = need.qualification_id != qualification.pk or old_required != {
        s.pk for s in required_skills
    }
    need.qualification = qualification
    need.title = title
    need.description = description
    need.priority = priority
    need.requires_police_certificate = (
        requires_police_certificate or need.unit.police_certificate_default
    )
    need.save()
    need.required_skills.set(required_skills)
    need.preferred_skills.set(preferred_skills)
    if need.state == Need.State.SUBMITTED:
        if asks_differently:
            hooks.shifts_changed(shift_ids=list(need.shifts.values_list("pk", flat=True)))
        request_matching_run(trigger="need_changed", requested_by_id=by.pk)
    return need


def _check_changeable(need: Need) -> None:
    if not need.is_changeable:
        raise ValidationError(_("A closed or cancelled need cannot be changed."))


@transaction.atomic
def need_shifts_update(
    *, need: Need, by, rows: list[ShiftChange], submit: bool = False
) -> ShiftCheck:
    """Apply the reviewed shift table: change, add and remove shifts.

    A shift with approved placements keeps its times (cancel it and add a new one instead) and
    its headcount cannot drop below the number approved. Removing a shift of a draft deletes
    it; of a submitted need cancels it, ending placements as `_shifts_cancel` does.
    """
    need = Need.objects.select_for_update().get(pk=need.pk)
    _check_changeable(need)
    existing = {s.pk: s for s in need.shifts.active()}
    approved: dict[int, int] = {}
    placed = hooks.counter_rows("approved")
    if placed is not None:
        for shift_id in placed.filter(shift__in=existing.keys()).values_list("shift_id", flat=True):
            approved[shift_id] = approved.get(shift_id, 0) + 1

    keep = [row for row in rows if not row.delete]
    if not keep:
        raise ValidationError(_("A need must keep at least one shift. Cancel the need instead."))
    specs = [ShiftSpec(start=r.start, end=r.end, headcount=r.headcount) for r in keep]
    unchanged = [
        i
        for i, row in enumerate(keep)
        if row.pk in existing
        and (existing[row.pk].start, existing[row.pk].end) == (row.start, row.end)
    ]
    check = shifts_check(specs, past_allowed=unchanged)
    # Shifts the table did not mention stay as they are (a tampered or stale form may leave
    # rows out); a row may neither copy one of them nor name the same shift twice.
    mentioned = [row.pk for row in rows if row.pk in existing]
    untouched = {(s.start, s.end) for pk, s in existing.items() if pk not in mentioned}
    seen_ids: set[int] = set()
    for i, row in enumerate(keep):
        if row.pk in existing:
            if row.pk in seen_ids:
                check.error(
                    i,
                    _("%(shift)s: this shift is in the table twice.")
                    % {"shift": describe(specs[i])},
                )
            seen_ids.add(row.pk)
        elif (row.start, row.end) in untouched:
            check.error(
                i, _("%(shift)s: the same shift is entered twice.") % {"shift": describe(specs[i])}
            )
    for i, row in enumerate(keep):
        shift = existing.get(row.pk)
        if shift is None or not approved.get(shift.pk):
            continue
        if (shift.start, shift.end) != (row.start, row.end):
            check.error(
                i,
                _(
                    "%(shift)s: people are already placed on this shift, so its times cannot "
                    "change. Remove it and add a new shift instead."
                )
                % {"shift": describe(specs[i])},
            )
        if row.headcount < approved[shift.pk]:
            check.error(
                i,
                _("%(shift)s: %(n)s people are already placed; the headcount cannot be lower.")
                % {"shift": describe(specs[i]), "n": approved[shift.pk]},
            )
    if not check.ok:
        raise ShiftsInvalid(check)

    to_remove = [existing[r.pk] for r in rows if r.delete and r.pk in existing]
    retimed = []
    for row in keep:
        shift = existing.get(row.pk)
        if shift is None:
            Shift.objects.create(need=need, start=row.start, end=row.end, headcount=row.headcount)
            continue
        if (shift.start, shift.end, shift.headcount) == (row.start, row.end, row.headcount):
            continue
        if (shift.start, shift.end) != (row.start, row.end):
            retimed.append(shift.pk)
        shift.start, shift.end, shift.headcount = row.start, row.end, row.headcount
        shift.save(update_fields=["start", "end", "headcount"])
    hooks.shifts_changed(shift_ids=retimed)
    if to_remove:
        if need.state == Need.State.DRAFT:
            Shift.objects.filter(pk__in=[s.pk for s in to_remove]).delete()
        else:
            _shifts_cancel(
                need=need, shifts=to_remove, reason=_("The shift was removed from the need.")
            )
    if submit and need.state == Need.State.DRAFT:
        try:
            need_submit(need=need, by=by)
        except ShiftsInvalid as error:
            # Its indexes count the need's shifts, not the rows of the table.
            raise ValidationError(error.messages) from None
    elif need.state == Need.State.SUBMITTED:
        request_matching_run(trigger="need_changed", requested_by_id=by.pk)
    return check


@transaction.atomic
def need_submit(*, need: Need, by) -> Need:
    need = Need.objects.select_for_update().get(pk=need.pk)
    if need.state != Need.State.DRAFT:
        raise ValidationError(_("Only a draft can be submitted."))
    _check_unit(unit=need.unit, by=by)
    shifts = list(need.shifts.active())
    if not shifts:
        raise ValidationError(_("Add at least one shift."))
    check = shifts_check([ShiftSpec(s.start, s.end, s.headcount) for s in shifts])
    if not check.ok:
        raise ShiftsInvalid(check)
    now = timezone.now()
    need.state = Need.State.SUBMITTED
    need.submitted_by = by
    need.submitted_at = now
    need.save(update_fields=["state", "submitted_by", "submitted_at", "updated_at"])
    request_matching_run(trigger="need_changed", requested_by_id=by.pk)
    return need


@transaction.atomic
def need_cancel(*, need: Need, by, reason: str = "") -> Need:
    """Cancel a whole need: every active shift is cancelled, placements end, nothing is
    deleted."""
    need = Need.objects.select_for_update().get(pk=need.pk)
    _check_changeable(need)
    was_submitted = need.state == Need.State.SUBMITTED
    need.state = Need.State.CANCELLED
    need.cancelled_at = timezone.now()
    need.save(update_fields=["state", "cancelled_at", "updated_at"])
    _shifts_cancel(
        need=need,
        shifts=list(need.shifts.active()),
        reason=reason or _("The need was cancelled by the unit."),
    )
    if was_submitted:
        request_matching_run(trigger="need_changed", requested_by_id=by.pk)
    return need


def _shifts_cancel(*, need: Need, shifts: list[Shift], reason: str) -> None:
    """Cancel shifts. Placements on them end (never deleted) and matching's open proposals for
    them go: the apps that own those rows do it (needs.hooks)."""
    if not shifts:
        return
    ids = [s.pk for s in shifts]
    Shift.objects.filter(pk__in=ids).update(cancelled_at=timezone.now())
    hooks.shifts_cancelled(need=need, shift_ids=ids, reason=reason)
