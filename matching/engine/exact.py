"""Reference solver: a plain, independently written MIP for tests on small instances.

It shares no formulation code with the engine: pairwise rest conflicts and one
knapsack row per window start, built from the loop-based rule checks.
"""

from __future__ import annotations

import math
import time

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from .check import _arc_costs, why_infeasible
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
    r_idx = [r for r, row in enumerate(rows) for _ in row]
    c_idx = [i for row in rows for i, _ in row]
    vals = [v for row in rows for _, v in row]
    a = sp.csr_matrix((vals, (r_idx, c_idx)), shape=(len(rows), n))
    res = milp(
        obj,
        integrality=np.ones(n),
        bounds=Bounds(np.zeros(n), np.ones(n)),
        constraints=[LinearConstraint(a, -np.inf, np.array(rhs))],
        options={"time_limit": time_limit_s, "mip_rel_gap": 1e-9},
    )
    if res.x is None:
        return Solution({}, offset, -math.inf, "no solution", time.perf_counter() - t)
    chosen = res.x > 0.5
    assignments = {arcs[i][0]: arcs[i][1] for i in np.nonzero(chosen)[0].tolist()}
    objective = offset + float(obj[chosen].sum())
    bound = offset + float(getattr(res, "mip_dual_bound", res.fun))
    status = "optimal" if res.status == 0 else "time_limit"
    return Solution(assignments, objective, min(bound, objective), status, time.perf_counter() - t)
