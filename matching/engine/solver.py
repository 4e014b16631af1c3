"""The optimiser.

Pipeline (all array-based; see formulation.py for the rows):
1. drop arcs the bookings already forbid and arcs dearer than leaving the slot empty;
2. dominance reduction via "free" candidates (no binding rule among their arcs),
   repeated: removes ~85-95 % of the arcs of realistic instances, exactly;
3. split into independent components (columns linked only through shared rows);
4. per component: LP relaxation (HiGHS, warm-started) strengthened by rounds of
   extended cover cuts on the hour windows -> a first bound and LP-guided
   rounding; then per-person schedule pricing at the LP's slot duals (a
   Lagrangian bound, ~0.5 % above the compact LP; the search is compiled, see
   pricing.py) and, while the gap is open, column generation over schedules
   with a MIP over the master's optimal face (colgen.py), which both raises
   the bound and finds near-optimal assignments;
5. only if the gap is still above target: a MIP restricted to the LP's support,
   then the full MIP seeded with the best assignment, whose root cuts usually
   prove it within tolerance.
The greedy answer is computed too and returned if it were ever better.
"""

from __future__ import annotations

import logging
import math
import time
from functools import partial

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from . import colgen, highs, memory, parallel, remote
from .check import check_solution
from .compiled import Compiled, compile_instance, feasible_alone
from .formulation import Formulation, build_formulation, weekly_rest_caps
from .greedy import arcs_objective, greedy_arcs, solve_greedy
from .model import Instance, Solution

logger = logging.getLogger(__name__)

# Blocks at least this large go to a BlockMap (other workers) when one is given.
REMOTE_MIN_COLUMNS = 2_000
# Components are batched into one MIP until this many columns, so that tiny
# components do not each pay the per-call overhead.
BATCH_COLUMNS = 4_000
# A dual bound is only as exact as the LP tolerances it came from; shave a
# little so that "bound <= optimum" holds even with round-off.
BOUND_SAFETY_REL = 1e-7
# rounds of cover-cut separation on the LP before any branching
CUT_ROUNDS = 12
# reduced-cost slack of the columns RENS may add to the LP's fractional part
RENS_RC_SLACK = (0.0, 20.0)


def _components(form: Formulation) -> np.ndarray:
    """Component label per column: columns are linked only by sharing a row."""
    a = form.matrix
    n_rows = a.shape[0]
    g = sp.bmat([[None, a], [a.T, None]], format="csr")
    _, labels = connected_components(g, directed=False)
    return labels[n_rows:]


def _dominated(cp: Compiled, form: Formulation) -> np.ndarray:
    """Columns no optimal solution needs, found through "free" candidates.

    A candidate none of whose columns sits in a candidate row can take any set
    of their arcs at once. On a slot with such a free arc of cost f, any other
    arc costing >= f can be swapped for it without hurting anyone else, so it
    is not needed; repeated, this removes most arcs of realistic instances.
    """
    a = form.matrix
    slot = cp.a_slot[form.arcs]
    cand = cp.a_cand[form.arcs]
    cost = cp.a_cost[form.arcs]
    in_cand_row = np.zeros(len(slot), dtype=bool)
    if a.nnz:
        row_slot = slot[a.indices]
        starts = a.indptr[:-1]
        nonempty = np.diff(a.indptr) > 0
        lo = np.minimum.reduceat(row_slot, starts[nonempty])
        hi = np.maximum.reduceat(row_slot, starts[nonempty])
        cand_rows = np.nonzero(nonempty)[0][lo != hi]
        sub = a[cand_rows]
        in_cand_row[sub.indices] = True
    busy = np.zeros(cp.n_cands, dtype=bool)
    busy[cand[in_cand_row]] = True
    free = ~busy[cand]
    best_free = np.full(cp.n_slots, np.inf)
    np.minimum.at(best_free, slot[free], cost[free])
    dominated = cost >= best_free[slot]
    keepers = np.nonzero(free & (cost == best_free[slot]))[0]
    _, first = np.unique(slot[keepers], return_index=True)
    dominated[keepers[first]] = False
    return dominated


def _dominated_by_free(cp: Compiled, keep: np.ndarray) -> np.ndarray:
    """Arcs (mask over cp's arcs) that a free person's arc dominates (see _dominated), with
    free meaning exactly "can work all of their kept arcs at once"."""
    from .pricing import all_fit
    from .weekly import bookings_csr

    idx = np.nonzero(keep)[0]
    cand = cp.a_cand[idx]
    start = cp.s_start[cp.a_slot[idx]]
    end = cp.s_end[cp.a_slot[idx]]
    order = np.lexsort((end, start, cand))
    idx, cand, start, end = idx[order], cand[order], start[order], end[order]
    people, first = np.unique(cand, return_index=True)
    ptr = np.append(first, len(cand)).astype(np.int64)
    bptr, bst, ben = bookings_csr(cp.b_cand, cp.b_start, cp.b_end, people)
    ok = np.ones(len(people), dtype=np.bool_)
    all_fit(
        ptr,
        start.astype(np.int64),
        end.astype(np.int64),
        bptr,
        bst,
        ben,
        int(cp.rest),
        int(cp.w7_limit),
        int(cp.w24_limit),
        int(cp.weekly_rest),
        ok,
    )
    free = np.repeat(ok, np.diff(ptr))
    slot = cp.a_slot[idx]
    cost = cp.a_cost[idx]
    best_free = np.full(cp.n_slots, np.inf)
    np.minimum.at(best_free, slot[free], cost[free])
    dominated = cost >= best_free[slot]
    keepers = np.nonzero(free & (cost == best_free[slot]))[0]
    # the first free arc at the best cost stays (lowest arc index: deterministic)
    ko = keepers[np.lexsort((idx[keepers], slot[keepers]))]
    _, first_k = np.unique(slot[ko], return_index=True)
    dominated[ko[first_k]] = False
    out = np.zeros(len(keep), dtype=bool)
    out[idx[dominated]] = True
    return out


def _reduce(cp: Compiled, keep: np.ndarray, max_rounds: int = 8) -> Formulation:
    keep = keep.copy()
    # cheap first round without building rows: one-arc candidates are always free
    per_cand = np.bincount(cp.a_cand[keep], minlength=cp.n_cands)
    idx = np.nonzero(keep)[0]
    free = per_cand[cp.a_cand[idx]] == 1
    best_free = np.full(cp.n_slots, np.inf)
    np.minimum.at(best_free, cp.a_slot[idx[free]], cp.a_cost[idx[free]])
    dom = cp.a_cost[idx] >= best_free[cp.a_slot[idx]]
    keepers = np.nonzero(free & (cp.a_cost[idx] == best_free[cp.a_slot[idx]]))[0]
    _, first = np.unique(cp.a_slot[idx[keepers]], return_index=True)
    dom[keepers[first]] = False
    keep[idx[dom]] = False
    # Without building any rows: people who can work all of their arcs at once are
    # free; this removes most arcs before the first (large) formulation is built.
    for _ in range(max_rounds):
        dom = _dominated_by_free(cp, keep)
        if not dom.any():
            break
        keep &= ~dom
    caps = weekly_rest_caps(cp, keep)
    form = build_formulation(cp, keep, caps)
    for _ in range(max_rounds):
        dom = _dominated(cp, form)
        if not dom.any():
            break
        keep[form.arcs[dom]] = False
        form = build_formulation(cp, keep, caps)
    return form


def _round(obj: np.ndarray, csc: sp.csc_matrix, rhs: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Take useful columns in the given order whenever every row still has room."""
    used = np.zeros(csc.shape[0])
    x = np.zeros(len(obj), dtype=bool)
    indptr, indices, data = csc.indptr, csc.indices, csc.data
    slack = rhs + 1e-9
    for j in order.tolist():
        if obj[j] >= 0:
            continue
        lo, hi = indptr[j], indptr[j + 1]
        rows = indices[lo:hi]
        if hi == lo or np.all(used[rows] + data[lo:hi] <= slack[rows]):
            used[rows] += data[lo:hi]
            x[j] = True
    return x


def _slot_rows(matrix: sp.csr_matrix, col_slot: np.ndarray) -> np.ndarray:
    """Indices of the rows whose columns all belong to one slot."""
    if matrix.shape[0] == 0 or matrix.nnz == 0:
        return np.zeros(0, dtype=np.int64)
    starts = matrix.indptr[:-1]
    nonempty = np.diff(matrix.indptr) > 0
    rs = col_slot[matrix.indices]
    lo = np.minimum.reduceat(rs, starts[nonempty])
    hi = np.maximum.reduceat(rs, starts[nonempty])
    return np.nonzero(nonempty)[0][lo == hi]


def _cover_cuts(
    knap: sp.csr_matrix, cap: np.ndarray, x: np.ndarray
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Violated extended cover inequalities of the hour-knapsack rows.

    Per row, take shifts in order of LP value until the hours exceed the room:
    that cover C cannot be worked in full, so sum_C x <= |C| - 1, and any shift
    at least as long as C's longest can join the left side. This is what closes
    most of the LP gap: the LP happily takes 1 + 1 + 0.67 of 8 h, 8 h, 12 h in
    24 free hours.
    """
    k = knap.shape[0]
    empty = (sp.csr_matrix((0, len(x))), np.zeros(0))
    if k == 0:
        return empty
    lens = np.diff(knap.indptr)
    rows = np.repeat(np.arange(k), lens)
    d = knap.data
    xv = x[knap.indices]
    o = np.lexsort((-d, -xv, rows))
    rows, cols, d, xv = rows[o], knap.indices[o], d[o], xv[o]
    start = knap.indptr[:-1]
    pos = np.arange(len(rows)) - start[rows]
    cum_d = np.cumsum(d)
    cum_d -= np.concatenate(([0.0], cum_d))[start][rows]
    over = np.nonzero(cum_d > cap[rows] + 1e-9)[0]
    if len(over) == 0:
        return empty
    cover_rows, first = np.unique(rows[over], return_index=True)
    last = np.full(k, -1)
    last[cover_rows] = pos[over[first]]
    in_cover = pos <= last[rows]
    max_d = np.zeros(k)
    np.maximum.at(max_d, rows[in_cover], d[in_cover])
    member = in_cover | ((last[rows] >= 0) & (d >= max_d[rows] - 1e-9))
    lhs = np.bincount(rows[member], weights=xv[member], minlength=k)
    size = last + 1
    violated = (last >= 0) & (lhs > size - 1 + 1e-4)
    if not violated.any():
        return empty
    keep = member & violated[rows]
    rid = np.cumsum(violated) - 1
    cut = sp.csr_matrix(
        (np.ones(int(keep.sum())), (rid[rows[keep]], cols[keep])),
        shape=(int(violated.sum()), len(x)),
    )
    return cut, (size[violated] - 1).astype(np.float64)


def _rens(
    obj: np.ndarray,
    csc: sp.csc_matrix,
    rhs: np.ndarray,
    offset: float,
    x_lp: np.ndarray,
    rc: np.ndarray,
    rc_slack: float,
    time_limit: float,
    rel_gap: float,
) -> np.ndarray | None:
    """Keep the LP's ones, re-decide only its fractional part (plus near-zero
    reduced-cost columns) as a small MIP. The LP is mostly integral, so this
    MIP has a few hundred columns even at 5,000 slots."""
    ones = x_lp >= 1 - 1e-6
    room = rhs - csc @ ones.astype(np.float64)
    free = ~ones & ((x_lp > 1e-6) | (rc <= rc_slack))
    cols = np.nonzero(free)[0]
    if len(cols) == 0:
        return ones
    sub = csc[:, cols]
    # a column that no longer fits on its own cannot be used
    over = sub.data > room[sub.indices] + 1e-9
    bad = np.unique(np.repeat(np.arange(len(cols)), np.diff(sub.indptr))[over])
    good = np.setdiff1d(np.arange(len(cols)), bad)
    cols = cols[good]
    sub = sub[:, good].tocsr()
    rows = np.unique(sub.indices)
    res = highs.solve(
        obj[cols],
        sub[rows],
        room[rows],
        offset=offset + float(obj[ones].sum()),
        integer=True,
        time_limit=time_limit,
        rel_gap=rel_gap / 4,
    )
    if res.x is None:
        return None
    x = ones.copy()
    x[cols[res.x > 0.5]] = True
    return x


def _solve_block(
    obj: np.ndarray,
    matrix: sp.csr_matrix,
    rhs: np.ndarray,
    offset: float,
    time_limit: float,
    rel_gap: float,
    start: np.ndarray,
    is_knap: np.ndarray,
    cp: Compiled | None = None,
    arcs: np.ndarray | None = None,
    workers: int = 1,
) -> tuple[np.ndarray, float, bool]:
    """(0/1 columns, proven bound incl. offset, reached the gap target).

    LP first (bound), the schedule bound and column generation (a stronger
    bound and a good solution fast), then, only if the gap is still open, a MIP
    restricted to the columns the LP likes and the full MIP seeded with the
    best solution so that its root cuts only have to prove it.
    """
    t_begin = time.perf_counter()
    t_end = t_begin + time_limit
    best = start.copy()
    best_val = float(obj[best].sum()) + offset
    pricer = colgen.Pricer(cp, arcs, workers) if cp is not None and arcs is not None else None
    weekly = pricer is not None and bool(pricer.bind.any())
    # the block's own rows (without cuts), for the weekly-rest repair only
    block_csc, block_rhs = (matrix.tocsc(), rhs) if weekly else (None, rhs)

    def consider(x: np.ndarray) -> None:
        nonlocal best, best_val
        if weekly:
            # the rows state the weekly rest only as a count: drop the shifts that break
            # it, then give the freed slots to whoever still fits
            x = pricer.fill(pricer.repair(x, -obj), obj, block_csc, block_rhs)
        val = float(obj[x].sum()) + offset
        # solvers work to tolerances; keep only what satisfies the rows exactly
        if val < best_val and np.all(matrix @ x.astype(np.float64) <= rhs + 1e-6):
            best, best_val = x, val

    def closed() -> bool:
        return best_val - bound <= rel_gap * abs(best_val)

    model = highs.LPModel(obj, matrix, rhs, offset)
    lp = model.solve(time_limit)
    bound = lp.bound
    if lp.x is None:
        return best, bound, False
    slot_rows = _slot_rows(matrix, cp.a_slot[arcs]) if cp is not None and arcs is not None else None
    knap = matrix[is_knap]
    knap_rhs = rhs[is_knap]
    cut_parts: list[sp.csr_matrix] = []
    cut_rhs: list[np.ndarray] = []
    for _ in range(CUT_ROUNDS):
        if time.perf_counter() > t_end - 0.5 * time_limit:
            break
        cuts, crhs = _cover_cuts(knap, knap_rhs, lp.x)
        n_weekly = 0
        if weekly:
            wcuts, wrhs = pricer.weekly_cuts(lp.x)
            n_weekly = wcuts.shape[0]
            if wcuts.shape[0]:
                cuts, crhs = sp.vstack([cuts, wcuts]).tocsr(), np.concatenate([crhs, wrhs])
        if cuts.shape[0] == 0:
            break
        model.add_rows(cuts, crhs)
        cut_parts.append(cuts)
        cut_rhs.append(crhs)
        again = model.solve(t_end - time.perf_counter())
        if again.x is None:
            break
        gain = again.bound - lp.bound
        lp, bound = again, max(bound, again.bound)
        # weekly-rest cuts are worth their round even when the bound barely moves: they
        # make the LP's ones a schedule that keeps the rule, which the roundings need
        if gain < 1e-5 * abs(bound) and not n_weekly:
            break
    # the compact LP's HiGHS model is done with: free it before the heuristics and the
    # column generation build theirs
    del model, knap
    memory.trim()
    if cut_parts:
        matrix = sp.vstack([matrix, *cut_parts]).tocsr()
        rhs = np.concatenate([rhs, *cut_rhs])
        del cut_parts, cut_rhs
    csc = matrix.tocsc()
    order = np.lexsort((obj, -np.round(lp.x, 6)))
    consider(
        pricer.round(obj, csc, rhs, order) if pricer is not None else _round(obj, csc, rhs, order)
    )
    if closed():
        return best, bound, True

    schedules = None
    if slot_rows is not None and lp.row_duals is not None and cp is not None and arcs is not None:
        # one pass of per-person schedule pricing at the LP's slot duals: a
        # Lagrangian bound far stronger than the compact rows
        mu0 = np.zeros(len(obj))
        sub = matrix[slot_rows].tocoo()
        mu0[sub.col] = np.maximum(-lp.row_duals[slot_rows][sub.row], 0.0)
        schedules = partial(
            colgen.column_generation,
            cp,
            arcs,
            obj,
            offset,
            mu0,
            gap=rel_gap,
            pricer=pricer,
        )
        bound = max(bound, schedules(best, deadline=t_end, max_rounds=0).bound)
        if closed():
            return best, bound, True

    if lp.reduced_costs is not None:
        for rc_slack in RENS_RC_SLACK:
            # a heuristic: worth a few LP-times of effort, not the whole budget
            now = time.perf_counter()
            limit = max(min(0.15 * (t_end - now), 1.0 + 2.0 * (now - t_begin)), 0.05)
            x = _rens(obj, csc, rhs, offset, lp.x, lp.reduced_costs, rc_slack, limit, rel_gap)
            if x is not None:
                consider(x)
            if closed():
                return best, bound, True

    if schedules is not None:
        # Column generation over schedules: the bound converges to the Dantzig-Wolfe
        # bound, and a MIP over the schedules (feasible by construction) finds
        # near-optimal assignments. The rounds stop by themselves once the bound has
        # converged; on a block whose master LP turns slow, a few times the effort so far
        # is enough before the MIPs below take over.
        now = time.perf_counter()
        # when the weekly rest binds, the compact roundings cannot keep it but the
        # schedules can: they get the larger part of the effort
        effort = (2.0 + 3.0 * (now - t_begin)) * (3.0 if weekly else 1.0)
        cg = schedules(
            best,
            deadline=now + max(min((0.6 if weekly else 0.4) * (t_end - now), effort), 0.05),
            rel_gap=rel_gap / 4,
            lp_x=lp.x,
            mip_time=max(min(0.1 * (t_end - now), 1.0 + 1.0 * (now - t_begin)), 0.05),
        )
        bound = max(bound, cg.bound)
        if cg.x is not None:
            consider(cg.x)
        if closed():
            return best, bound, True

    if lp.reduced_costs is not None:
        sel = (lp.x > 1e-6) | (lp.reduced_costs <= 1e-9)
        # the restricted MIP is a heuristic: worth a few LP-times, not the budget
        now = time.perf_counter()
        sub_limit = max(min(0.3 * (t_end - now), 1.0 + 4.0 * (now - t_begin)), 0.05)
        if sel.sum() < len(obj):
            sub = highs.solve(
                obj[sel],
                csc[:, sel].tocsr(),
                rhs,
                offset=offset,
                integer=True,
                time_limit=sub_limit,
                rel_gap=rel_gap / 4,
                start=best[sel].astype(np.float64),
            )
            if sub.x is not None:
                x = np.zeros(len(obj), dtype=bool)
                x[np.nonzero(sel)[0][sub.x > 0.5]] = True
                consider(x)
            if closed():
                return best, bound, True

    mip = highs.solve(
        obj,
        matrix,
        rhs,
        offset=offset,
        integer=True,
        time_limit=t_end - time.perf_counter(),
        rel_gap=rel_gap,
        start=best.astype(np.float64),
    )
    bound = max(bound, mip.bound)
    if mip.x is not None:
        consider(mip.x > 0.5)
    return best, bound, closed()


def solve_compiled(
    cp: Compiled,
    *,
    time_limit_s: float | None = None,
    gap_tolerance_pct: float = 0.5,
    workers: int | None = None,
    block_map: remote.BlockMap | None = None,
    remote_min_columns: int = REMOTE_MIN_COLUMNS,
) -> tuple[np.ndarray, float, str, dict[str, float | int | str]]:
    """Chosen arc indices, proven lower bound, status, stats. With `block_map`, batches of at
    least `remote_min_columns` columns but the largest are solved through it (see
    remote.py); the others here, meanwhile."""
    memory.configure()
    t_begin = time.perf_counter()
    deadline = t_begin + (time_limit_s if time_limit_s is not None else 600.0)
    feasible = feasible_alone(cp, cp.a_slot, cp.a_cand)
    greedy = greedy_arcs(cp, feasible)
    keep = feasible & (cp.a_cost < cp.s_ucost[cp.a_slot])
    form = _reduce(cp, keep)
    t_built = time.perf_counter()

    col_comp = _components(form)
    # columns ordered by component; rows follow their first column
    col_order = np.argsort(col_comp, kind="stable")
    row_comp = col_comp[form.row_comp_key]
    row_order = np.argsort(row_comp, kind="stable")
    matrix = form.matrix.tocsc()[:, col_order].tocsr()[row_order]
    rhs = form.rhs[row_order]
    is_knap = form.is_knapsack[row_order]
    row_comp = row_comp[row_order]
    obj = form.obj[col_order]
    comp_sorted = col_comp[col_order]
    arcs_sorted = form.arcs[col_order]
    n_rows_total = int(form.matrix.shape[0])
    del form, col_comp, col_order, row_order

    comps, col_start = np.unique(comp_sorted, return_index=True)
    col_end = np.append(col_start[1:], len(comp_sorted))
    row_start = np.searchsorted(row_comp, comps, "left")
    row_end = np.searchsorted(row_comp, comps, "right")

    # batch small components; largest work first so the time split is fair
    batches: list[tuple[int, int, int, int]] = []
    i = 0
    while i < len(comps):
        j = i
        while j + 1 < len(comps) and col_end[j + 1] - col_start[i] <= BATCH_COLUMNS:
            j += 1
        batches.append((col_start[i], col_end[j], row_start[i], row_end[j]))
        i = j + 1

    slot_u = cp.s_ucost
    greedy_sel = np.zeros(len(cp.a_slot), dtype=bool)
    greedy_sel[greedy] = True
    chosen = np.zeros(len(arcs_sorted), dtype=bool)
    bound = float(slot_u.sum())  # every slot's unfilled cost, minus what arcs save
    status = "optimal"
    total_cols = max(len(arcs_sorted), 1)
    workers = parallel.resolve(workers)
    # each batch's own rows and columns; the whole matrix is not needed any more (one copy
    # of the rows lives at a time, not two)
    block_matrix = {b[:2]: matrix[b[2] : b[3], b[0] : b[1]] for b in batches}
    del matrix
    memory.trim()

    def run(batch: tuple[int, int, int, int], share: float) -> tuple[np.ndarray, float, bool]:
        c0, c1, r0, r1 = batch
        offset = float(slot_u[np.unique(cp.a_slot[arcs_sorted[c0:c1]])].sum())
        x, b, ok = _solve_block(
            obj[c0:c1],
            block_matrix.pop((c0, c1)),
            rhs[r0:r1],
            offset,
            share,
            gap_tolerance_pct / 100.0 * 0.8,
            greedy_sel[arcs_sorted[c0:c1]],
            is_knap[r0:r1],
            cp,
            arcs_sorted[c0:c1],
            workers,
        )
        return x, (b - offset if math.isfinite(b) else b), ok

    far: list[tuple[int, int, int, int]] = []
    if block_map is not None and len(batches) > 1:
        # the largest stays here (this process would wait anyway), the other large ones go
        largest = max(batches, key=lambda b: (b[1] - b[0], -b[0]))
        far = [b for b in batches if b != largest and b[1] - b[0] >= remote_min_columns]
    remote_results: dict[tuple[int, int, int, int], tuple[np.ndarray, float, bool]] = {}
    if far:
        # time shares fixed before anything starts, as for threads: the answer does not
        # depend on who solves a block, nor when
        budget = deadline - time.perf_counter()
        payloads = [
            remote.block_payload(
                cp,
                arcs_sorted[b[0] : b[1]],
                time_limit_s=min(budget, budget * max(2 * (b[1] - b[0]) / total_cols, 0.05)),
                gap_tolerance_pct=gap_tolerance_pct,
            )
            for b in far
        ]
        sent = parallel.pool("remote", 1).submit(block_map, payloads)
        batches = [b for b in batches if b not in far]
        total_cols = max(total_cols - sum(b[1] - b[0] for b in far), 1)
    if not batches:
        results = []
    elif workers == 1 or len(batches) == 1:
        results = []
        for batch in batches:
            c0, c1 = batch[0], batch[1]
            remaining = deadline - time.perf_counter()
            results.append(run(batch, remaining * max((c1 - c0) / total_cols, 0.05)))
            total_cols -= c1 - c0
    else:
        # independent blocks side by side; each gets its share of the time up front, so
        # the answer does not depend on which thread finishes first
        budget = deadline - time.perf_counter()
        side = min(workers, len(batches))
        futures = [
            parallel.pool("blocks", workers).submit(
                run,
                batch,
                min(budget, budget * max(side * (batch[1] - batch[0]) / total_cols, 0.05)),
            )
            for batch in batches
        ]
        results = [f.result() for f in futures]
    if far:
        try:
            answers = sent.result()
            for b, answer in zip(far, answers, strict=True):
                x, bnd, ok = remote.result_columns(cp, arcs_sorted[b[0] : b[1]], answer)
                offset = float(slot_u[np.unique(cp.a_slot[arcs_sorted[b[0] : b[1]]])].sum())
                remote_results[b] = (x, bnd - offset, ok)
                block_matrix.pop(b[:2], None)
        except Exception:
            # whoever was to solve them did not: solve them here, in what time is left
            logger.warning("remote blocks failed; solving them here", exc_info=True)
            left = [b for b in far if b not in remote_results]  # their rows are still here
            for b in left:
                remote_results[b] = run(b, max(deadline - time.perf_counter(), 1.0) / len(left))
        batches = batches + far
        results = results + [remote_results[b] for b in far]
    for (c0, c1, _, _), (x, b, ok) in zip(batches, results, strict=True):
        if not ok:
            status = "time_limit"
        chosen[c0:c1] = x
        if math.isfinite(b):
            bound += b
        else:
            # no dual bound: fall back to each slot's best saving
            bound += _block_trivial(cp, arcs_sorted[c0:c1], obj[c0:c1])
    result = arcs_sorted[chosen]
    bound -= abs(bound) * BOUND_SAFETY_REL
    stats: dict[str, float | int | str] = {
        "build_s": round(t_built - t_begin, 3),
        "columns": len(arcs_sorted),
        "rows": n_rows_total,
        "components": len(comps),
        "batches": len(batches),
        "remote_blocks": len(far),
    }
    obj_val = arcs_objective(cp, result)
    g_obj = arcs_objective(cp, greedy)
    if g_obj < obj_val:
        result, status = greedy, status + "+greedy"
    return result, bound, status, stats


def _block_trivial(cp: Compiled, arcs: np.ndarray, obj: np.ndarray) -> float:
    best = np.zeros(cp.n_slots)
    np.minimum.at(best, cp.a_slot[arcs], obj)
    return float(best.sum())


def solve(
    instance: Instance,
    *,
    time_limit_s: float | None = None,
    gap_tolerance_pct: float = 0.5,
    workers: int | None = None,
    block_map: remote.BlockMap | None = None,
    remote_min_columns: int = REMOTE_MIN_COLUMNS,
) -> Solution:
    """workers: threads for independent blocks and for the schedule search (None: the
    machine's cores, up to 4). The answer does not depend on it. block_map: solves the
    large independent blocks somewhere else (other Celery workers; see remote.py)."""
    t = time.perf_counter()
    cp = compile_instance(instance)
    chosen, bound, status, stats = solve_compiled(
        cp,
        time_limit_s=time_limit_s,
        gap_tolerance_pct=gap_tolerance_pct,
        workers=workers,
        block_map=block_map,
        remote_min_columns=remote_min_columns,
    )
    objective = arcs_objective(cp, chosen)
    assignments = {cp.slot_ids[cp.a_slot[a]]: cp.cand_ids[cp.a_cand[a]] for a in chosen.tolist()}
    # Cheap insurance: the loop-based rule check is independent of the
    # formulation; should they ever disagree, fall back to the greedy answer.
    if check_solution(instance, assignments):
        greedy = solve_greedy(instance)
        assignments, objective, status = greedy.assignments, greedy.objective, "greedy-fallback"
    return Solution(
        assignments=assignments,
        objective=objective,
        bound=min(bound, objective),
        status=status,
        wall_s=time.perf_counter() - t,
        stats=stats,
    )
