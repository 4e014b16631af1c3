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
negative reduced cost (compiled, pricing.py); schedules are downward closed, so
arcs with a non-negative reduced cost never help. The multipliers come from the compact
LP's slot-row duals first and then from a restricted master LP over the
schedules found so far (column generation). A MIP over the generated schedules
is an excellent heuristic: every column is a feasible schedule by construction.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from . import highs
from .compiled import Compiled

# search nodes per person and pricing call before falling back to a relaxation
NODE_LIMIT = 200_000
EPS = 1e-7
# reduced cost up to which a master column counts as on the LP's optimal face
RC_FACE = 1e-6


class Pricer:
    """Per-person exact best schedule for given arc reduced costs.

    The search itself is compiled (pricing.py); this class lays the block's
    columns out per person, sorted by start, once.
    """

    def __init__(self, cp: Compiled, arcs: np.ndarray, workers: int = 1) -> None:
        self.cp = cp
        self.workers = max(1, int(workers))
        cand = cp.a_cand[arcs]
        slot = cp.a_slot[arcs]
        start = cp.s_start[slot]
        order = np.lexsort((cp.s_end[slot], start, cand))
        uc, first, counts = np.unique(cand[order], return_index=True, return_counts=True)
        self.order = order  # person-major position -> block column
        self.ptr = np.append(first, len(order)).astype(np.int64)
        self.st = cp.s_start[slot[order]].astype(np.int64)
        self.en = cp.s_end[slot[order]].astype(np.int64)
        self.n_people = len(uc)
        self.person_of_col = np.empty(len(arcs), dtype=np.int64)
        self.person_of_col[order] = np.repeat(np.arange(len(uc)), counts)
        # bookings of the block's people, as one CSR in person order
        from .weekly import bookings_csr, schedules_ok

        self.bptr, self.bst, self.ben = bookings_csr(cp.b_cand, cp.b_start, cp.b_end, uc)
        # people for whom the weekly rest can bind (all their arcs at once break it)
        self.bind = np.zeros(self.n_people, dtype=np.bool_)
        if cp.weekly_rest > 0 and self.n_people:
            ok = np.ones(self.n_people, dtype=np.bool_)
            schedules_ok(
                self.ptr, self.st, self.en, self.bptr, self.bst, self.ben, int(cp.weekly_rest), ok
            )
            self.bind = ~ok
        # (multipliers, bound, columns) of the last initial pass, reused when a
        # bound-only call is followed by the full column generation
        self.first_pass: tuple[np.ndarray, float, list[list[int]]] | None = None
        self.pos_of: np.ndarray | None = None

    def round(
        self, obj: np.ndarray, csc: sp.csc_matrix, rhs: np.ndarray, order: np.ndarray
    ) -> np.ndarray:
        """Take useful columns in the given order whenever every row (csc: the block's
        rows) still has room and the weekly rest still holds."""
        from .weekly import round_fill

        if self.pos_of is None:
            self.pos_of = np.empty(len(self.order), dtype=np.int64)
            self.pos_of[self.order] = np.arange(len(self.order))
        x = np.zeros(len(obj), dtype=np.bool_)
        round_fill(
            np.ascontiguousarray(order, dtype=np.int64),
            np.ascontiguousarray(obj, dtype=np.float64),
            csc.indptr.astype(np.int64),
            csc.indices.astype(np.int64),
            csc.data.astype(np.float64),
            np.ascontiguousarray(rhs, dtype=np.float64),
            self.person_of_col,
            self.pos_of,
            self.ptr,
            self.st,
            self.en,
            self.bind,
            self.bptr,
            self.bst,
            self.ben,
            int(self.cp.weekly_rest),
            x,
        )
        return x

    def fill(
        self, x: np.ndarray, obj: np.ndarray, csc: sp.csc_matrix, rhs: np.ndarray
    ) -> np.ndarray:
        """x (feasible) plus whatever useful columns still fit, cheapest first."""
        rest = np.nonzero(~x)[0]
        order = np.concatenate((np.nonzero(x)[0], rest[np.argsort(obj[rest], kind="stable")]))
        return self.round(obj, csc, rhs, order)

    def weekly_cuts(self, x: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
        """Weekly-rest rows the LP solution x breaks (see weekly.separate), over block columns."""
        from .weekly import separate

        n_cols = len(self.order)
        rows, pos, n = separate(
            self.ptr,
            self.st,
            self.en,
            np.ascontiguousarray(x[self.order], dtype=np.float64),
            self.bind,
            self.bptr,
            self.bst,
            self.ben,
            int(self.cp.weekly_rest),
        )
        if n == 0:
            return sp.csr_matrix((0, n_cols)), np.zeros(0)
        rows, cols = rows[:n], self.order[pos[:n]]
        cut = sp.csr_matrix((np.ones(n), (rows, cols)), shape=(int(rows[-1]) + 1, n_cols))
        # one row per distinct set of shifts
        keys = {}
        for r in range(cut.shape[0]):
            keys.setdefault(cut.indices[cut.indptr[r] : cut.indptr[r + 1]].tobytes(), r)
        cut = cut[sorted(keys.values())]
        return cut, np.diff(cut.indptr).astype(np.float64) - 1.0

    def repair(self, x: np.ndarray, gain: np.ndarray) -> np.ndarray:
        """x (0/1 block columns) with, for each person whose chosen shifts break the
        weekly rest, only a subset that keeps it (largest gain first). Every other
        rule holds for any subset of a feasible schedule, so the result is feasible
        whenever x satisfied the formulation's rows."""
        if not self.bind.any():
            return x
        from .weekly import repair

        pos = np.nonzero(x[self.order])[0]
        people = np.searchsorted(self.ptr, pos, "right") - 1
        m = self.bind[people]
        pos, people = pos[m], people[m]
        if len(pos) == 0:
            return x
        uniq, first = np.unique(people, return_index=True)
        ptr = np.append(first, len(pos)).astype(np.int64)
        lo, hi = self.bptr[uniq], self.bptr[uniq + 1]
        bptr = np.concatenate(([0], np.cumsum(hi - lo))).astype(np.int64)
        take = np.repeat(lo - bptr[:-1], hi - lo) + np.arange(bptr[-1])
        keep = np.ones(len(pos), dtype=np.bool_)
        cols = self.order[pos]
        repair(
            ptr,
            self.st[pos],
            self.en[pos],
            np.ascontiguousarray(gain[cols], dtype=np.float64),
            bptr,
            self.bst[take],
            self.ben[take],
            int(self.cp.weekly_rest),
            keep,
        )
        if keep.all():
            return x
        x = x.copy()
        x[cols[~keep]] = False
        return x

    def price(self, rc: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[list[int]]]:
        """For every person: (gain upper bound, gain found, columns found),
        gain = -reduced cost. The bound equals the gain found unless the search
        hit its node limit."""
        # imported here, not at module level: numba takes ~0.3 s to import, and every web
        # process imports the engine through the matching views without ever pricing
        from .pricing import price_people

        ub = np.zeros(self.n_people)
        val = np.zeros(self.n_people)
        take = np.zeros(len(self.order), dtype=np.bool_)
        cp = self.cp
        rc_sorted = np.ascontiguousarray(rc[self.order], dtype=np.float64)

        def run(p0: int, p1: int) -> None:
            # people are independent: each piece writes only its own people's entries
            price_people(
                self.ptr[p0 : p1 + 1],
                self.st,
                self.en,
                rc_sorted,
                self.bptr[p0 : p1 + 1],
                self.bst,
                self.ben,
                int(cp.rest),
                int(cp.w7_limit),
                int(cp.w24_limit),
                int(cp.weekly_rest),
                self.bind[p0:p1],
                NODE_LIMIT,
                EPS,
                ub[p0:p1],
                val[p0:p1],
                take,
            )

        pieces = self._pieces()
        if len(pieces) == 1:
            run(*pieces[0])
        else:
            from .parallel import pool

            for f in [pool("pricing", self.workers).submit(run, *pc) for pc in pieces]:
                f.result()
        pos = np.nonzero(take)[0]
        cols = self.order[pos]
        people = np.searchsorted(self.ptr, pos, "right") - 1
        cuts = np.nonzero(np.diff(people))[0] + 1
        found = [c.tolist() for c in np.split(cols, cuts)] if len(cols) else []
        return ub, val, found

    def _pieces(self) -> list[tuple[int, int]]:
        """People split into runs of about equal arc counts, several per worker so a
        piece with a hard search does not leave the other threads idle."""
        n = self.n_people
        if self.workers == 1 or len(self.order) < 2_000 or n < 2:
            return [(0, n)]
        k = min(4 * self.workers, n)
        cuts = np.searchsorted(self.ptr, np.linspace(0, len(self.order), k + 1)[1:-1])
        bounds = np.unique(np.concatenate(([0], np.clip(cuts, 0, n), [n])))
        return [(int(a), int(b)) for a, b in itertools.pairwise(bounds.tolist())]

    def best(self, p: int, rc: np.ndarray) -> tuple[float, float, list[int]]:
        """(gain upper bound, gain found, columns found) for person p alone."""
        ub, val, found = self.price(np.where(self.person_of_col == p, rc, 0.0))
        return float(ub[p]), float(val[p]), found[0] if found else []


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
    n_people = pricer.n_people
    person = pricer.person_of_col

    mu_slot = np.zeros(n_slots)
    np.maximum.at(mu_slot, slot_row, np.maximum(mu0, 0.0))

    def lagrangian(mu_s: np.ndarray) -> tuple[float, list[list[int]], np.ndarray]:
        ub, gains, found = pricer.price(obj + mu_s[slot_row])
        return offset - float(mu_s.sum()) - float(ub.sum()), found, gains

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
        # each person's LP ones form a feasible schedule (rows have >= 0 entries), once
        # the weekly rest, which the rows do not fully state, is restored
        ones: dict[int, list[int]] = {}
        lp_ones = pricer.repair(lp_x >= 1 - 1e-6, -obj)
        for j in np.nonzero(lp_ones)[0].tolist():
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

    def master_mip(time_limit: float, lp: highs.Result) -> None:
        """The best combination of the generated schedules (a heuristic).

        Only over the master LP's optimal face (schedules it uses or whose
        reduced cost is zero): the master is very degenerate, so that face
        is rich, yet it is a tenth of all schedules and solves in a fraction
        of a second where the whole master MIP would not finish its root."""
        nonlocal best_x, best_val
        if time_limit < 0.02:
            return
        inc = np.nonzero(best_x)[0]
        keys: dict[int, list[int]] = {}
        for j in inc.tolist():
            keys.setdefault(int(person[j]), []).append(j)
        inc_keys = {tuple(sorted(v)) for v in keys.values()}
        in_inc = np.array([tuple(c) in inc_keys for c in columns], dtype=bool)
        keep = in_inc.copy()
        n_lp = len(lp.x) if lp.x is not None else 0
        if lp.reduced_costs is not None and lp.x is not None:
            keep[:n_lp] |= (lp.x > 1e-6) | (lp.reduced_costs <= RC_FACE)
        keep[n_lp:] = True
        picked = np.nonzero(keep)[0]
        cost, mat = matrix_of([columns[k] for k in picked.tolist()])
        res = highs.solve(
            cost,
            mat.tocsr(),
            rhs,
            offset=offset,
            integer=True,
            time_limit=time_limit,
            rel_gap=rel_gap,
            start=in_inc[picked].astype(np.float64),
        )
        if res.x is not None and res.objective < best_val:
            x = np.zeros(n_cols, dtype=bool)
            for k in picked[res.x > 0.5].tolist():
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
    lp = highs.Result(None, math.inf, -math.inf, False)
    for _ in range(max_rounds):
        if bound >= target() or time.perf_counter() > deadline:
            break
        lp = model.solve(deadline - time.perf_counter())
        if lp.row_duals is None:
            break
        # the restricted master is close to the bound: its schedules are
        # likely to contain a solution good enough to be proven
        if mip_tries < 2 and added and bound >= lp.objective - 0.8 * gap * abs(lp.objective):
            master_mip(mip_time, lp)
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
    if (added or mip_tries == 0) and bound < target() and mip_time >= 0.02:
        if added or lp.x is None:
            lp = model.solve(max(deadline - time.perf_counter(), mip_time))
        if lp.x is not None:
            master_mip(mip_time, lp)
    return ColGenResult(bound=bound, x=best_x, mu=best_mu[slot_row])
