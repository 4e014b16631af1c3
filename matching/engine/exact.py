"""Reference solver: a plain, independently written MIP for tests on small instances.

It shares no formulation code with the engine: pairwise rest conflicts and one
knapsack row per window start, built from the loop-based rule checks. The weekly
rest is added lazily: whenever an answer breaks it, the smallest set of that
person's shifts that still breaks it is forbidden (the rule only gets harder as
shifts are added, so this cuts off exactly the schedules that break it) and the
MIP is solved again.
"""

from __future__ import annotations

import math
import time

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from .check import _arc_costs, _shifts_of, _weekly_rest_reasons, why_infeasible
from .compiled import DAY, WEEK, hours_to_seconds, to_seconds
from .model import Instance, Solution


def solve_exact(instance: Instance, time_limit_s: float = 60.0) -> Solution:
    t = time.perf_counter()
    p = instance.params
    rest = hours_to_seconds(p.min_rest_hours)
    costs = _arc_costs(instance)
    slots = {s.id: s for s in instance.slots}
    arcs = [
        (s, c, cost)
        for (s, c), cost in sorted(costs.items())
        if cost < slots[s].unfilled_cost and why_infeasible(instance, s, c, {}) is None
    ]
    n = len(arcs)
    rows: list[list[tuple[int, float]]] = []
    rhs: list[float] = []
    by_slot: dict[str, list[int]] = {}
    by_cand: dict[str, list[int]] = {}
    for i, (s, c, _) in enumerate(arcs):
        by_slot.setdefault(s, []).append(i)
        by_cand.setdefault(c, []).append(i)
    for members in by_slot.values():
        rows.append([(i, 1.0) for i in members])
        rhs.append(1.0)
    span = {s.id: (to_seconds(s.start), to_seconds(s.end)) for s in instance.slots}
    booked = {
        c.id: [(to_seconds(b.start), to_seconds(b.end)) for b in c.booked]
        for c in instance.candidates
    }
    windows = (
        (WEEK, hours_to_seconds(p.max_hours_per_7_days)),
        (DAY, hours_to_seconds(p.max_hours_per_24_hours)),
    )
    for cand, members in by_cand.items():
        for a_pos, i in enumerate(members):
            si, ei = span[arcs[i][0]]
            for j in members[a_pos + 1 :]:
                sj, ej = span[arcs[j][0]]
                if sj < ei + rest and si < ej + rest:
                    rows.append([(i, 1.0), (j, 1.0)])
                    rhs.append(1.0)
        starts = {s for s, _ in booked[cand]} | {span[arcs[i][0]][0] for i in members}
        for window, limit in windows:
            for t0 in starts:
                inside = [i for i in members if t0 <= span[arcs[i][0]][0] < t0 + window]
                if len(inside) < 1:
                    continue
                used = sum(e - s for s, e in booked[cand] if t0 <= s < t0 + window)
                hours = [(i, (span[arcs[i][0]][1] - span[arcs[i][0]][0]) / 3600) for i in inside]
                rows.append(hours)
                rhs.append((limit - used) / 3600)
    offset = sum(float(s.unfilled_cost) for s in instance.slots)
    obj = np.array([cost - slots[s].unfilled_cost for s, _, cost in arcs], dtype=np.float64)
    if n == 0:
        return Solution({}, offset, offset, "optimal", time.perf_counter() - t)
    deadline = time.perf_counter() + time_limit_s
    while True:
        r_idx = [r for r, row in enumerate(rows) for _ in row]
        c_idx = [i for row in rows for i, _ in row]
        vals = [v for row in rows for _, v in row]
        a = sp.csr_matrix((vals, (r_idx, c_idx)), shape=(len(rows), n))
        res = milp(
            obj,
            integrality=np.ones(n),
            bounds=Bounds(np.zeros(n), np.ones(n)),
            constraints=[LinearConstraint(a, -np.inf, np.array(rhs))] if rows else [],
            options={
                "time_limit": max(deadline - time.perf_counter(), 0.1),
                "mip_rel_gap": 1e-9,
            },
        )
        if res.x is None:
            return Solution({}, offset, -math.inf, "no solution", time.perf_counter() - t)
        chosen = res.x > 0.5
        cuts = _weekly_rest_cuts(instance, arcs, by_cand, chosen)
        if not cuts or time.perf_counter() > deadline:
            break
        for cut in cuts:
            rows.append([(i, 1.0) for i in cut])
            rhs.append(len(cut) - 1.0)
    if cuts:
        return Solution({}, offset, -math.inf, "time_limit", time.perf_counter() - t)
    assignments = {arcs[i][0]: arcs[i][1] for i in np.nonzero(chosen)[0].tolist()}
    objective = offset + float(obj[chosen].sum())
    bound = offset + float(getattr(res, "mip_dual_bound", res.fun))
    status = "optimal" if res.status == 0 else "time_limit"
    return Solution(assignments, objective, min(bound, objective), status, time.perf_counter() - t)


def _weekly_rest_cuts(
    instance: Instance,
    arcs: list[tuple[str, str, float]],
    by_cand: dict[str, list[int]],
    chosen: np.ndarray,
) -> list[list[int]]:
    """Per person whose chosen shifts break the weekly rest: a smallest subset that does."""

    def breaks(cand: str, members: list[int]) -> bool:
        slot_ids = [arcs[i][0] for i in members]
        shifts = _shifts_of(instance, cand, slot_ids)
        return bool(_weekly_rest_reasons(shifts, set(slot_ids), instance))

    cuts = []
    for cand, members in by_cand.items():
        mine = [i for i in members if chosen[i]]
        if not breaks(cand, mine):
            continue
        for i in list(mine):
            rest = [j for j in mine if j != i]
            if breaks(cand, rest):
                mine = rest
        cuts.append(mine)
    return cuts
