"""The coverage dashboard's reads: how well the next days are covered, in a few grouped
queries whose number does not grow with the data (every count is aggregated in the database,
per day and unit; districts and sectors are sums of their units in Python).

A slot's state is the furthest it has come: ready (an active placement shift whose placement
is ready), accepted (an active placement shift, checklist not yet cleared), offered (an offer
waiting for an answer), proposed (an open proposal), else unfilled.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import can_see_all_units
from matching.models import Offer, Proposal
from needs.models import Need, Priority, Shift
from placements.models import PlacementShift
from staffing.models import AgreementRate, District, Sector, Unit, WorkerSource
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


@dataclass
class Counts:
    requested: int = 0
    proposed: int = 0
    offered: int = 0
    accepted: int = 0
    ready: int = 0

    @property
    def unfilled(self) -> int:
        return max(self.requested - self.proposed - self.offered - self.accepted - self.ready, 0)

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

    def as_states(self) -> dict[str, int]:
        return {state: getattr(self, state) for state in STATES}


@dataclass
class Row:
    key: object
    label: str
    counts: Counts = field(default_factory=Counts)
    extra: dict = field(default_factory=dict)


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


def _day(field_name: str) -> TruncDate:
    return TruncDate(field_name, tzinfo=OSLO)


def _duration(start: str, end: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def _hours(value) -> float:
    if value is None:
        return 0.0
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 3600
    return float(value) / 3_600_000_000  # microseconds (some backends)


def window(today: dt.date | None = None, days: int = DAYS) -> tuple[dt.datetime, dt.datetime]:
    today = today or timezone.localdate()
    start = dt.datetime.combine(today, dt.time(0), tzinfo=OSLO)
    return start, dt.datetime.combine(today + dt.timedelta(days=days), dt.time(0), tzinfo=OSLO)


def coverage_for(user, *, now: dt.datetime | None = None, days: int = DAYS) -> Coverage:
    """The coverage of the next `days` days (today first) of the units `user` may see."""
    now = now or timezone.now()
    today = timezone.localtime(now, OSLO).date()
    start, end = window(today, days)
    shifts = Shift.objects.active().filter(
        need__state__in=COUNTED_NEEDS, start__gte=start, start__lt=end
    )
    if not can_see_all_units(user):
        shifts = shifts.filter(need__unit__in=units_visible_to(user))

    cells: dict[tuple[dt.date, int], Counts] = defaultdict(Counts)
    for day, unit_id, n in (
        shifts.order_by()
        .annotate(day=_day("start"))
        .values("day", "need__unit_id")
        .annotate(n=Sum("headcount"))
        .values_list("day", "need__unit_id", "n")
    ):
        cells[(day, unit_id)].requested += n or 0
    for day, unit_id, n in _grouped(
        Proposal.objects.filter(status=Proposal.Status.PROPOSED, shift__in=shifts)
    ):
        cells[(day, unit_id)].proposed += n
    for day, unit_id, n in _grouped(Offer.objects.pending().filter(shift__in=shifts)):
        cells[(day, unit_id)].offered += n
    placed = PlacementShift.objects.filter(is_active=True, shift__in=shifts)
    for day, unit_id, n in _grouped(placed.filter(placement__ready_at__isnull=True)):
        cells[(day, unit_id)].accepted += n
    for day, unit_id, n in _grouped(placed.filter(placement__ready_at__isnull=False)):
        cells[(day, unit_id)].ready += n

    unit_info = {
        u["pk"]: u
        for u in Unit.objects.filter(pk__in={unit_id for _day, unit_id in cells}).values(
            "pk", "name", "district_id", "district__name", "sector"
        )
    }
    sector_names = dict(Sector.choices)
    by_day: dict[dt.date, Row] = {}
    for i in range(days):
        d = today + dt.timedelta(days=i)
        by_day[d] = Row(d, "")
    by_district: dict[int, Row] = {}
    by_sector: dict[str, Row] = {}
    by_unit: dict[int, Row] = {}
    total = Counts()
    for (day, unit_id), counts in cells.items():
        info = unit_info[unit_id]
        if day in by_day:
            by_day[day].counts.add(counts)
        by_district.setdefault(
            info["district_id"], Row(info["district_id"], info["district__name"])
        ).counts.add(counts)
        by_sector.setdefault(
            info["sector"], Row(info["sector"], str(sector_names.get(info["sector"], "")))
        ).counts.add(counts)
        by_unit.setdefault(unit_id, Row(unit_id, info["name"], extra=info)).counts.add(counts)
        total.add(counts)

    def worst_first(row: Row):
        return (-row.counts.unfilled, -row.counts.requested, row.label)

    unit_rows = sorted(by_unit.values(), key=worst_first)
    at_risk, at_risk_total = _at_risk(shifts, now)
    sources, section_14_3 = _source_mix(placed)
    agency_hours, agency_cost, unpriced = _agency(placed)
    extra = section_14_3["extra"]
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
        section_14_3_share=(round(100 * section_14_3["part_time"] / extra) if extra else None),
        section_14_3_hours=section_14_3["part_time"],
        extra_hours=extra,
    )


def _grouped(queryset: QuerySet) -> list[tuple[dt.date, int, int]]:
    return list(
        queryset.order_by()
        .annotate(day=_day("shift__start"))
        .values("day", "shift__need__unit_id")
        .annotate(n=Count("pk"))
        .values_list("day", "shift__need__unit_id", "n")
    )


def _at_risk(shifts: QuerySet, now: dt.datetime) -> tuple[list[AtRisk], int]:
    """Shifts of critical services (a critical unit or a need of critical priority) starting
    in the next 72 hours with slots nobody has accepted yet, by need, the earliest first."""
    soon = shifts.filter(start__gte=now, start__lt=now + dt.timedelta(hours=72)).filter(
        Q(need__unit__is_critical=True) | Q(need__priority=Priority.CRITICAL)
    )
    rows = list(
        soon.order_by("start", "pk").values_list(
            "pk",
            "start",
            "headcount",
            "need_id",
            "need__title",
            "need__priority",
            "need__unit_id",
            "need__unit__name",
            "need__unit__is_critical",
        )
    )
    ids = [r[0] for r in rows]
    taken = dict(
        PlacementShift.objects.filter(is_active=True, shift_id__in=ids)
        .order_by()
        .values("shift_id")
        .annotate(n=Count("pk"))
        .values_list("shift_id", "n")
    )
    by_need: dict[int, AtRisk] = {}
    for pk, start, headcount, need_id, title, priority, unit_id, unit_name, critical in rows:
        missing = max(headcount - taken.get(pk, 0), 0)
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
                first_start=start,
            )
        item.within_72h += missing
        if start < now + dt.timedelta(hours=24):
            item.within_24h += missing
    ordered = sorted(by_need.values(), key=lambda a: (-a.within_24h, a.first_start, a.need_id))
    return ordered[:AT_RISK_ROWS], len(ordered)


SOURCE_LABELS = {
    "part_time": _("Part-time staff who want more hours"),
    WorkerSource.EMPLOYEE.value: _("Internal staff (redeployed)"),
    WorkerSource.VOLUNTEER.value: _("Volunteers on a temporary contract"),
    WorkerSource.AGENCY.value: _("Agency temps"),
}


def _source_mix(placed: QuerySet) -> tuple[list[SourceMix], dict[str, float]]:
    """Accepted and ready slots by where the person comes from. Part-time employees who
    asked for more hours are their own group: arbeidsmiljøloven § 14-3 wants them asked first,
    so their share of the extra hours (theirs, agency temps' and volunteers') is shown."""
    mix = {key: SourceMix(key, str(label)) for key, label in SOURCE_LABELS.items()}
    rows = (
        placed.order_by()
        .values_list(
            "worker__source",
            "worker__employee__wants_more_hours",
            "worker__employee__position_percent",
        )
        .annotate(n=Count("pk"), hours=Sum(_duration("start", "end")))
    )
    for source, wants_more, percent, n, hours in rows:
        key = source
        if source == WorkerSource.EMPLOYEE and wants_more and (percent or 100) < 100:
            key = "part_time"
        entry = mix.setdefault(key, SourceMix(key, key))
        entry.slots += n
        entry.hours += _hours(hours)
    extra = sum(
        mix[k].hours
        for k in ("part_time", WorkerSource.VOLUNTEER.value, WorkerSource.AGENCY.value)
        if k in mix
    )
    return list(mix.values()), {"part_time": mix["part_time"].hours, "extra": extra}


def _agency(placed: QuerySet) -> tuple[float, float, float]:
    """Agency hours of accepted and ready slots and what they cost: each agency's lowest
    hourly rate valid on the day for the need's qualification (the rate matching priced).
    Hours with no such rate are counted apart, not guessed."""
    rows = list(
        placed.filter(worker__source=WorkerSource.AGENCY)
        .order_by()
        .annotate(day=_day("start"))
        .values("day", "worker__agency_id", "shift__need__qualification_id")
        .annotate(hours=Sum(_duration("start", "end")))
        .values_list("day", "worker__agency_id", "shift__need__qualification_id", "hours")
    )
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
    for day, agency_id, qual_id, hours in rows:
        h = _hours(hours)
        hours_total += h
        valid = [r for f, t, r in rates.get((agency_id, qual_id), ()) if f <= day <= t]
        if valid:
            cost += h * min(valid)
        else:
            unpriced += h
    return hours_total, cost, unpriced


def districts_for_filter() -> QuerySet[District]:
    return District.objects.order_by("name")
