"""Pure rules for help requests and tasks: no ORM here."""

import datetime as dt

# community.models.Frequency's values (this module stays free of the ORM)
STEP_DAYS = {"once": 0, "weekly": 7, "fortnightly": 14}
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


# Words in a request that suggest a need for care rather than practical help (Norwegian and
# English stems); the coordinator is shown a hint to consider referring it.
CARE_WORDS = (
    "stell",
    "dusj",
    "vask meg",
    "medisin",
    "insulin",
    "sår",
    "pleie",
    "sykepleie",
    "demens",
    "toalett",
    "bleie",
    "falt",
    "hjemmesykepleie",
    "wound",
    "shower",
    "medication",
    "nursing",
    "dementia",
    "toilet",
)


def signals_care_need(text: str) -> bool:
    lowered = (text or "").casefold()
    return any(word in lowered for word in CARE_WORDS)
