"""Reminders to the people placed: one before their first shift of a placement
(DUGNAD["REMINDER_FIRST_SHIFT_HOURS"] ahead) and one the day before each shift (sent from
DUGNAD["REMINDER_DAY_BEFORE_HOUR"], Europe/Oslo). Beat runs this every 15 minutes; each
reminder has an idempotency key per kind, person and shift, so it goes once however often the
task runs."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.notices import person_notify
from outbox.models import Message
from placements.models import Placement, PlacementShift

OSLO = ZoneInfo("Europe/Oslo")


def _key(kind: str, ps: PlacementShift) -> str:
    return f"matching.reminder_{kind}:{ps.worker_id}:{ps.shift_id}"


def _due(now: dt.datetime) -> list[tuple[str, PlacementShift]]:
    d = settings.DUGNAD
    active = PlacementShift.objects.filter(
        is_active=True, placement__status=Placement.Status.ACTIVE, start__gt=now
    ).select_related("worker__agency", "shift__need__unit", "shift__need__qualification")
    due: list[tuple[str, PlacementShift]] = []
    hours = int(d["REMINDER_FIRST_SHIFT_HOURS"])
    if hours > 0:
        first = (
            PlacementShift.objects.filter(placement=OuterRef("placement"), is_active=True)
            .order_by("start", "pk")
            .values("pk")[:1]
        )
        rows = active.filter(start__lte=now + dt.timedelta(hours=hours), pk=Subquery(first))
        due += [("first", ps) for ps in rows]
    hour = int(d["REMINDER_DAY_BEFORE_HOUR"])
    local = timezone.localtime(now, OSLO)
    if 0 <= hour <= 23 and local.hour >= hour:
        tomorrow = local.date() + dt.timedelta(days=1)
        start = dt.datetime.combine(tomorrow, dt.time(0, 0), OSLO)
        end = dt.datetime.combine(tomorrow + dt.timedelta(days=1), dt.time(0, 0), OSLO)
        due += [("day_before", ps) for ps in active.filter(start__gte=start, start__lt=end)]
    return due


def shift_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Queue the reminders that are due and not yet sent; returns how many were queued."""
    now = now or timezone.now()
    due = _due(now)
    if not due:
        return 0
    sent_before = {
        key.removesuffix(":sms")
        for key in Message.objects.filter(
            idempotency_key__in=[
                k for kind, ps in due for k in (_key(kind, ps), _key(kind, ps) + ":sms")
            ]
        ).values_list("idempotency_key", flat=True)
    }
    queued = 0
    for kind, ps in due:
        key = _key(kind, ps)
        if key in sent_before:
            continue
        need = ps.shift.need
        unit = need.unit
        if kind == "first":

            def subject(unit=unit) -> str:
                return _("Your first shift at %(unit)s is coming up") % {"unit": unit.name}
        else:

            def subject(unit=unit) -> str:
                return _("Reminder: you work at %(unit)s tomorrow") % {"unit": unit.name}

        sent = person_notify(
            worker=ps.worker,
            kind=f"matching.reminder_{kind}",
            template="shift_reminder",
            subject=subject,
            context={
                "kind": kind,
                "shift": ps,
                "need": need,
                "unit": unit,
                "contact": need.submitted_by or need.created_by,
                "for_agency": ps.worker.source == "agency",
            },
            key=key,
        )
        sent_before.add(key)
        queued += 1 if sent else 0
    return queued
