"""Shift times without the ORM: expanding a recurring pattern and checking a set of shifts.

Leaders think in wall-clock time in Europe/Oslo; the database stores UTC. A shift "22:00–07:00"
ends the next day, and across a daylight-saving change the wall-clock times stay as entered, so
the shift is an hour shorter or longer. Durations are always computed in UTC, never by
subtracting two Oslo wall-clock times.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.dates import SHIFT_DATES

OSLO = ZoneInfo("Europe/Oslo")
UTC = dt.UTC

# A pattern longer than this is almost certainly a typo in a date (2062 for 2026).
MAX_PATTERN_DAYS = 120


@dataclass(frozen=True)
class ShiftSpec:
    """One shift as entered: aware start and end (UTC) and a headcount."""

    start: dt.datetime
    end: dt.datetime
    headcount: int = 1

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


def local_span(
    day: dt.date, start_time: dt.time, end_time: dt.time, tz: ZoneInfo = OSLO
) -> tuple[dt.datetime, dt.datetime]:
    """Aware UTC start and end of a shift given as wall-clock times on `day`.

    An end at or before the start means the shift runs past midnight into the next day.
    A wall-clock time the clocks skip (02:30 on the night they go forward) is refused with a
    ValidationError; one they pass twice (02:30 on the night they go back) is read as the
    first of the two, in summer time, and `check_shifts` warns about it.
    """
    try:
        end_day = day if end_time > start_time else day + dt.timedelta(days=1)
        return _to_utc(day, start_time, tz), _to_utc(end_day, end_time, tz)
    except OverflowError:
        raise ValidationError(
            _("%(date)s is outside the dates a shift can have.") % {"date": day.isoformat()},
            code="date_range",
        ) from None


def _to_utc(day: dt.date, time: dt.time, tz: ZoneInfo) -> dt.datetime:
    naive = dt.datetime.combine(day, time.replace(tzinfo=None, fold=0))
    utc = naive.replace(tzinfo=tz).astimezone(UTC)
    if utc.astimezone(tz).replace(tzinfo=None) != naive:
        raise ValidationError(
            _(
                "%(date)s %(time)s does not exist: the clocks go forward one hour that night. "
                "Choose a time before or after the skipped hour."
            )
            % {"date": date_format(day, "SHORT_DATE_FORMAT"), "time": f"{time:%H:%M}"},
            code="nonexistent_time",
        )
    return utc


def is_ambiguous(moment: dt.datetime, tz: ZoneInfo = OSLO) -> bool:
    """True when the wall-clock time of `moment` happens twice (the clocks go back)."""
    local = moment.astimezone(tz)
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def expand_pattern(
    *,
    first_day: dt.date,
    last_day: dt.date,
    weekdays: Iterable[int],
    start_time: dt.time,
    end_time: dt.time,
    headcount: int = 1,
    tz: ZoneInfo = OSLO,
) -> list[ShiftSpec]:
    """Shifts on every chosen weekday (0 = Monday) from first_day to last_day inclusive.

    A shift belongs to the day it starts on, so a night shift on Friday ends on Saturday.
    """
    days = set(weekdays)
    shifts = []
    day = first_day
    while day <= last_day:
        if day.weekday() in days:
            start, end = local_span(day, start_time, end_time, tz)
            shifts.append(ShiftSpec(start=start, end=end, headcount=headcount))
        if day == dt.date.max:
            break
        day += dt.timedelta(days=1)
    return shifts


@dataclass
class ShiftCheck:
    """Problems found per shift index: errors refuse the save, warnings are shown."""

    errors: dict[int, list[str]] = field(default_factory=dict)
    warnings: dict[int, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, index: int, message: str) -> None:
        self.errors.setdefault(index, []).append(message)

    def warn(self, index: int, message: str) -> None:
        self.warnings.setdefault(index, []).append(message)

    def all_errors(self) -> list[str]:
        return [m for index in sorted(self.errors) for m in self.errors[index]]

    def all_warnings(self) -> list[str]:
        return [m for index in sorted(self.warnings) for m in self.warnings[index]]


def describe(shift: ShiftSpec, tz: ZoneInfo = OSLO) -> str:
    start = shift.start.astimezone(tz)
    end = shift.end.astimezone(tz)
    return f"{date_format(start, 'SHORT_DATE_FORMAT')} {start:%H:%M}–{end:%H:%M}"


def check_shifts(
    shifts: Sequence[ShiftSpec],
    *,
    now: dt.datetime,
    max_hours: float,
    warn_hours: float,
    past_allowed: Iterable[int] = (),
) -> ShiftCheck:
    """Validate a need's shifts: end after start, not in the past, headcount at least 1, not
    longer than the legal maximum (warned above `warn_hours`), no duplicates.

    `past_allowed` lists indexes of shifts that were saved earlier and not changed; they may
    have started already without that being an error.
    """
    check = ShiftCheck()
    allowed_past = set(past_allowed)
    latest = SHIFT_DATES.bounds(now.astimezone(OSLO).date())[1]
    seen: dict[tuple[dt.datetime, dt.datetime], int] = {}
    for index, shift in enumerate(shifts):
        label = describe(shift)
        if shift.headcount is None or shift.headcount < 1:
            check.error(index, _("%(shift)s: the headcount must be at least 1.") % {"shift": label})
        if shift.end <= shift.start:
            check.error(
                index, _("%(shift)s: the shift must end after it starts.") % {"shift": label}
            )
            continue
        if shift.start < now and index not in allowed_past:
            check.error(index, _("%(shift)s: the shift starts in the past.") % {"shift": label})
        if shift.start.astimezone(OSLO).date() > latest:
            check.error(
                index,
                _("%(shift)s: a shift can be at most %(years)s years ahead.")
                % {"shift": label, "years": SHIFT_DATES.years_ahead},
            )
        for moment in (shift.start, shift.end):
            if is_ambiguous(moment):
                check.warn(
                    index,
                    _(
                        "%(shift)s: the clocks go back one hour that night, so %(time)s comes "
                        "twice. Dugnad reads it as the first time (summer time); check the times."
                    )
                    % {"shift": label, "time": f"{moment.astimezone(OSLO):%H:%M}"},
                )
                break
        hours = shift.hours
        if hours > max_hours:
            check.error(
                index,
                _(
                    "%(shift)s: the shift is %(hours)s hours long; the legal maximum is "
                    "%(max)s hours in 24 hours."
                )
                % {"shift": label, "hours": _hours(hours), "max": _hours(max_hours)},
            )
        elif hours > warn_hours:
            check.warn(
                index,
                _("%(shift)s: a long shift (%(hours)s hours). Please check the times.")
                % {"shift": label, "hours": _hours(hours)},
            )
        key = (shift.start, shift.end)
        if key in seen:
            check.error(index, _("%(shift)s: the same shift is entered twice.") % {"shift": label})
        else:
            seen[key] = index
    return check


def _hours(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"
