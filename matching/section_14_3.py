"""The § 14-3 record as a report (arbeidsmiljøloven § 14-3: part-time staff who want more hours
are offered extra shifts before agency temps or new temporary hires).

Per unit and period (the shifts' start, Europe/Oslo): the shifts offered to part-timers who
want more hours and how many they took, next to the shifts given to agency temps and to new
temporary hires (volunteers on a temporary contract). Offers are counted by the group the person
was in when asked (Offer.tier); placements by the person's source. Three queries whatever the
period: units, offers, placement shifts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.translation import gettext as _

from core.spreadsheets import csv_stream, in_language
from matching.models import Offer
from placements.models import PlacementShift
from staffing.models import Unit, WorkerSource

OSLO = ZoneInfo("Europe/Oslo")


@dataclass
class Row:
    unit_id: int
    unit: str
    offered_more_hours: int = 0
    offered_more_hours_hours: float = 0.0
    taken_more_hours: int = 0
    taken_more_hours_hours: float = 0.0
    declined_more_hours: int = 0
    agency: int = 0
    agency_hours: float = 0.0
    new_hires: int = 0
    new_hires_hours: float = 0.0

    @property
    def agency_before_part_timers(self) -> bool:
        """Agency or new hires used in the period while no part-timer who wants more hours
        was asked: the case § 14-3 is about."""
        return (self.agency or self.new_hires) > 0 and self.offered_more_hours == 0


def _units_under(unit: Unit | None) -> list[int] | None:
    if unit is None:
        return None
    children: dict[int | None, list[int]] = {}
    for pk, parent in Unit.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    out, stack = [], [unit.pk]
    while stack:
        pk = stack.pop()
        out.append(pk)
        stack.extend(children.get(pk, ()))
    return out


def _hours(start: dt.datetime, end: dt.datetime) -> float:
    return (end - start).total_seconds() / 3600


def section_14_3_report(
    *, date_from: dt.date, date_to: dt.date, unit: Unit | None = None
) -> list[Row]:
    start = dt.datetime.combine(date_from, dt.time(0, 0), OSLO)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(0, 0), OSLO)
    units = _units_under(unit)
    offers = Offer.objects.filter(
        tier=Offer.Tier.MORE_HOURS, shift__start__gte=start, shift__start__lt=end
    )
    placed = PlacementShift.objects.filter(
        is_active=True,
        start__gte=start,
        start__lt=end,
        worker__source__in=[WorkerSource.AGENCY, WorkerSource.VOLUNTEER],
    )
    if units is not None:
        offers = offers.filter(shift__need__unit_id__in=units)
        placed = placed.filter(placement__unit_id__in=units)
    rows: dict[int, Row] = {}

    def row(unit_id: int, name: str) -> Row:
        if unit_id not in rows:
            rows[unit_id] = Row(unit_id=unit_id, unit=name)
        return rows[unit_id]

    for unit_id, name, status, s, e in offers.values_list(
        "shift__need__unit_id", "shift__need__unit__name", "status", "shift__start", "shift__end"
    ):
        r = row(unit_id, name)
        r.offered_more_hours += 1
        r.offered_more_hours_hours += _hours(s, e)
        if status == Offer.Status.ACCEPTED:
            r.taken_more_hours += 1
            r.taken_more_hours_hours += _hours(s, e)
        elif status in (Offer.Status.DECLINED, Offer.Status.EXPIRED):
            r.declined_more_hours += 1
    for unit_id, name, source, s, e in placed.values_list(
        "placement__unit_id", "placement__unit__name", "worker__source", "start", "end"
    ):
        r = row(unit_id, name)
        if source == WorkerSource.AGENCY:
            r.agency += 1
            r.agency_hours += _hours(s, e)
        else:
            r.new_hires += 1
            r.new_hires_hours += _hours(s, e)
    return sorted(rows.values(), key=lambda r: (r.unit.lower(), r.unit_id))


def section_14_3_total(rows: list[Row]) -> Row:
    total = Row(unit_id=0, unit=_("All units"))
    for r in rows:
        for name in (
            "offered_more_hours",
            "offered_more_hours_hours",
            "taken_more_hours",
            "taken_more_hours_hours",
            "declined_more_hours",
            "agency",
            "agency_hours",
            "new_hires",
            "new_hires_hours",
        ):
            setattr(total, name, getattr(total, name) + getattr(r, name))
    return total


def section_14_3_csv(rows: list[Row]) -> Iterator[str]:
    """The report as CSV (semicolon-separated, as Norwegian spreadsheets expect; cells that
    look like formulas defused), in the language active when it is called: a streamed body is
    written after the view returned."""
    return in_language(translation.get_language(), csv_stream(_csv_rows(rows)))


def _csv_rows(rows: list[Row]) -> Iterator[list[object]]:
    yield [
        _("Unit"),
        _("Shifts offered to part-timers who want more hours"),
        _("Hours offered"),
        _("Shifts taken by them"),
        _("Hours taken"),
        _("Declined or unanswered"),
        _("Shifts given to agency temps"),
        _("Agency hours"),
        _("Shifts given to new temporary hires"),
        _("New hires' hours"),
    ]
    for r in [*rows, section_14_3_total(rows)]:
        yield [
            r.unit,
            r.offered_more_hours,
            f"{r.offered_more_hours_hours:.1f}",
            r.taken_more_hours,
            f"{r.taken_more_hours_hours:.1f}",
            r.declined_more_hours,
            r.agency,
            f"{r.agency_hours:.1f}",
            r.new_hires,
            f"{r.new_hires_hours:.1f}",
        ]
