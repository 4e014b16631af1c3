"""Sensible ranges for dates people type, and dates written in the reader's language.

A date field left unbounded accepts 0001-01-01 and 9999-12-31; one day further (a night shift
ending the next day, a certificate's age in months, a conversion to UTC) leaves the calendar and
the page fails. Each kind of date gets a range around today, checked by the form field (so the
person sees the message next to the field) and again by the service (so a task, a command or a
test cannot store one either).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import dateformat, formats, timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def format_local(value: dt.date | dt.datetime | None, name: str = "DATE_FORMAT") -> str:
    """`value` written with the named format `name` of the active language, as the template
    filter `{{ value|date:"WEEKDAY_DATE_FORMAT" }}` writes it: "tirsdag 1. desember 2026" in
    Bokmål, "Tuesday 1 December 2026" in English (config/formats/<lang>/formats.py). An aware
    datetime is shown in local time (Europe/Oslo); None is "". Raise KeyError for a name the
    language does not define, so a typo is not printed as a pattern letter by letter."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    # the pattern and the names of days and months from the same language, the default one
    # where none is active (translation.override(None))
    with translation.override(translation.get_language() or settings.LANGUAGE_CODE):
        pattern = formats.get_format(name)
        if pattern == name:
            raise KeyError(f"no date format named {name!r}")
        return dateformat.format(value, pattern)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (earlier if negative); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class DateRange:
    """Dates from `years_back` years before today to `years_ahead` years after it (inclusive).
    0 means today is the limit on that side."""

    years_back: int
    years_ahead: int

    def bounds(self, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
        today = today or timezone.localdate()
        return add_years(today, -self.years_back), add_years(today, self.years_ahead)

    def error(self, value: dt.date, today: dt.date | None = None) -> str | None:
        earliest, latest = self.bounds(today)
        if value < earliest:
            if self.years_back == 0:
                return _("The date cannot be in the past.")
            return _("Enter a date on or after %(date)s.") % {
                "date": date_format(earliest, "SHORT_DATE_FORMAT")
            }
        if value > latest:
            if self.years_ahead == 0:
                return _("The date cannot be in the future.")
            return _("Enter a date on or before %(date)s.") % {
                "date": date_format(latest, "SHORT_DATE_FORMAT")
            }
        return None

    def check(self, value: dt.date | None, *, field: str | None = None) -> None:
        """Raise ValidationError (on `field` if given) when `value` is outside the range."""
        if value is None:
            return
        message = self.error(value)
        if message:
            raise ValidationError({field: message} if field else message, code="date_range")


# Shifts and patterns of a need: a past shift may be shown and kept, never a far one.
SHIFT_DATES = DateRange(years_back=2, years_ahead=3)
# When a volunteer can help (a new start date must not be in the past: the form says so; an
# old one may stay on an update).
AVAILABILITY_DATES = DateRange(years_back=10, years_ahead=5)
# A coordinator's reminder to follow someone up.
FOLLOW_UP_DATES = DateRange(years_back=1, years_ahead=2)
# A volunteer's first meeting, course, first assignment, follow-up call.
MILESTONE_DATES = DateRange(years_back=5, years_ahead=1)
# When a police certificate was issued and presented (it must be recent to count at all).
CERTIFICATE_DATES = DateRange(years_back=5, years_ahead=0)
# Contract start, end and signature; system access ordered and granted.
CONTRACT_DATES = DateRange(years_back=5, years_ahead=5)
ACCESS_DATES = DateRange(years_back=5, years_ahead=1)
# Dates in filters only narrow a list; they still must stay on the calendar.
FILTER_DATES = DateRange(years_back=100, years_ahead=100)
