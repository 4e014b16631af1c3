"""Schedule-based (Dantzig-Wolfe) bound and heuristic for one block.

The compact LP only sees each person's rules through clique, window and cover
rows, and for busy people (agency temps with dozens of arcs) that leaves it
~1 % below the optimum. Here every person's feasible schedules are the columns
instead: relaxing only the "one candidate per slot" rows with multipliers
mu >= 0 gives the Lagrangian bound

    L(mu) = offset - sum_s mu_s + sum_c min(0, min_{S feasible for c} sum_{a in S} (obj_a + mu_s(a)))

which is a valid lower bound for ANY mu >= 0, as long as each person's inner
minimum is solved exactly or under-estimated (never over-estimated). The inner
problem (pricing) is a small max-weight search over that person's arcs with a
negative reduced cost; schedules are downward closed, so arcs with a
non-negative reduced cost never help. The multipliers come from the compact
LP's slot-row duals first and then from a restricted master LP over the
schedules found so far (column generation). A MIP over the generated schedules
is an excellent heuristic: every column is a feasible schedule by construction.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from . import highs
from .compiled import DAY, WEEK, Compiled

# search nodes per person and pricing call before falling back to a relaxation
NODE_LIMIT = 20_000
EPS = 1e-7


@dataclass(slots=True)
class _Person:
    cols: np.ndarray  # block columns of this person, sorted by start
    st: list[int]
    en: list[int]
    booked: list[tuple[int, int]]


class Pricer:
    """Per-person exact best schedule for given arc reduced costs."""

    def __init__(self, cp: Compiled, arcs: np.ndarray) -> None:
        self.cp = cp
        cand = cp.a_cand[arcs]
        slot = cp.a_slot[arcs]
        start = cp.s_start[slot]
        order = np.lexsort((cp.s_end[slot], start, cand))
        uc, first = np.unique(cand[order], return_index=True)
        last = np.append(first[1:], len(order))
        bounds = np.searchsorted(cp.b_cand, np.arange(cp.n_cands + 1))
        self.people: list[_Person] = []
        # (multipliers, bound, columns) of the last initial pass, reused when a
        # bound-only call is followed by the full column generation
        self.first_pass: tuple[np.ndarray, float, list[list[int]]] | None = None
        self.person_of_col = np.empty(len(arcs), dtype=np.int64)
        for p, (c, lo, hi) in enumerate(
            zip(uc.tolist(), first.tolist(), last.tolist(), strict=True)
        ):
            cols = order[lo:hi]
            self.person_of_col[cols] = p
            b0, b1 = bounds[c], bounds[c + 1]
            self.people.append(
                _Person(
                    cols=cols,
                    st=cp.s_start[slot[cols]].tolist(),
                    en=cp.s_end[slot[cols]].tolist(),
                    booked=list(
                        zip(cp.b_start[b0:b1].tolist(), cp.b_end[b0:b1].tolist(), strict=True)
                    ),
                )
            )

    def best(self, p: int, rc: np.ndarray) -> tuple[float, float, list[int]]:
        """(gain upper bound, gain found, columns found) for person p, gain = -cost.

        The upper bound equals the found gain when the search finished.
        """
        person = self.people[p]
        r = rc[person.cols]
        idx = np.nonzero(r < -EPS)[0]
        if len(idx) == 0:
            return 0.0, 0.0, []
        cp = self.cp
        st = [person.st[i] for i in idx.tolist()]
        en = [person.en[i] for i in idx.tolist()]
        w = (-r[idx]).tolist()
        n = len(idx)
        if n == 1:
            return w[0], w[0], [int(person.cols[idx[0]])]
        rest = cp.rest
        # opt[j]: best gain from arcs j.. under the rest rule alone (weighted
        # interval scheduling), an upper bound for the search from j on
        nxt = np.searchsorted(np.array(st), np.array(en) + rest, "left").tolist()
        opt = [0.0] * (n + 1)
        for j in range(n - 1, -1, -1):
            opt[j] = max(opt[j + 1], w[j] + opt[nxt[j]])
        booked = person.booked
        limits = ((WEEK, cp.w7_limit), (DAY, cp.w24_limit))
        chosen: list[int] = []
        best_val = 0.0
        best_set: list[int] = []
        nodes = 0
        aborted = False

        def fits(j: int) -> bool:
            s_j = st[j]
            shifts = booked + [(st[k], en[k]) for k in chosen]
            shifts.append((s_j, en[j]))
            for window, limit in limits:
                for t, _ in shifts:
                    if t <= s_j < t + window:
                        total = 0
                        for s, e in shifts:
                            if t <= s < t + window:
                                total += e - s
                        if total > limit:
                            return False
            return True

        def rec(i: int, value: float) -> None:
            nonlocal best_val, best_set, nodes, aborted
            nodes += 1
            if nodes > NODE_LIMIT:
                aborted = True
                return
            if value > best_val:
                best_val, best_set = value, list(chosen)
            last_end = en[chosen[-1]] + rest if chosen else None
            for j in range(i, n):
                if last_end is not None and st[j] < last_end:
                    continue
                if value + opt[j] <= best_val + EPS:
                    return
                if not fits(j):
                    continue
                chosen.append(j)
                rec(j + 1, value + w[j])
                chosen.pop()
                if aborted:
                    return

        rec(0, 0.0)
        cols = [int(person.cols[idx[k]]) for k in best_set]
        if not aborted:
            return best_val, best_val, cols
        # cut short: the rest-only optimum still bounds the best gain from above
        return max(best_val, opt[0]), best_val, cols


@dataclass(slots=True)
class ColGenResult:
    bound: float  # proven, incl. offset; -inf when nothing was proven
    x: np.ndarray | None  # best 0/1 block columns found from the schedules
    mu: np.ndarray | None


def column_generation(
    cp: Compiled,
    arcs: np.ndarray,
    obj: np.ndarray,
    offset: float,
    mu0: np.ndarray,
    incumbent: np.ndarray,
    gap: float,
    deadline: float,
    max_rounds: int = 30,
    mip_time: float = 1.0,
    rel_gap: float = 1e-3,
    pricer: Pricer | None = None,
    lp_x: np.ndarray | None = None,
    smoothing: float = 0.0,
) -> ColGenResult:
    """Lagrangian bounds from column generation, then a MIP over the schedules.

    mu0: initial slot multipliers per block column's slot (indexed by column,
    i.e. mu0[j] is the multiplier of column j's slot). gap: stop once the bound
    proves the incumbent within this relative gap. max_rounds=0: only the
    Lagrangian bound at mu0 (one pricing pass), no master and no MIP.
    """
    pricer = pricer or Pricer(cp, arcs)
    n_cols = len(arcs)
    slot = cp.a_slot[arcs]
    slots, slot_row = np.unique(slot, return_inverse=True)
    n_slots = len(slots)
    n_people = len(pricer.people)
    person = pricer.person_of_col

    mu_slot = np.zeros(n_slots)
    np.maximum.at(mu_slot, slot_row, np.maximum(mu0, 0.0))

    def lagrangian(mu_s: np.ndarray) -> tuple[float, list[list[int]], np.ndarray]:
        rc = obj + mu_s[slot_row]
        total = offset - float(mu_s.sum())
        found: list[list[int]] = []
        gains = np.zeros(n_people)
        has_neg = np.zeros(n_people, dtype=bool)
        has_neg[person[rc < -EPS]] = True
        for p in np.nonzero(has_neg)[0].tolist():
            ub, val, cols = pricer.best(p, rc)
            total -= ub
            gains[p] = val
            found.append(cols)
        return total, [f for f in found if f], gains

    cached = pricer.first_pass
    if cached is not None and np.array_equal(cached[0], mu_slot):
        bound, new_cols = cached[1], cached[2]
    else:
        bound, new_cols, _ = lagrangian(mu_slot)
        pricer.first_pass = (mu_slot.copy(), bound, new_cols)
    if max_rounds == 0:
        return ColGenResult(bound=bound, x=None, mu=mu_slot[slot_row])
    # master: rows = slots, then one convexity row per person
    columns: list[list[int]] = []
    seen: set[tuple[int, ...]] = set()

    def add(cols_list: list[list[int]]) -> list[list[int]]:
        fresh = []
        for cols in cols_list:
            key = tuple(sorted(cols))
            if key and key not in seen:
                seen.add(key)
                columns.append(list(key))
                fresh.append(list(key))
        return fresh

    inc = np.nonzero(incumbent)[0]
    by_person: dict[int, list[int]] = {}
    for j in inc.tolist():
        by_person.setdefault(int(person[j]), []).append(j)
    add(list(by_person.values()))
    add(new_cols)
    if lp_x is not None:
        # each person's LP ones form a feasible schedule (rows have >= 0 entries)
        ones: dict[int, list[int]] = {}
        for j in np.nonzero(lp_x >= 1 - 1e-6)[0].tolist():
            ones.setdefault(int(person[j]), []).append(j)
        add(list(ones.values()))
    add([[j] for j in range(n_cols)])

    def matrix_of(cols_list: list[list[int]]) -> tuple[np.ndarray, sp.csc_matrix]:
        lens = [len(c) for c in cols_list]
        flat = np.fromiter((j for c in cols_list for j in c), dtype=np.int64, count=sum(lens))
        col_id = np.repeat(np.arange(len(cols_list)), lens)
        rows = np.concatenate((slot_row[flat], n_slots + person[[c[0] for c in cols_list]]))
        cid = np.concatenate((col_id, np.arange(len(cols_list))))
        m = sp.csc_matrix(
            (np.ones(len(rows)), (rows, cid)), shape=(n_slots + n_people, len(cols_list))
        )
        cost = np.bincount(col_id, weights=obj[flat], minlength=len(cols_list))
        return cost, m

    rhs = np.ones(n_slots + n_people)
    best_x = incumbent.copy()
    best_val = offset + float(obj[best_x].sum())

    def master_mip(time_limit: float) -> None:
        """The best combination of the generated schedules (a heuristic)."""
        nonlocal best_x, best_val
        if time_limit < 0.02:
            return
        cost, mat = matrix_of(columns)
        start = np.zeros(len(columns))
        inc = np.nonzero(best_x)[0]
        keys: dict[int, list[int]] = {}
        for j in inc.tolist():
            keys.setdefault(int(person[j]), []).append(j)
        inc_keys = {tuple(sorted(v)) for v in keys.values()}
        for k, c in enumerate(columns):
            if tuple(c) in inc_keys:
                start[k] = 1.0
        res = highs.solve(
            cost,
            mat.tocsr(),
            rhs,
            offset=offset,
            integer=True,
            time_limit=time_limit,
            rel_gap=rel_gap,
            start=start,
        )
        if res.x is not None and res.objective < best_val:
            x = np.zeros(n_cols, dtype=bool)
            for k in np.nonzero(res.x > 0.5)[0].tolist():
                x[columns[k]] = True
            val = offset + float(obj[x].sum())
            if val < best_val:
                best_x, best_val = x, val

    def target() -> float:
        return best_val - gap * abs(best_val)

    cost, mat = matrix_of(columns)
    model = highs.LPModel(cost, mat.tocsr(), rhs, offset)
    best_mu = mu_slot
    added = False
    mip_tries = 0
    for _ in range(max_rounds):
        if bound >= target() or time.perf_counter() > deadline:
            break
        lp = model.solve(deadline - time.perf_counter())
        if lp.row_duals is None:
            break
        # the restricted master is close to the bound: its schedules are
        # likely to contain a solution good enough to be proven
        if mip_tries < 2 and added and bound >= lp.objective - 0.8 * gap * abs(lp.objective):
            master_mip(mip_time)
            mip_tries += 1
            added = False
            if bound >= target():
                break
        mu_master = np.maximum(-lp.row_duals[:n_slots], 0.0)
        # Wentges smoothing: price around the best multipliers so far, which
        # tames the wild duals of an early, column-starved master
        mu_slot = smoothing * best_mu + (1 - smoothing) * mu_master
        val, new_cols, _ = lagrangian(mu_slot)
        if smoothing > 0 and not [c for c in new_cols if tuple(sorted(c)) not in seen]:
            mu_slot = mu_master
            val, new_cols, _ = lagrangian(mu_slot)
        if val > bound:
            bound, best_mu = val, mu_slot
        fresh = add(new_cols)
        if not fresh or lp.objective - bound <= 1e-6 * max(1.0, abs(bound)):
            break
        c2, m2 = matrix_of(fresh)
        model.add_cols(c2, m2)
        added = True
    if (added or mip_tries == 0) and bound < target():
        master_mip(mip_time)
    return ColGenResult(bound=bound, x=best_x, mu=best_mu[slot_row])
