"""Free capacity as availability windows: pure rules, no ORM.

An employee tells the inventory either the weekdays and hours they are free, or a share of
their position. Matching reads windows, so both become one window per free day:
- weekdays and hours: those days, those hours (a "to" before the "from" runs past midnight);
- a share of the position: whole working days (07:30 h, 08:00–15:30) on the weekdays chosen,
  as many per week as the share of a five-day week gives, rounded up (40 % → 2 days). With no
  weekday chosen, Monday to Friday in order.
From the later of today and the "from" date up to the "to" date, at most HORIZON_DAYS ahead.
"""

import datetime as dt
import math
from collections.abc import Iterable
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
HORIZON_DAYS = 182
OPEN_ENDED_DAYS = 56  # no "to" date: the next eight weeks, renewed by the next change
WORKDAY = (dt.time(8, 0), dt.time(15, 30))
WORKING_WEEK = ("1", "2", "3", "4", "5")


def share_days(share_percent: int, weekdays: Iterable[str]) -> list[str]:
    """The weekdays a share of the position covers."""
    chosen = sorted({d for d in weekdays if d in {"1", "2", "3", "4", "5", "6", "7"}})
    days = math.ceil(max(1, min(100, share_percent)) * 5 / 100)
    return (chosen or list(WORKING_WEEK))[:days]


def capacity_windows(
    *,
    capacity: str,
    weekdays: Iterable[str],
    time_from: dt.time | None,
    time_to: dt.time | None,
    share_percent: int | None,
    available_from: dt.date | None,
    available_to: dt.date | None,
    today: dt.date,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Aware UTC windows for what the employee reported; none for "no free capacity"."""
    if capacity == "days":
        days = sorted(set(weekdays))
        if time_from is None or time_to is None or time_from == time_to:
            return []
        start_time, end_time = time_from, time_to
    elif capacity == "share":
        if not share_percent:
            return []
        days = share_days(share_percent, weekdays)
        start_time, end_time = WORKDAY
    else:
        return []
    first = max(available_from or today, today)
    last = today + dt.timedelta(days=HORIZON_DAYS)
    if available_to is not None:
        last = min(last, available_to)
    else:
        last = min(last, first + dt.timedelta(days=OPEN_ENDED_DAYS))
    wanted = {int(d) for d in days}
    windows = []
    day = first
    while day <= last:
        if day.isoweekday() in wanted:
            start = dt.datetime.combine(day, start_time, tzinfo=OSLO)
            end_day = day if end_time > start_time else day + dt.timedelta(days=1)
            end = dt.datetime.combine(end_day, end_time, tzinfo=OSLO)
            windows.append((start.astimezone(dt.UTC), end.astimezone(dt.UTC)))
        day += dt.timedelta(days=1)
    return windows
