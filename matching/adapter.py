"""The only place where matching meets the ORM: build an engine instance from the database.

Loading is done with a handful of flat queries and numpy arrays over workers, so that an
M-size run (2,000 slots, 20,000 workers) never loops over slot × worker in Python.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from matching.engine import Arc, Candidate, Instance, Interval, Params, Slot

OSLO = ZoneInfo("Europe/Oslo")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# The 7-day rule needs bookings from a week either side of the slots.
BOOKED_MARGIN = dt.timedelta(days=8)
SPREAD_MOD = 1_000_003

__all__ = [
    "Arc",
    "ArcInfo",
    "Candidate",
    "Instance",
    "Interval",
    "Loaded",
    "Slot",
    "instance_build",
    "params",
    "weights",
]


def weights() -> dict[str, float]:
    return dict(settings.DUGNAD["MATCHING_WEIGHTS"])


def params() -> Params:
    d = settings.DUGNAD
    return Params(
        min_rest_hours=float(d["MIN_REST_HOURS"]),
        max_hours_per_7_days=float(d["MAX_HOURS_PER_7_DAYS"]),
        max_hours_per_24_hours=float(d["MAX_HOURS_PER_24_HOURS"]),
    )


def _secs(value: dt.datetime) -> int:
    return round((value - EPOCH).total_seconds())


@dataclass(slots=True)
class NeedInfo:
    id: int
    title: str
    qualification_id: int
    priority: int
    unit_id: int
    unit_name: str
    district_id: int
    is_critical: bool
    required: tuple[int, ...]
    preferred: tuple[int, ...]
    n_shifts: int = 0


@dataclass(slots=True)
class ShiftInfo:
    id: int
    need_id: int
    start: dt.datetime
    end: dt.datetime
    open_indexes: tuple[int, ...]
    # pre-filter counts, for "why nobody fits"
    n_qualified: int = 0
    n_with_skills: int = 0
    n_available: int = 0
    n_rejected: int = 0
    # eligible candidates left out by MAX_CANDIDATES_PER_SLOT (see instance_build's `widen`)
    n_left_out: int = 0

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


@dataclass(slots=True)
class WorkerInfo:
    id: int
    name: str
    source: str
    district_id: int | None
    agency_id: int | None
    agency_name: str
    quals: tuple[int, ...]  # effective: authorised ones only with a verified HPR
    skills: frozenset[int]
    percent: int | None = None
    wants_more: bool = False
    home_unit: str = ""
    booked_hours: float = 0.0


@dataclass(slots=True)
class ArcInfo:
    worker_id: int
    cost: float
    money: float  # NOK for the shift (0 for internal staff)
    rate: float | None  # agency hourly rate


@dataclass
class Loaded:
    """An engine instance plus what is needed to save and explain its solution."""

    instance: Instance
    needs: dict[int, NeedInfo]
    shifts: dict[int, ShiftInfo]
    workers: dict[int, WorkerInfo]
    qual_names: dict[int, str]
    skill_names: dict[int, str]
    covers: dict[int, frozenset[int]]  # qualification -> what it covers (transitive, incl. self)
    slot_shift: dict[str, tuple[int, int]]  # slot id -> (shift id, slot index)
    arcs_by_shift: dict[int, list[ArcInfo]]  # sorted best first
    placed_on_need: set[tuple[int, int]] = field(default_factory=set)
    placed_count_on_need: dict[tuple[int, int], int] = field(default_factory=dict)
    # (slot, worker) -> the rule that keeps the worker off the slot (explain.why_not)
    why_not_cache: dict[tuple[str, int], str | None] = field(default_factory=dict)

    @property
    def n_candidates(self) -> int:
        return len(self.instance.candidates)

    @cached_property
    def slot_by_id(self) -> dict[str, Slot]:
        return {s.id: s for s in self.instance.slots}

    @cached_property
    def candidate_by_id(self) -> dict[str, Candidate]:
        return {c.id: c for c in self.instance.candidates}


def slot_id(shift_id: int, index: int) -> str:
    return f"s{shift_id}-{index}"


def candidate_id(worker_id: int) -> str:
    return f"w{worker_id}"


def worker_of(cand: str) -> int:
    return int(cand[1:])


def _closure(direct: dict[int, set[int]], ids: list[int]) -> dict[int, frozenset[int]]:
    out: dict[int, frozenset[int]] = {}
    for q in ids:
        seen = {q}
        stack = [q]
        while stack:
            for nxt in direct.get(stack.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        out[q] = frozenset(seen)
    return out


def shifts_to_widen(loaded: Loaded, assignments: dict[str, str]) -> frozenset[int]:
    """Shifts with a slot left unfilled while eligible candidates were left off their list.

    The short list keeps runs fast and almost never matters; but when many shifts at the
    same time want the same qualification, their short lists are the same cheapest people,
    and a slot can stay empty while someone further down is free. The run offers those
    shifts a longer list and solves again."""
    return frozenset(
        shift_id
        for slot_id_, (shift_id, _index) in loaded.slot_shift.items()
        if slot_id_ not in assignments and loaded.shifts[shift_id].n_left_out > 0
    )


def _spread(key: int, worker_ids: np.ndarray) -> np.ndarray:
    """A fixed pseudo-random order of workers per key (a need), the same on every run."""
    x = (worker_ids.astype(np.uint64) * np.uint64(2654435761)) ^ np.uint64(key * 40503)
    return (x % np.uint64(SPREAD_MOD)).astype(np.int64)


def _invert(mapping: dict[int, set[int]]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = defaultdict(set)
    for key, values in mapping.items():
        for v in values:
            out[v].add(key)
    return out


def _unfilled_cost(need: NeedInfo, w: dict[str, float]) -> float:
    by_priority = {1: "UNFILLED_NORMAL", 2: "UNFILLED_HIGH", 3: "UNFILLED_CRITICAL"}
    cost = float(w[by_priority.get(need.priority, "UNFILLED_NORMAL")])
    if need.is_critical:
        cost += float(w["CRITICAL_SERVICE_EXTRA"])
    return cost


def instance_build(
    *, now: dt.datetime | None = None, widen: dict[int, int] | None = None
) -> Loaded:
    """Slots = active shifts of submitted needs in the future × headcount minus approved
    placements; candidates = active workers who pass every hard rule that does not depend
    on the other assignments (the engine keeps the rest).

    Each shift offers the engine its MAX_CANDIDATES_PER_SLOT cheapest candidates (plus its
    headcount), times `widen[shift id]` for the shifts a run widens (see shifts_to_widen)."""
    from matching.models import ProposalRejection
    from needs.models import Need, Shift
    from staffing.models import (
        AgreementRate,
        Availability,
        EmployeeProfile,
        PlacementShift,
        Qualification,
        Skill,
        Worker,
        WorkerSource,
    )

    now = now or timezone.now()
    w = weights()
    prm = params()

    # --- slots ---------------------------------------------------------------------------
    shift_rows = list(
        Shift.objects.open()
        .filter(start__gt=now)
        .order_by("start", "pk")
        .values_list("pk", "need_id", "start", "end", "headcount")
    )
    placed = dict(
        PlacementShift.objects.filter(is_active=True, shift__start__gt=now)
        .values("shift_id")
        .annotate(n=Count("pk"))
        .values_list("shift_id", "n")
    )
    shifts: dict[int, ShiftInfo] = {}
    for pk, need_id, start, end, headcount in shift_rows:
        taken = placed.get(pk, 0)
        if taken < headcount:
            shifts[pk] = ShiftInfo(pk, need_id, start, end, tuple(range(taken, headcount)))

    need_ids = {s.need_id for s in shifts.values()}
    needs: dict[int, NeedInfo] = {}
    for row in Need.objects.filter(pk__in=need_ids).values(
        "pk",
        "title",
        "qualification_id",
        "priority",
        "unit_id",
        "unit__name",
        "unit__district_id",
        "unit__is_critical",
    ):
        needs[row["pk"]] = NeedInfo(
            id=row["pk"],
            title=row["title"],
            qualification_id=row["qualification_id"],
            priority=row["priority"],
            unit_id=row["unit_id"],
            unit_name=row["unit__name"],
            district_id=row["unit__district_id"],
            is_critical=row["unit__is_critical"],
            required=(),
            preferred=(),
        )
    required: dict[int, list[int]] = defaultdict(list)
    for nid, sid in Need.required_skills.through.objects.filter(need_id__in=need_ids).values_list(
        "need_id", "skill_id"
    ):
        required[nid].append(sid)
    preferred: dict[int, list[int]] = defaultdict(list)
    for nid, sid in Need.preferred_skills.through.objects.filter(need_id__in=need_ids).values_list(
        "need_id", "skill_id"
    ):
        preferred[nid].append(sid)
    for nid, n in needs.items():
        n.required = tuple(sorted(required[nid]))
        n.preferred = tuple(sorted(preferred[nid]))
    for nid, total in (
        Shift.objects.active()
        .filter(need_id__in=need_ids)
        .values("need_id")
        .annotate(n=Count("pk"))
        .values_list("need_id", "n")
    ):
        needs[nid].n_shifts = total

    # --- qualifications ------------------------------------------------------------------
    quals = list(Qualification.objects.values_list("pk", "name", "requires_authorisation"))
    qual_names = {pk: name for pk, name, _ in quals}
    needs_auth = {pk for pk, _, auth in quals if auth}
    direct: dict[int, set[int]] = defaultdict(set)
    for a, b in Qualification.covers.through.objects.values_list(
        "from_qualification_id", "to_qualification_id"
    ):
        direct[a].add(b)
    covers = _closure(direct, list(qual_names))
    skill_names = dict(Skill.objects.values_list("pk", "name"))

    # --- workers -------------------------------------------------------------------------
    horizon_start = min((s.start for s in shifts.values()), default=now)
    horizon_end = max((s.end for s in shifts.values()), default=now)
    workers: dict[int, WorkerInfo] = {}
    verified: set[int] = set()
    for row in (
        Worker.objects.active()
        .order_by("pk")
        .values(
            "pk",
            "first_name",
            "last_name",
            "source",
            "home_district_id",
            "agency_id",
            "agency__name",
            "hpr_number",
            "hpr_verified_at",
        )
    ):
        workers[row["pk"]] = WorkerInfo(
            id=row["pk"],
            name=f"{row['first_name']} {row['last_name']}".strip(),
            source=row["source"],
            district_id=row["home_district_id"],
            agency_id=row["agency_id"],
            agency_name=row["agency__name"] or "",
            quals=(),
            skills=frozenset(),
        )
        if row["hpr_number"] and row["hpr_verified_at"] is not None:
            verified.add(row["pk"])
    wq: dict[int, list[int]] = defaultdict(list)
    wq_all: dict[int, list[int]] = defaultdict(list)
    for wid, qid in Worker.qualifications.through.objects.filter(
        worker__is_active=True
    ).values_list("worker_id", "qualification_id"):
        wq_all[wid].append(qid)
        if qid not in needs_auth or wid in verified:
            wq[wid].append(qid)
    ws: dict[int, set[int]] = defaultdict(set)
    for wid, sid in Worker.skills.through.objects.filter(worker__is_active=True).values_list(
        "worker_id", "skill_id"
    ):
        ws[wid].add(sid)
    for wid, info in workers.items():
        info.quals = tuple(sorted(wq.get(wid, ())))
        info.skills = frozenset(ws.get(wid, ()))
    for wid, percent, more, unit in EmployeeProfile.objects.filter(
        worker__is_active=True
    ).values_list("worker_id", "position_percent", "wants_more_hours", "home_unit__name"):
        if wid in workers:
            info = workers[wid]
            info.percent, info.wants_more, info.home_unit = percent, more, unit

    worker_ids = np.array(sorted(workers), dtype=np.int64)
    index_of = {wid: i for i, wid in enumerate(worker_ids.tolist())}
    n_w = len(worker_ids)

    def vector(ids) -> np.ndarray:
        v = np.zeros(n_w, dtype=bool)
        idx = [index_of[i] for i in ids if i in index_of]
        v[idx] = True
        return v

    holds: dict[int, set[int]] = defaultdict(set)  # qualification -> workers (effective)
    holds_any: dict[int, set[int]] = defaultdict(set)  # ignoring authorisation
    for wid, qids in wq.items():
        for q in qids:
            holds[q].add(wid)
    for wid, qids in wq_all.items():
        for q in qids:
            holds_any[q].add(wid)
    has_skill = {sid: vector(wids) for sid, wids in _invert(ws).items()}

    # bookings: existing active placement shifts
    booked: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    placed_on_need: set[tuple[int, int]] = set()
    placed_count: dict[tuple[int, int], int] = defaultdict(int)
    for wid, start, end, need_id in PlacementShift.objects.filter(
        is_active=True,
        end__gt=horizon_start - BOOKED_MARGIN,
        start__lt=horizon_end + BOOKED_MARGIN,
    ).values_list("worker_id", "start", "end", "shift__need_id"):
        booked[wid].append((start, end))
        placed_on_need.add((wid, need_id))
        placed_count[(wid, need_id)] += 1
    booked_hours = np.zeros(n_w)
    for wid, intervals in booked.items():
        if wid in index_of:
            hours = sum((e - s).total_seconds() for s, e in intervals) / 3600
            booked_hours[index_of[wid]] = hours
            workers[wid].booked_hours = hours

    # availability windows overlapping the horizon
    av = [
        r
        for r in Availability.objects.filter(
            worker__is_active=True, end__gt=horizon_start, start__lt=horizon_end
        ).values_list("worker_id", "start", "end")
        if r[0] in index_of
    ]
    av_w = np.array([index_of[r[0]] for r in av], dtype=np.int64)
    av_s = np.array([_secs(r[1]) for r in av], dtype=np.int64)
    av_e = np.array([_secs(r[2]) for r in av], dtype=np.int64)

    # agency rates: (agency, qualification) -> [(from, to, rate)]
    rates: dict[tuple[int, int], list[tuple[dt.date, dt.date, float]]] = defaultdict(list)
    for agency_id, qid, valid_from, valid_to, rate in AgreementRate.objects.values_list(
        "agreement__agency_id",
        "qualification_id",
        "agreement__valid_from",
        "agreement__valid_to",
        "hourly_rate",
    ):
        rates[(agency_id, qid)].append((valid_from, valid_to, float(rate)))

    rejected: dict[int, set[int]] = defaultdict(set)
    for wid, sid in ProposalRejection.objects.filter(shift_id__in=list(shifts)).values_list(
        "worker_id", "shift_id"
    ):
        rejected[sid].add(wid)

    # per-worker cost per hour, before agency rates
    source = np.array([workers[i].source for i in worker_ids.tolist()], dtype=object)
    is_agency = source == WorkerSource.AGENCY
    per_hour = np.zeros(n_w)
    per_hour_money = np.zeros(n_w)
    wants_more = np.array(
        [workers[i].wants_more and (workers[i].percent or 100) < 100 for i in worker_ids.tolist()],
        dtype=bool,
    )
    employee = source == WorkerSource.EMPLOYEE
    per_hour[employee & ~wants_more] = w["REDEPLOYED_PER_HOUR"]
    volunteer = source == WorkerSource.VOLUNTEER
    per_hour[volunteer] = w["VOLUNTEER_PER_HOUR"] + w["SECTION_14_3_PER_HOUR"]
    per_hour_money[volunteer] = w["VOLUNTEER_PER_HOUR"]
    per_hour[is_agency] = w["SECTION_14_3_PER_HOUR"]
    district = np.array([workers[i].district_id or 0 for i in worker_ids.tolist()], dtype=np.int64)
    load = booked_hours * w["LOAD_PER_BOOKED_HOUR"]
    cap = int(w["MAX_CANDIDATES_PER_SLOT"])

    no_one = np.zeros(n_w, dtype=bool)
    continuing_lists: dict[int, list[int]] = defaultdict(list)
    for wid, nid in placed_on_need:
        if wid in index_of:
            continuing_lists[nid].append(index_of[wid])
    continuing = {nid: np.array(v, dtype=np.int64) for nid, v in continuing_lists.items()}

    agency_idx = np.flatnonzero(is_agency)
    rate_cache: dict[tuple[int, dt.date], np.ndarray] = {}

    def agency_rates(need_qual: int, day: dt.date) -> np.ndarray:
        """Each worker's agency hourly rate for this need on this day; NaN where none."""
        key = (need_qual, day)
        if key not in rate_cache:
            out = np.full(n_w, np.nan)
            for i in agency_idx.tolist():
                info = workers[int(worker_ids[i])]
                best = None
                for q in info.quals:
                    if need_qual not in covers[q]:
                        continue
                    for valid_from, valid_to, r in rates.get((info.agency_id, q), ()):
                        if valid_from <= day <= valid_to and (best is None or r < best):
                            best = r
                if best is not None:
                    out[i] = best
            rate_cache[key] = out
        return rate_cache[key]

    eligible_cache: dict[tuple, tuple[np.ndarray, int, int]] = {}

    def eligible(need: NeedInfo) -> tuple[np.ndarray, int, int]:
        key = (need.qualification_id, need.required)
        if key not in eligible_cache:
            fits = [q for q, cov in covers.items() if need.qualification_id in cov]
            qualified_any = set().union(*(holds_any.get(q, set()) for q in fits))
            v = vector(set().union(*(holds.get(q, set()) for q in fits)))
            n_qualified = len(qualified_any)
            for sid in need.required:
                v &= has_skill.get(sid, no_one)
            eligible_cache[key] = (v, n_qualified, int(v.sum()))
        return eligible_cache[key]

    slots: list[Slot] = []
    arcs: list[Arc] = []
    arcs_by_shift: dict[int, list[ArcInfo]] = {}
    slot_shift: dict[str, tuple[int, int]] = {}
    used: set[int] = set()
    for shift in shifts.values():
        need = needs[shift.need_id]
        elig, n_qualified, n_skills = eligible(need)
        shift.n_qualified, shift.n_with_skills = n_qualified, n_skills
        s0, s1 = _secs(shift.start), _secs(shift.end)
        free = np.zeros(n_w, dtype=bool)
        if len(av_w):
            free[av_w[(av_s <= s0) & (av_e >= s1)]] = True
        mask = elig & free
        shift.n_available = int(mask.sum())
        if rejected.get(shift.id):
            before = int(mask.sum())
            mask &= ~vector(rejected[shift.id])
            shift.n_rejected = before - int(mask.sum())
        idx = np.flatnonzero(mask)
        hours = shift.hours
        cost = per_hour[idx] * hours + load[idx]
        money = per_hour_money[idx] * hours
        cost += np.where(district[idx] != need.district_id, w["OTHER_DISTRICT"], 0.0)
        day = shift.start.astimezone(OSLO).date()
        rate = agency_rates(need.qualification_id, day)[idx]
        agency = is_agency[idx]
        # An agency temp needs an agreement valid on the day with a rate for the need.
        keep = ~agency | ~np.isnan(rate)
        agency_money = np.where(agency & keep, np.nan_to_num(rate) * hours, 0.0)
        cost += agency_money
        money += agency_money
        # Continuity: someone already placed on the need costs nothing extra. (A pairwise
        # "same person on consecutive shifts" term does not fit per-arc costs; ties are broken
        # by a fixed per-need order below instead, which keeps the same people in the running.)
        cost += w["NOT_CONTINUING"]
        if need.id in continuing:
            cost[np.isin(idx, continuing[need.id])] -= w["NOT_CONTINUING"]
        for s in need.preferred:
            cost += np.where(has_skill.get(s, no_one)[idx], 0.0, w["PREFERRED_SKILL_MISSING"])
        idx, cost, money, rate = idx[keep], cost[keep], money[keep], rate[keep]
        cost = np.round(cost, 2)
        wids = worker_ids[idx]
        order = np.lexsort((wids, _spread(need.id, wids), cost))
        limit = cap * (widen or {}).get(shift.id, 1) + len(shift.open_indexes)
        shift.n_left_out = max(len(order) - limit, 0)
        order = order[:limit]
        infos = [
            ArcInfo(
                worker_id=int(wids[o]),
                cost=float(cost[o]),
                money=float(money[o]),
                rate=None if np.isnan(rate[o]) else float(rate[o]),
            )
            for o in order.tolist()
        ]
        arcs_by_shift[shift.id] = infos
        unfilled = _unfilled_cost(need, w)
        for index in shift.open_indexes:
            sid = slot_id(shift.id, index)
            slot_shift[sid] = (shift.id, index)
            slots.append(Slot(id=sid, start=shift.start, end=shift.end, unfilled_cost=unfilled))
            arcs.extend(
                Arc(slot=sid, candidate=candidate_id(a.worker_id), cost=a.cost) for a in infos
            )
        used.update(a.worker_id for a in infos)

    candidates = tuple(
        Candidate(
            id=candidate_id(wid),
            booked=tuple(Interval(s, e) for s, e in sorted(booked.get(wid, ()))),
        )
        for wid in sorted(used)
    )
    instance = Instance(params=prm, slots=tuple(slots), candidates=candidates, arcs=tuple(arcs))
    return Loaded(
        instance=instance,
        needs=needs,
        shifts=shifts,
        workers=workers,
        qual_names=qual_names,
        skill_names=skill_names,
        covers=covers,
        slot_shift=slot_shift,
        arcs_by_shift=arcs_by_shift,
        placed_on_need=placed_on_need,
        placed_count_on_need=dict(placed_count),
    )
