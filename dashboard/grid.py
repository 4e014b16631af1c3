"""The day × area grid of the coverage dashboard: 14 day columns, one row per district, sector
or unit, each cell how covered that day is there, coloured by CSS class and linked to the list
where the coordinator can act on it.

The cells are written here as HTML rather than in the template: a unit grid has 40 × 15 cells,
and the template engine spent about 30 ms on them (a variable lookup costs ~15 µs); here they
cost about 1 ms. Every value in a cell is a number, a class name from this module, a date or a
URL built from ids, or escaped translated text; row labels are escaped by the template.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from django.urls import reverse
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from dashboard.selectors import AREAS, DISTRICT, SECTOR, UNIT, Counts, Coverage, Row


def by_choice(value: str | None, *, sees_all: bool) -> str:
    """The area the grid is grouped by: what was asked for if this user may choose it, else the
    default (districts for whoever sees every unit; a leader's grid is their own units)."""
    if not sees_all:
        return UNIT
    return value if value in AREAS else DISTRICT


@dataclass
class Day:
    day: dt.date
    weekday: str
    date: str
    is_weekend: bool


@dataclass
class GridRow:
    key: object
    label: str
    cells: SafeString
    counts: Counts
    url: str = ""


@dataclass
class Grid:
    by: str
    days: list[Day]
    rows: list[GridRow]
    footer: SafeString
    rows_total: int


def level(counts: Counts) -> str:
    """The cell's CSS class, from worst to best. The cell's text says the same in numbers, and
    a critical service's gap is also marked in words."""
    if not counts.requested:
        return "cov-none"
    if counts.critical_unfilled:
        return "cov-critical"
    if counts.unfilled * 2 >= counts.requested:
        return "cov-short"
    if counts.unfilled:
        return "cov-open"
    if counts.accepted + counts.ready < counts.requested:
        return "cov-pending"
    return "cov-full"


def link_base(by: str) -> str:
    """The coordinator's list of an area's needs: /matching/ filters by district and unit;
    sectors go to the needs overview, which filters by sector."""
    return reverse("needs:list") if by == SECTOR else reverse("matching:index")


def link(base: str, by: str, key: object, first: dt.date, last: dt.date) -> str:
    """`base` filtered to the area and to shifts in these days (see matching/filters.py)."""
    return f"{base}?{by}={quote(str(key))}&date_from={first.isoformat()}&date_to={last.isoformat()}"


class _Cells:
    """Writes cells; the translated words are looked up once per grid, not once per cell."""

    def __init__(self) -> None:
        self.critical = escape(gettext("critical service with unfilled slots"))

    def cell(self, counts: Counts | None, url: str | None, extra_class: str = "") -> str:
        if counts is None or not counts.requested:
            return f'<td class="cov cov-none{extra_class}">–</td>'
        text = (
            f'{counts.unfilled}/{counts.requested}<span class="cov-share">'
            f"{counts.filled_share}\u00a0%</span>"
        )
        if counts.critical_unfilled:
            text = (
                f'<span class="cov-mark" aria-hidden="true">!</span>'
                f'<span class="visually-hidden">{self.critical}: </span>{text}'
            )
        if url:
            text = f'<a href="{escape(url)}">{text}</a>'
        return f'<td class="cov {level(counts)}{extra_class}">{text}</td>'


def build(coverage: Coverage, by: str, *, links: bool) -> Grid:
    days = [row.key for row in coverage.days]
    first, last = coverage.first_day, coverage.last_day
    header = [
        Day(
            day=d,
            weekday=formats.date_format(d, "D"),
            date=formats.date_format(d, "SHORT_MONTH_DAY_FORMAT"),
            is_weekend=d.weekday() >= 5,
        )
        for d in days
    ]
    writer = _Cells()
    base = link_base(by) if links else ""
    rows: list[GridRow] = []
    area_rows: list[Row] = coverage.areas(by)
    for row in area_rows:
        parts = [
            writer.cell(row.per_day.get(d), link(base, by, row.key, d, d) if links else None)
            for d in days
        ]
        url = link(base, by, row.key, first, last) if links else ""
        parts.append(writer.cell(row.counts, url, " cov-sum"))
        rows.append(GridRow(row.key, row.label, mark_safe("".join(parts)), row.counts, url))
    footer = [writer.cell(row.counts, None) for row in coverage.days]
    footer.append(writer.cell(coverage.total, None, " cov-sum"))
    return Grid(
        by=by,
        days=header,
        rows=rows,
        footer=mark_safe("".join(footer)),
        rows_total=coverage.units_total if by == UNIT else len(area_rows),
    )
