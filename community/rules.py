"""Pure rules for help requests and tasks: no ORM here."""

import datetime as dt

from community.models import Frequency

STEP_DAYS = {Frequency.ONCE: 0, Frequency.WEEKLY: 7, Frequency.FORTNIGHTLY: 14}
# A series is planned at most this far ahead; the coordinator makes a new one after it.
MAX_SERIES_DAYS = 26 * 7


def visit_dates(*, first_on: dt.date, last_on: dt.date, frequency: str) -> list[dt.date]:
    """The days of a one-off task (one) or of a series, from the first date to the last."""
    step = STEP_DAYS[frequency]
    if not step:
        return [first_on]
    days = []
    day = first_on
    while day <= last_on:
        days.append(day)
        day += dt.timedelta(days=step)
    return days
