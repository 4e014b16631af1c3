"""A person's shifts as an iCalendar (RFC 5545) feed, with the `icalendar` package."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from placements.models import Placement, PlacementShift


def feed_calendar(shifts: Iterable[PlacementShift], *, now: dt.datetime | None = None) -> bytes:
    """One event per placement shift. A shift no longer worked (cancelled, or its placement
    ended) is sent as CANCELLED, so a subscribed calendar removes it instead of keeping it."""
    now = now or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", "-//Dugnad//Rosters//NB")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("My shifts (Dugnad)"))
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "dugnad"
    for row in shifts:
        placement = row.placement
        live = row.is_active and placement.status == Placement.Status.ACTIVE
        event = Event()
        event.add("uid", f"placementshift-{row.pk}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", row.start.astimezone(dt.UTC))
        event.add("dtend", row.end.astimezone(dt.UTC))
        event.add("summary", placement.unit.name)
        if placement.unit.address:
            event.add("location", placement.unit.address)
        qualification = placement.need.qualification
        ready = _("Ready to start") if placement.ready_at else _("Onboarding not finished")
        event.add("description", f"{qualification.label if qualification else ''}\n{ready}")
        event.add("status", "CONFIRMED" if live else "CANCELLED")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical()
