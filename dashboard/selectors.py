"""The coverage dashboard's reads: how well the next days are covered, per day and area.

A fixed handful of flat queries whatever the data: the window's shifts (one table, by the start
index), their needs, their units, and the open proposals, pending offers and active placement
shifts of exactly those shifts (by primary key). Everything else (per day, unit, district and
sector; at risk; the mix of sources; agency hours and cost) is summed in Python from these rows:
at scale 10 that is about 900 shifts, and joins or `IN (subquery)` here made PostgreSQL pick
nested loops over the needs table whenever its statistics were stale.

A slot's state is the furthest it has come: ready (an active placement shift whose placement
is ready), accepted (an active placement shift, checklist not yet cleared), offered (an offer
waiting for an answer), proposed (an open proposal), else unfilled. A shift's slots are counted
in that order up to its headcount, so a shift with more proposals than slots cannot hide
another shift's gap, and the states of a day always add up to what was requested.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import can_see_all_units
from matching.models import Offer, Proposal
from needs.models import Need, Priority, Shift
from placements.models import Placement, PlacementShift
from staffing.models import AgreementRate, Sector, Unit, WorkerSource
from staffing.selectors import units_visible_to

OSLO = ZoneInfo("Europe/Oslo")
DAYS = 14
STATES = ("ready", "accepted", "offered", "proposed", "unfilled")
STATE_LABELS = {
    "requested": _("Requested"),
    "ready": _("Ready"),
    "accepted": _("Accepted"),
    "offered": _("Offered"),
    "proposed": _("Proposed"),
    "unfilled": _("Unfilled"),
}
# The states of needs whose shifts count: what was asked for and not withdrawn.
COUNTED_NEEDS = (Need.State.SUBMITTED, Need.State.CLOSED)
AT_RISK_ROWS = 25
UNIT_ROWS = 40
DISTRICT, SECTOR, UNIT = "district", "sector", "unit"
AREAS = (DISTRICT, SECTOR, UNIT)


@dataclass
class Counts:
    requested: int = 0
    proposed: int = 0
    offered: int = 0
    accepted: int = 0
    ready: int = 0
    unfilled: int = 0
    # Unfilled slots of critical services (a critical unit or a need of critical priority).
    critical_unfilled: int = 0

    @property
    def filled_share(self) -> int | None:
        """Accepted or ready, in per cent of the requested slots."""
        if not self.requested:
            return None
        return round(100 * min(self.accepted + self.ready, self.requested) / self.requested)

    def add(self, other: Counts) -> None:
        self.requested += other.requested
        self.proposed += other.proposed
        self.offered += other.offered
        self.accepted += other.accepted
        self.ready += other.ready
        self.unfilled += other.unfilled
        self.critical_unfilled += other.critical_unfilled

    def as_states(self) -> dict[str, int]:
        return {state: getattr(self, state) for state in STATES}


@dataclass
class Row:
    """A day, district, sector or unit: its counts over the window, and per day (areas only)."""

    key: object
    label: str
    counts: Counts = field(default_factory=Counts)
    extra: dict = field(default_factory=dict)
    per_day: dict[dt.date, Counts] = field(default_factory=dict)

    def add(self, day: dt.date, counts: Counts) -> None:
        self.counts.add(counts)
        cell = self.per_day.get(day)
        if cell is None:
            cell = self.per_day[day] = Counts()
        cell.add(counts)


@dataclass
class SourceMix:
    key: str
    label: str
    slots: int = 0
    hours: float = 0.0


@dataclass
class AtRisk:
    unit_id: int
    unit_name: str
    need_id: int
    need_title: str
    is_critical_unit: bool
    priority: int
    first_start: dt.datetime
    within_24h: int = 0
    within_72h: int = 0


@dataclass
class Coverage:
    first_day: dt.date
    last_day: dt.date
    days: list[Row]
    districts: list[Row]
    sectors: list[Row]
    units: list[Row]
    units_total: int
    total: Counts
    at_risk: list[AtRisk]
    at_risk_total: int
    sources: list[SourceMix]
    agency_hours: float
    agency_cost: float
    agency_hours_unpriced: float
    section_14_3_share: int | None
    section_14_3_hours: float
    extra_hours: float

    def areas(self, by: str) -> list[Row]:
        """The rows of the day × area grid: districts, sectors, or the worst units."""
        return {DISTRICT: self.districts, SECTOR: self.sectors}.get(by, self.units)


@dataclass
class _Shift:
    pk: int
    start: dt.datetime
    headcount: int
    need_id: int
    day: dt.date
    proposed: int = 0
    offered: int = 0
    accepted: int = 0
    ready: int = 0


@dataclass
class _Placed:
    shift_id: int
    start: dt.datetime
    end: dt.datetime
    source: str
    agency_id: int | None
    wants_more: bool | None
    percent: int | None

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


def window(today: dt.date | None = None, days: int = DAYS) -> tuple[dt.datetime, dt.datetime]:
    today = today or timezone.localdate()
    start = dt.datetime.combine(today, dt.time(0), tzinfo=OSLO)
    return start, dt.datetime.combine(today + dt.timedelta(days=days), dt.time(0), tzinfo=OSLO)


def coverage_for(user, *, now: dt.datetime | None = None, days: int = DAYS) -> Coverage:
    """The coverage of the next `days` days (today first) of the units `user` may see."""
    now = now or timezone.now()
    today = timezone.localtime(now, OSLO).date()
    start, end = window(today, days)

    window_q = {"start__gte": start, "start__lt": end}
    day_of = _day_finder(today, days)
    shifts = {
        pk: _Shift(pk, s, headcount, need_id, day_of(s))
        for pk, s, headcount, need_id in Shift.objects.active()
        .filter(**window_q)
        .order_by()
        .values_list("pk", "start", "headcount", "need_id")
    }
    needs_qs = Need.objects.filter(
        pk__in={s.need_id for s in shifts.values()}, state__in=COUNTED_NEEDS
    )
    sees_all = can_see_all_units(user)
    if not sees_all:
        needs_qs = needs_qs.filter(unit__in=units_visible_to(user))
    needs = {
        row[0]: row
        for row in needs_qs.order_by().values_list(
            "pk", "unit_id", "title", "priority", "qualification_id"
        )
    }
    shifts = {pk: s for pk, s in shifts.items() if s.need_id in needs}
    units = {
        row[0]: row
        for row in Unit.objects.filter(pk__in={n[1] for n in needs.values()})
        .order_by()
        .values_list("pk", "name", "district_id", "district__name", "sector", "is_critical")
    }

    # The rows below are found by the window on their shift (one join on its key), not by a
    # list of the shifts' ids: a list of ~900 parameters cost more to build and send than the
    # query itself. Rows of shifts not counted above (withdrawn needs, other units) are dropped.
    on_shift = {f"shift__{k}": v for k, v in window_q.items()} | {"shift__cancelled_at": None}
    if not sees_all:
        # A leader's few needs: a short list that spares reading every unit's rows.
        on_shift["shift__need_id__in"] = list(needs)
    for shift_id, n in _per_shift(
        Proposal.objects.filter(status=Proposal.Status.PROPOSED, **on_shift)
    ):
        if shift_id in shifts:
            shifts[shift_id].proposed = n
    for shift_id, n in _per_shift(Offer.objects.pending().filter(**on_shift)):
        if shift_id in shifts:
            shifts[shift_id].offered = n
    placement_shifts = [
        row
        for row in PlacementShift.objects.filter(is_active=True, **on_shift)
        .order_by()
        .values_list("shift_id", "start", "end", "placement_id")
        if row[0] in shifts
    ]
    # By primary key, not joined above: the join drove PostgreSQL to hash all workers.
    placements = {
        row[0]: row
        for row in Placement.objects.filter(pk__in={p[3] for p in placement_shifts})
        .order_by()
        .values_list(
            "pk",
            "ready_at",
            "worker__source",
            "worker__agency_id",
            "worker__employee__wants_more_hours",
            "worker__employee__position_percent",
        )
    }
    placed: list[_Placed] = []
    for shift_id, s, e, placement_id in placement_shifts:
        _pk, ready_at, source, agency_id, wants_more, percent = placements[placement_id]
        if ready_at is None:
            shifts[shift_id].accepted += 1
        else:
            shifts[shift_id].ready += 1
        placed.append(_Placed(shift_id, s, e, source, agency_id, wants_more, percent))

    # Per day and unit: requested, proposed, offered, accepted, ready, unfilled, critical
    # unfilled (plain lists: this loop runs once per shift).
    sums: dict[tuple[dt.date, int], list[int]] = {}
    for shift in shifts.values():
        _need_id, unit_id, _title, priority, _qualification = needs[shift.need_id]
        slots = _slots(shift)
        slots.append(slots[5] if units[unit_id][5] or priority == Priority.CRITICAL else 0)
        cell = sums.get((shift.day, unit_id))
        if cell is None:
            sums[(shift.day, unit_id)] = slots
        else:
            for i, n in enumerate(slots):
                cell[i] += n
    cells = {key: Counts(*values) for key, values in sums.items()}

    by_day, by_district, by_sector, by_unit, total = _areas(cells, units, today, days)
    unit_rows = sorted(by_unit.values(), key=_worst_first)
    at_risk, at_risk_total = _at_risk(shifts, needs, units, now)
    sources, part_time_hours, extra = _source_mix(placed)
    agency_hours, agency_cost, unpriced = _agency(placed, shifts, needs)
    return Coverage(
        first_day=today,
        last_day=today + dt.timedelta(days=days - 1),
        days=list(by_day.values()),
        districts=sorted(by_district.values(), key=lambda r: r.label),
        sectors=sorted(by_sector.values(), key=lambda r: r.label),
        units=unit_rows[:UNIT_ROWS],
        units_total=len(unit_rows),
        total=total,
        at_risk=at_risk,
        at_risk_total=at_risk_total,
        sources=sources,
        agency_hours=agency_hours,
        agency_cost=agency_cost,
        agency_hours_unpriced=unpriced,
        section_14_3_share=(round(100 * part_time_hours / extra) if extra else None),
        section_14_3_hours=part_time_hours,
        extra_hours=extra,
    )


def _areas(cells: dict[tuple[dt.date, int], Counts], units: dict, today: dt.date, days: int):
    """The cells summed per day, district, sector and unit (a unit's cell is its day)."""
    sector_names = dict(Sector.choices)
    by_day = {d: Row(d, "") for d in (today + dt.timedelta(days=i) for i in range(days))}
    by_district: dict[int, Row] = {}
    by_sector: dict[str, Row] = {}
    by_unit: dict[int, Row] = {}
    total = Counts()
    for (day, unit_id), counts in cells.items():
        unit_id, name, district_id, district_name, sector, critical = units[unit_id]
        if day in by_day:
            by_day[day].counts.add(counts)
        district = by_district.get(district_id)
        if district is None:
            district = by_district[district_id] = Row(district_id, district_name)
        district.add(day, counts)
        area = by_sector.get(sector)
        if area is None:
            area = by_sector[sector] = Row(sector, str(sector_names.get(sector, sector)))
        area.add(day, counts)
        row = by_unit.get(unit_id)
        if row is None:
            row = by_unit[unit_id] = Row(
                unit_id,
                name,
                extra={
                    "district_id": district_id,
                    "district__name": district_name,
                    "sector": sector,
                    "is_critical": critical,
                },
            )
        row.counts.add(counts)
        row.per_day[day] = counts
        total.add(counts)
    return by_day, by_district, by_sector, by_unit, total


def _worst_first(row: Row):
    return (-row.counts.critical_unfilled, -row.counts.unfilled, -row.counts.requested, row.label)


def _day_finder(today: dt.date, days: int):
    """The Oslo day of an instant inside the window, by the window's midnights as timestamps
    (a time zone conversion per shift cost more than all the counting)."""
    dates = [today + dt.timedelta(days=i) for i in range(days)]
    midnights = [dt.datetime.combine(d, dt.time(0), tzinfo=OSLO).timestamp() for d in dates]

    def day_of(instant: dt.datetime) -> dt.date:
        return dates[bisect_right(midnights, instant.timestamp()) - 1]

    return day_of


def _per_shift(queryset: QuerySet) -> list[tuple[int, int]]:
    return list(
        queryset.order_by().values("shift_id").annotate(n=Count("pk")).values_list("shift_id", "n")
    )


def _slots(shift: _Shift) -> list[int]:
    """The shift's slots by the furthest state each has reached, up to its headcount:
    requested, proposed, offered, accepted, ready, unfilled."""
    left = shift.headcount
    ready = min(shift.ready, left)
    left -= ready
    accepted = min(shift.accepted, left)
    left -= accepted
    offered = min(shift.offered, left)
    left -= offered
    proposed = min(shift.proposed, left)
    return [shift.headcount, proposed, offered, accepted, ready, left - proposed]


def _at_risk(shifts: dict, needs: dict, units: dict, now: dt.datetime) -> tuple[list[AtRisk], int]:
    """Shifts of critical services (a critical unit or a need of critical priority) starting
    in the next 72 hours with slots nobody has accepted yet, by need, the earliest first."""
    soon, later = now + dt.timedelta(hours=24), now + dt.timedelta(hours=72)
    by_need: dict[int, AtRisk] = {}
    for shift in sorted(shifts.values(), key=lambda s: (s.start, s.pk)):
        if not now <= shift.start < later:
            continue
        need_id, unit_id, title, priority, _qualification = needs[shift.need_id]
        _unit_id, unit_name, _district, _district_name, _sector, critical = units[unit_id]
        if not critical and priority != Priority.CRITICAL:
            continue
        missing = max(shift.headcount - shift.accepted - shift.ready, 0)
        if not missing:
            continue
        item = by_need.get(need_id)
        if item is None:
            item = by_need[need_id] = AtRisk(
                unit_id=unit_id,
                unit_name=unit_name,
                need_id=need_id,
                need_title=title,
                is_critical_unit=critical,
                priority=priority,
                first_start=shift.start,
            )
        item.within_72h += missing
        if shift.start < soon:
            item.within_24h += missing
    ordered = sorted(by_need.values(), key=lambda a: (-a.within_24h, a.first_start, a.need_id))
    return ordered[:AT_RISK_ROWS], len(ordered)


SOURCE_LABELS = {
    "part_time": _("Part-time staff who want more hours"),
    WorkerSource.EMPLOYEE.value: _("Internal staff (redeployed)"),
    WorkerSource.VOLUNTEER.value: _("Volunteers on a temporary contract"),
    WorkerSource.AGENCY.value: _("Agency temps"),
}


def _source_mix(placed: list[_Placed]) -> tuple[list[SourceMix], float, float]:
    """Accepted and ready slots by where the person comes from. Part-time employees who
    asked for more hours are their own group: arbeidsmiljøloven § 14-3 wants them asked first,
    so their share of the extra hours (theirs, agency temps' and volunteers') is shown."""
    mix = {key: SourceMix(key, str(label)) for key, label in SOURCE_LABELS.items()}
    for p in placed:
        key = p.source
        if p.source == WorkerSource.EMPLOYEE and p.wants_more and (p.percent or 100) < 100:
            key = "part_time"
        entry = mix.get(key)
        if entry is None:
            entry = mix[key] = SourceMix(key, key)
        entry.slots += 1
        entry.hours += p.hours
    extra = sum(
        mix[k].hours
        for k in ("part_time", WorkerSource.VOLUNTEER.value, WorkerSource.AGENCY.value)
        if k in mix
    )
    return list(mix.values()), mix["part_time"].hours, extra


def _agency(placed: list[_Placed], shifts: dict, needs: dict) -> tuple[float, float, float]:
    """Agency hours of accepted and ready slots and what they cost: each agency's lowest
    hourly rate valid on the day for the need's qualification (the rate matching priced).
    Hours with no such rate are counted apart, not guessed."""
    rows = [
        (
            p.start.astimezone(OSLO).date(),
            p.agency_id,
            needs[shifts[p.shift_id].need_id][4],
            p.hours,
        )
        for p in placed
        if p.source == WorkerSource.AGENCY
    ]
    if not rows:
        return 0.0, 0.0, 0.0
    rates: dict[tuple[int, int], list[tuple[dt.date, dt.date, float]]] = defaultdict(list)
    for agency_id, qual_id, valid_from, valid_to, rate in AgreementRate.objects.filter(
        agreement__agency_id__in={r[1] for r in rows}
    ).values_list(
        "agreement__agency_id",
        "qualification_id",
        "agreement__valid_from",
        "agreement__valid_to",
        "hourly_rate",
    ):
        rates[(agency_id, qual_id)].append((valid_from, valid_to, float(rate)))
    hours_total = cost = unpriced = 0.0
    for day, agency_id, qual_id, h in rows:
        hours_total += h
        valid = [r for f, t, r in rates.get((agency_id, qual_id), ()) if f <= day <= t]
        if valid:
            cost += h * min(valid)
        else:
            unpriced += h
    return hours_total, cost, unpriced
