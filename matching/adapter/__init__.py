"""The only place where matching meets the ORM: build an engine instance from the database.

In three parts, each readable on its own:
- load.py: the facts, in a handful of flat queries, as numpy arrays over workers (an M-size
  run, 2,000 slots and 20,000 workers, never loops over slot × worker in Python);
- eligibility.py: the hard rules, each a named predicate, shared with the approval re-check
  and the explanations;
- cost.py: one scoring function with named terms and the weights from settings.
`instance_build` puts them together into the engine's plain Instance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from django.conf import settings
from django.utils import timezone

from matching.adapter import eligibility
from matching.adapter.cost import Weights, pairing_cost, unfilled_cost
from matching.adapter.eligibility import Reason
from matching.adapter.load import NeedInfo, ShiftInfo, Snapshot, WorkerInfo, snapshot_load
from matching.engine import Arc, Candidate, Instance, Interval, Params, Slot

SPREAD_MOD = 1_000_003

__all__ = [
    "Arc",
    "ArcInfo",
    "Candidate",
    "Instance",
    "Interval",
    "Loaded",
    "NeedInfo",
    "Reason",
    "ShiftInfo",
    "Slot",
    "Snapshot",
    "WorkerInfo",
    "instance_build",
    "params",
]


def params() -> Params:
    d = settings.DUGNAD
    return Params(
        min_rest_hours=float(d["MIN_REST_HOURS"]),
        max_hours_per_7_days=float(d["MAX_HOURS_PER_7_DAYS"]),
        max_hours_per_24_hours=float(d["MAX_HOURS_PER_24_HOURS"]),
        min_weekly_rest_hours=float(d["MIN_WEEKLY_REST_HOURS"]),
    )


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
    snapshot: Snapshot
    slot_shift: dict[str, tuple[int, int]]  # slot id -> (shift id, slot index)
    arcs_by_shift: dict[int, list[ArcInfo]]  # sorted best first
    # (slot, worker) -> the working-time rule that keeps the worker off the slot
    why_not_cache: dict[tuple[str, int], Reason | None] = field(default_factory=dict)

    @property
    def n_candidates(self) -> int:
        return len(self.instance.candidates)

    @property
    def needs(self) -> dict[int, NeedInfo]:
        return self.snapshot.needs

    @property
    def shifts(self) -> dict[int, ShiftInfo]:
        return self.snapshot.shifts

    @property
    def workers(self) -> dict[int, WorkerInfo]:
        return self.snapshot.workers

    @property
    def qual_names(self) -> dict[int, str]:
        return self.snapshot.qual_names

    @property
    def skill_names(self) -> dict[int, str]:
        return self.snapshot.skill_names

    @property
    def placed_count_on_need(self) -> dict[tuple[int, int], int]:
        return self.snapshot.placed_count_on_need

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


def instance_build(
    *,
    now: dt.datetime | None = None,
    widen: dict[int, int] | None = None,
    shift_ids: Iterable[int] | None = None,
    extra_booked: Mapping[int, Iterable[tuple[dt.datetime, dt.datetime]]] | None = None,
    available_only: bool = False,
) -> Loaded:
    """Slots = active shifts of submitted needs in the future × headcount minus approved
    placements; candidates = active workers who pass every rule of eligibility.RULES (the
    engine keeps the working-time rules, which depend on the other assignments).

    Each shift offers the engine its MAX_CANDIDATES_PER_SLOT cheapest candidates (plus its
    headcount), times `widen[shift id]` for the shifts a run widens (see shifts_to_widen).

    `shift_ids`: only those of the open future shifts (a part of the instance, for the
    incremental re-solve). `extra_booked`: worker id -> intervals the engine treats as booked
    on top of their placements (the slots they hold outside that part), so the working-time
    rules between the part and the rest still hold; costs and explanations of bookings
    (hours already worked) do not count them. `available_only` (with `shift_ids`): load only
    the workers whose availability covers one of those shifts (see snapshot_load)."""
    snap = snapshot_load(
        now=now or timezone.now(), open_shift_ids=shift_ids, available_only=available_only
    )
    w = Weights.from_settings()

    slots: list[Slot] = []
    arcs: list[Arc] = []
    arcs_by_shift: dict[int, list[ArcInfo]] = {}
    slot_shift: dict[str, tuple[int, int]] = {}
    used: set[int] = set()
    for shift in snap.shifts.values():
        need = snap.needs[shift.need_id]
        screened = eligibility.screen(snap, shift)
        shift.passed = screened.passed
        idx = screened.idx
        rate = eligibility.agency_rates(snap, need.qualification_id, eligibility.shift_day(shift))
        rate = rate[idx]
        costs = pairing_cost(snap, need, shift, idx, rate, w)
        wids = snap.worker_ids[idx]
        order = np.lexsort((wids, _spread(need.id, wids), costs.total))
        limit = w.max_candidates_per_slot * (widen or {}).get(shift.id, 1)
        limit += len(shift.open_indexes)
        shift.n_left_out = max(len(order) - limit, 0)
        order = order[:limit]
        # plain Python numbers in one go (per-element numpy indexing costs ~1 µs each)
        rates = rate[order]
        infos = [
            ArcInfo(worker_id=wid, cost=cost, money=money, rate=None if r != r else r)
            for wid, cost, money, r in zip(
                wids[order].tolist(),
                costs.total[order].tolist(),
                costs.money[order].tolist(),
                rates.tolist(),
                strict=True,
            )
        ]
        arcs_by_shift[shift.id] = infos
        unfilled = unfilled_cost(need, w)
        for index in shift.open_indexes:
            sid = slot_id(shift.id, index)
            slot_shift[sid] = (shift.id, index)
            slots.append(Slot(id=sid, start=shift.start, end=shift.end, unfilled_cost=unfilled))
            arcs.extend(
                Arc(slot=sid, candidate=candidate_id(a.worker_id), cost=a.cost) for a in infos
            )
        used.update(a.worker_id for a in infos)

    extra = extra_booked or {}
    candidates = tuple(
        Candidate(
            id=candidate_id(wid),
            booked=tuple(
                Interval(s, e) for s, e in sorted((*snap.booked.get(wid, ()), *extra.get(wid, ())))
            ),
        )
        for wid in sorted(used)
    )
    instance = Instance(
        params=params(), slots=tuple(slots), candidates=candidates, arcs=tuple(arcs)
    )
    return Loaded(
        instance=instance, snapshot=snap, slot_shift=slot_shift, arcs_by_shift=arcs_by_shift
    )


def why_not(*, worker_id: int, shift_id: int, now: dt.datetime | None = None) -> Reason | None:
    """Every hard rule for one worker on one shift, read fresh from the database, on top of
    the worker's active placements: None when they may take it. The approval re-check."""
    snap = snapshot_load(now=now or timezone.now(), shift_ids=[shift_id], worker_ids=[worker_id])
    return eligibility.why_not(snap, params(), shift_id, worker_id)
