"""Pure rules for volunteers: routing suggestions and availability windows. No ORM here."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from volunteers.models import Route, TimeOfDay

OSLO = ZoneInfo("Europe/Oslo")

# Licensed doctors and medical students go to the emergency clinic (legevakt), not the pool.
EMERGENCY_CLINIC_CODES = frozenset({"lege", "medisinstudent"})

# Local clock hours of each time of day; the night runs into the next morning.
TIME_SLOTS: dict[str, tuple[int, int]] = {
    TimeOfDay.DAY: (7, 15),
    TimeOfDay.EVENING: (15, 23),
    TimeOfDay.NIGHT: (23, 31),
}
AVAILABILITY_HORIZON_DAYS = 56


@dataclass(frozen=True)
class QualificationFacts:
    code: str
    is_health: bool


def route_suggest(*, qualifications: Iterable[QualificationFacts], wants_contract: bool) -> Route:
    quals = list(qualifications)
    if any(q.code in EMERGENCY_CLINIC_CODES for q in quals):
        return Route.EMERGENCY_CLINIC
    if not wants_contract:
        return Route.GENERAL_VOLUNTEER
    if any(q.is_health for q in quals):
        return Route.STAFFING_POOL
    return Route.ASSESS


def availability_windows(
    *,
    available_from: dt.date,
    available_to: dt.date | None,
    weekdays: Iterable[str],
    times_of_day: Iterable[str],
    today: dt.date,
    horizon_days: int = AVAILABILITY_HORIZON_DAYS,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Windows (aware datetimes) when a volunteer said they can help, from today or their
    start date up to their end date or the horizon. No days chosen means every day; no time
    of day chosen means daytime. Adjacent slots are merged (day + evening = 07–23)."""
    start = max(available_from, today)
    end = today + dt.timedelta(days=horizon_days)
    if available_to is not None:
        end = min(end, available_to)
    days = {int(d) for d in weekdays} or set(range(1, 8))
    slots = sorted(TIME_SLOTS[t] for t in set(times_of_day) if t in TIME_SLOTS) or [
        TIME_SLOTS[TimeOfDay.DAY]
    ]
    windows: list[tuple[dt.datetime, dt.datetime]] = []
    day = start
    while day <= end:
        if day.isoweekday() in days:
            midnight = dt.datetime.combine(day, dt.time(0), tzinfo=OSLO)
            for first, last in slots:
                # Wall-clock hours in Oslo, so 07:00 stays 07:00 across daylight-saving changes.
                w_start = _local(midnight, first)
                w_end = _local(midnight, last)
                if windows and windows[-1][1] == w_start:
                    windows[-1] = (windows[-1][0], w_end)
                else:
                    windows.append((w_start, w_end))
        day += dt.timedelta(days=1)
    return [(s.astimezone(dt.UTC), e.astimezone(dt.UTC)) for s, e in windows]


def _local(midnight: dt.datetime, hour: int) -> dt.datetime:
    day = midnight.date() + dt.timedelta(days=hour // 24)
    return dt.datetime.combine(day, dt.time(hour % 24), tzinfo=OSLO)


def parse_rate(rate: str) -> tuple[int, int]:
    """ "5/h" → (5, 3600). Units: s, m, h, d."""
    count, _, unit = rate.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit.strip().lower()[:1]]
    return int(count), seconds
