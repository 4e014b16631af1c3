"""Realistic random instances for the benchmark and tests.

Shape of the real problem, as seen by a municipality's central staffing unit:
* units (here: districts) need day, evening, night and weekend long shifts over
  a fortnight in Europe/Oslo local time (the fortnight used crosses the spring
  DST change, so some nights are an hour shorter);
* internal staff already work a rota (bookings, also in the week before the
  fortnight, which count in the 7-day windows), so they can take at most one or
  two extra shifts a week; part-timers have more room and cost less;
* volunteers are available on a few days only; agency temps are available
  almost always but cost the most;
* each person is eligible for one district (some for a neighbouring one too)
  and a subset of shift types, so the same people compete for many shifts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from .compiled import compile_instance, feasible_alone
from .model import Arc, Candidate, Instance, Interval, Params, Slot

TZ = ZoneInfo("Europe/Oslo")
FIRST_DAY = date(2026, 3, 23)  # a Monday; the fortnight includes 2026-03-29 (DST)
DAYS = 14

ACTIVITY_TAIL = 0.6
KIND_P = (0.05, 0.05, 0.40, 0.50)
BASE_COST = (150.0, 100.0, 300.0, 750.0)
KIND_ACTIVITY = (6.0, 6.0, 2.0, 1.0)

SIZES: dict[str, tuple[int, int]] = {
    "XS": (40, 300),
    "S": (200, 2_000),
    "M": (2_000, 20_000),
    "L": (5_000, 20_000),
    # shortage: more shifts than the people can take (no agency left, little free time)
    "MS": (2_000, 1_200),
    "LS": (5_000, 3_000),
}
SHORTAGE = frozenset({"MS", "LS"})
# a crisis: the agencies have no one left, staff offer a few of their free days
SHORTAGE_KIND_P = (0.85, 0.10, 0.05, 0.0)
SHORTAGE_FREE_DAY_P = 0.5


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    start: tuple[int, int]
    end: tuple[int, int]
    next_day: bool
    kind: str  # "day", "evening", "night", "long"


WEEKDAY = (
    (Template("D1", (7, 0), (15, 0), False, "day"), 0.30),
    (Template("D2", (7, 30), (15, 30), False, "day"), 0.20),
    (Template("E", (15, 0), (23, 0), False, "evening"), 0.27),
    (Template("N", (22, 30), (7, 30), True, "night"), 0.23),
)
WEEKEND = (
    (Template("LD", (7, 30), (20, 0), False, "long"), 0.30),
    (Template("LD2", (8, 0), (20, 0), False, "long"), 0.15),
    (Template("LN", (19, 30), (7, 30), True, "long"), 0.25),
    (Template("E", (15, 0), (23, 0), False, "evening"), 0.15),
    (Template("N", (22, 30), (7, 30), True, "night"), 0.15),
)
ROTA = (WEEKDAY[0][0], WEEKDAY[2][0], WEEKDAY[3][0])


def _shift(day: date, t: Template) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day, *t.start, tzinfo=TZ)
    end_day = day + timedelta(days=1) if t.next_day else day
    end = datetime(end_day.year, end_day.month, end_day.day, *t.end, tzinfo=TZ)
    return start, end


def _templates(day: date) -> tuple[tuple[Template, float], ...]:
    return WEEKEND if day.weekday() >= 5 else WEEKDAY


def generate(
    n_slots: int,
    n_cands: int,
    seed: int = 1,
    *,
    params: Params | None = None,
    shortage: bool = False,
) -> Instance:
    params = params or Params()
    rng = np.random.default_rng(seed)
    n_groups = max(1, round(n_slots / 100))
    days = [FIRST_DAY + timedelta(days=i) for i in range(DAYS)]

    # --- slots
    slots: list[Slot] = []
    slot_meta: list[tuple[int, int, str]] = []  # group, day index, kind
    prio_cost = np.array([1000.0, 2000.0, 3000.0, 5000.0])
    for i in range(n_slots):
        g = int(rng.integers(n_groups))
        d = int(rng.integers(DAYS))
        temps = _templates(days[d])
        w = np.array([p for _, p in temps])
        t = temps[int(rng.choice(len(temps), p=w / w.sum()))][0]
        start, end = _shift(days[d], t)
        # nights and weekends are harder to cover, so units mark them higher priority
        bump = 1 if t.kind in ("night", "long") else 0
        prio = min(3, int(rng.choice(4, p=[0.35, 0.35, 0.2, 0.1])) + bump)
        slots.append(Slot(f"s{i}", start, end, float(prio_cost[prio])))
        slot_meta.append((g, d, t.kind))

    # --- candidates
    kinds = rng.choice(4, size=n_cands, p=SHORTAGE_KIND_P if shortage else KIND_P)
    free_day_p = SHORTAGE_FREE_DAY_P if shortage else 0.8  # full-time, part-time, volunteer, agency
    home = rng.integers(n_groups, size=n_cands)
    second = np.where(rng.random(n_cands) < 0.25, (home + 1) % n_groups, -1)
    # shift kinds each person does: bit 0 day, 1 evening, 2 night, 3 long
    kind_bits = {"day": 1, "evening": 2, "night": 4, "long": 8}
    prefs = rng.choice(
        np.array([1 | 2, 1 | 2 | 8, 4 | 8, 1 | 2 | 4 | 8, 2 | 4, 1 | 8]),
        size=n_cands,
        p=[0.25, 0.2, 0.15, 0.2, 0.1, 0.1],
    )
    loc = rng.random((n_groups, 2))
    cand_loc = loc[home] + rng.normal(0, 0.08, size=(n_cands, 2))
    available = np.zeros((n_cands, DAYS), dtype=bool)
    candidates: list[Candidate] = []
    all_days = [FIRST_DAY + timedelta(days=i) for i in range(-7, DAYS)]
    for ci in range(n_cands):
        kind = int(kinds[ci])
        booked: list[Interval] = []
        if kind in (0, 1):
            per_week = (4, 5) if kind == 0 else (2, 3)
            work_days: set[int] = set()
            for week in range(3):
                n = int(rng.integers(per_week[0], per_week[1] + 1))
                work_days.update(int(x) + 7 * week - 7 for x in rng.choice(7, n, replace=False))
            rota = ROTA[int(rng.integers(len(ROTA)))]
            for di in sorted(work_days):
                booked.append(Interval(*_shift(all_days[di + 7], rota)))
            free = np.array([d not in work_days for d in range(DAYS)])
            available[ci] = free & (rng.random(DAYS) < free_day_p)
        elif kind == 2:
            n = int(rng.integers(3, 7))
            first = int(rng.integers(DAYS))
            # volunteers tend to offer a run of days, e.g. a free week
            picks = {(first + int(x)) % DAYS for x in rng.integers(0, 6, size=n)}
            available[ci, sorted(picks)] = True
        else:
            available[ci] = rng.random(DAYS) < 0.75
            for di in range(-7, DAYS):
                if rng.random() < 0.25 and (di < 0 or not available[ci, di]):
                    booked.append(Interval(*_shift(all_days[di + 7], WEEKDAY[0][0])))
        candidates.append(Candidate(f"c{ci}", tuple(booked)))

    # a few people are eligible and willing for a lot (heavy tail), most for little
    activity = (rng.pareto(ACTIVITY_TAIL, n_cands) + 0.05) * np.array(KIND_ACTIVITY)[kinds]
    base = np.array(BASE_COST)[kinds] * rng.uniform(0.85, 1.15, n_cands)

    # --- arcs: oversample per slot, drop the ones the bookings forbid, keep k
    pools: dict[tuple[int, int, int], np.ndarray] = {}
    member = [np.nonzero((home == g) | (second == g))[0] for g in range(n_groups)]
    arc_slot: list[np.ndarray] = []
    arc_cand: list[np.ndarray] = []
    want = rng.integers(20, 81, size=n_slots)
    for si, (g, d, kind_name) in enumerate(slot_meta):
        bit = kind_bits[kind_name]
        key = (g, d, bit)
        pool = pools.get(key)
        if pool is None:
            m = member[g]
            pool = m[available[m, d] & ((prefs[m] & bit) != 0)]
            pools[key] = pool
        k = min(len(pool), int(want[si] * 1.6) + 5)
        if k:
            w = activity[pool]
            pick = rng.choice(pool, size=k, replace=False, p=w / w.sum())
        else:
            pick = np.zeros(0, dtype=np.int64)
        arc_slot.append(np.full(len(pick), si))
        arc_cand.append(pick)
    a_slot = np.concatenate(arc_slot).astype(np.int64)
    a_cand = np.concatenate(arc_cand).astype(np.int64)

    dist = np.hypot(*(cand_loc[a_cand] - loc[[m[0] for m in slot_meta]][a_slot]).T)
    kind_of_slot = np.array([m[2] for m in slot_meta])[a_slot]
    surcharge = 1.0 + 0.25 * np.isin(kind_of_slot, ("night", "long"))
    cost = np.round(base[a_cand] * surcharge + 300 * dist + rng.uniform(0, 40, len(a_slot)))

    skeleton = Instance(params, tuple(slots), tuple(candidates), ())
    cp = compile_instance(skeleton)
    ok = feasible_alone(cp, a_slot, a_cand)
    a_slot, a_cand, cost = a_slot[ok], a_cand[ok], cost[ok]
    # keep the first `want` surviving arcs of each slot
    rank = np.arange(len(a_slot)) - np.searchsorted(a_slot, a_slot, "left")
    keep = rank < want[a_slot]
    arcs = tuple(
        Arc(f"s{s}", f"c{c}", float(x))
        for s, c, x in zip(
            a_slot[keep].tolist(), a_cand[keep].tolist(), cost[keep].tolist(), strict=True
        )
    )
    return Instance(params, tuple(slots), tuple(candidates), arcs)


def generate_size(size: str, seed: int = 1, params: Params | None = None) -> Instance:
    size = size.upper()
    n_slots, n_cands = SIZES[size]
    return generate(n_slots, n_cands, seed, params=params, shortage=size in SHORTAGE)
