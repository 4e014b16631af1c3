"""The greedy baseline: most important slot first, cheapest feasible candidate."""

from __future__ import annotations

import time

import numpy as np

from .compiled import DAY, WEEK, Compiled, compile_instance, feasible_alone
from .model import Instance, Solution


def _keeps_weekly_rest(shifts: list[tuple[int, int]], start: int, end: int, need: int) -> bool:
    """Every 7-day window from a shift start that overlaps the new shift [start, end)
    (already in `shifts`) keeps a free stretch of `need` seconds (see check.py)."""
    shifts = sorted(shifts)
    for t, _ in shifts:
        if not start - WEEK < t < end:
            continue
        covered_to, longest = t, 0
        for a, b in shifts:
            if a >= t + WEEK:
                break
            longest = max(longest, a - covered_to)
            covered_to = max(covered_to, b)
        if max(longest, t + WEEK - covered_to) < need:
            return False
    return True


class ScheduleState:
    """Per-candidate booked + assigned shifts, for incremental feasibility checks."""

    def __init__(self, cp: Compiled) -> None:
        self.cp = cp
        self.shifts: dict[int, list[tuple[int, int]]] = {}
        self.assigned: dict[int, list[tuple[int, int]]] = {}
        bounds = np.searchsorted(cp.b_cand, np.arange(cp.n_cands + 1))
        self._bounds = bounds

    def _booked(self, cand: int) -> list[tuple[int, int]]:
        got = self.shifts.get(cand)
        if got is None:
            lo, hi = self._bounds[cand], self._bounds[cand + 1]
            got = list(
                zip(self.cp.b_start[lo:hi].tolist(), self.cp.b_end[lo:hi].tolist(), strict=True)
            )
            self.shifts[cand] = got
        return got

    def can_add(self, cand: int, start: int, end: int) -> bool:
        """Assumes the pair already passed the booked-only checks (feasible_alone)."""
        cp = self.cp
        mine = self.assigned.get(cand, ())
        for s, e in mine:
            if start < e + cp.rest and s < end + cp.rest:
                return False
        if not mine:
            return True
        shifts = self._booked(cand) + list(mine)
        shifts.append((start, end))
        for window, limit in ((WEEK, cp.w7_limit), (DAY, cp.w24_limit)):
            for t, _ in shifts:
                if t <= start < t + window:
                    total = sum(e - s for s, e in shifts if t <= s < t + window)
                    if total > limit:
                        return False
        return cp.weekly_rest <= 0 or _keeps_weekly_rest(shifts, start, end, cp.weekly_rest)

    def add(self, cand: int, start: int, end: int) -> None:
        self.assigned.setdefault(cand, []).append((start, end))


def greedy_arcs(cp: Compiled, feasible: np.ndarray | None = None) -> np.ndarray:
    """Indices of the arcs the greedy picks."""
    if feasible is None:
        feasible = feasible_alone(cp, cp.a_slot, cp.a_cand)
    useful = feasible & (cp.a_cost < cp.s_ucost[cp.a_slot])
    idx = np.nonzero(useful)[0]
    # slots by unfilled cost desc, then start; within a slot arcs by cost
    sl = cp.a_slot[idx]
    o = np.lexsort((cp.a_cost[idx], sl, cp.s_start[sl], -cp.s_ucost[sl]))
    idx = idx[o]
    state = ScheduleState(cp)
    chosen: list[int] = []
    filled = np.zeros(cp.n_slots, dtype=bool).tolist()
    slots = cp.a_slot[idx].tolist()
    cands = cp.a_cand[idx].tolist()
    starts = cp.s_start.tolist()
    ends = cp.s_end.tolist()
    for a, s, c in zip(idx.tolist(), slots, cands, strict=True):
        if filled[s]:
            continue
        if state.can_add(c, starts[s], ends[s]):
            state.add(c, starts[s], ends[s])
            chosen.append(a)
            filled[s] = True
    return np.array(chosen, dtype=np.int64)


def arcs_objective(cp: Compiled, chosen: np.ndarray) -> float:
    filled = np.zeros(cp.n_slots, dtype=bool)
    filled[cp.a_slot[chosen]] = True
    return float(cp.a_cost[chosen].sum() + cp.s_ucost[~filled].sum())


def trivial_bound(cp: Compiled, feasible: np.ndarray) -> float:
    """Every slot at its cheapest option, ignoring all interactions."""
    best = cp.s_ucost.copy()
    np.minimum.at(best, cp.a_slot[feasible], cp.a_cost[feasible])
    return float(best.sum())


def solve_greedy(instance: Instance) -> Solution:
    t = time.perf_counter()
    cp = compile_instance(instance)
    feasible = feasible_alone(cp, cp.a_slot, cp.a_cand)
    chosen = greedy_arcs(cp, feasible)
    assignments = {cp.slot_ids[cp.a_slot[a]]: cp.cand_ids[cp.a_cand[a]] for a in chosen.tolist()}
    return Solution(
        assignments=assignments,
        objective=arcs_objective(cp, chosen),
        bound=trivial_bound(cp, feasible),
        status="greedy",
        wall_s=time.perf_counter() - t,
    )
