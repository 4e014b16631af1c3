"""Tight 0/1 formulation of the matching problem over feasible arcs.

Rows:
* slot rows: at most one candidate per slot;
* rest cliques: one candidate's shifts, each stretched by min_rest to the right,
  form an interval graph; its maximal cliques give "at most one" rows whose LP
  relaxation is far tighter than pairwise conflicts;
* window rows: for every window start (an eligible slot start or a booked
  start), a knapsack row on the hours and a cardinality row (how many of the
  shortest eligible shifts fit), which is the strong form when shifts are long.

* weekly-rest rows: for each person for whom the weekly rest can bind (all their
  shifts at once break it), "at most k of them", k the most shifts the person
  can work under every rule (found by the compiled schedule search). The row
  also keeps the person's shifts in one block and out of the dominance
  reduction's "free" people; the rule itself is enforced on every answer
  (colgen.Pricer.repair) and in the schedule search.

Windows starting at a slot that ends up unassigned are harmless: the shifts in
such a window are a subset of those in the window of the next real shift, so
the rows stay valid and the formulation stays exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .compiled import DAY, WEEK, Compiled, booked_in_window


@dataclass(slots=True)
class Formulation:
    arcs: np.ndarray  # indices into cp.a_* arrays, sorted by (candidate, start)
    matrix: sp.csr_matrix  # rows x len(arcs), all rows are "<= rhs"
    rhs: np.ndarray
    obj: np.ndarray  # arc cost minus the slot's unfilled cost (negative = useful)
    row_comp_key: np.ndarray  # one arc column per row, to map rows to components
    is_knapsack: np.ndarray  # rows in hours (the others are 0/1 "at most k" rows)


def _triplets_to_rows(
    row: np.ndarray, col: np.ndarray, val: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return row.astype(np.int64), col.astype(np.int64), val.astype(np.float64)


def _window_stats(
    lo: np.ndarray, length: np.ndarray, cap: np.ndarray, dur: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per window row: how many of its shortest shifts fit, total hours, and the
    hours of the `fits` longest shifts. Rows are bucketed by length so a few
    very long rows (busy agency temps) do not blow up a padded matrix."""
    n = len(dur)
    fits = np.zeros(len(lo), dtype=np.int64)
    total = np.zeros(len(lo))
    largest = np.zeros(len(lo))
    bucket = np.ceil(np.log2(np.maximum(length, 1))).astype(np.int64)
    for b in np.unique(bucket):
        rows = np.nonzero(bucket == b)[0]
        blo, blen, bcap = lo[rows], length[rows], cap[rows]
        width = int(blen.max())
        offs = np.arange(width)
        valid = offs[None, :] < blen[:, None]
        pos = np.minimum(blo[:, None] + offs[None, :], n - 1)
        srt = np.sort(np.where(valid, dur[pos], np.inf), axis=1)
        cum = np.cumsum(np.where(valid, srt, 0.0), axis=1)
        r = np.arange(len(rows))
        tot = cum[r, blen - 1]
        f = ((cum <= bcap[:, None] + 1e-6) & valid).sum(axis=1)
        smallest_rest = np.where(blen - f > 0, cum[r, np.maximum(blen - f - 1, 0)], 0.0)
        fits[rows] = f
        total[rows] = tot
        largest[rows] = tot - smallest_rest
    return fits, total, largest


def weekly_rest_caps(cp: Compiled, keep: np.ndarray) -> np.ndarray | None:
    """Per candidate: -1 when all of their kept arcs at once keep the weekly rest (then the
    rule cannot bind for them, nor on any subset), else how many of those shifts they can
    work at once at most: all but one, which stays true of any subset of `keep`. (A
    tighter count needs a schedule search per person, which costs more than the row gives.)"""
    if cp.weekly_rest <= 0:
        return None
    from .weekly import people_ok

    arcs = np.nonzero(keep)[0]
    cand = cp.a_cand[arcs]
    start = cp.s_start[cp.a_slot[arcs]]
    end = cp.s_end[cp.a_slot[arcs]]
    order = np.lexsort((end, start, cand))
    cand, start, end = cand[order], start[order], end[order]
    caps = np.full(cp.n_cands, -1, dtype=np.int64)
    people, ok = people_ok(cand, start, end, cp.b_cand, cp.b_start, cp.b_end, cp.weekly_rest)
    bad = people[~ok]
    caps[bad] = np.bincount(cand, minlength=cp.n_cands)[bad] - 1
    return caps


def build_formulation(
    cp: Compiled, keep: np.ndarray, weekly_cap: np.ndarray | None = None
) -> Formulation:
    """weekly_cap: from weekly_rest_caps, for the same or a larger `keep`."""
    arcs = np.nonzero(keep)[0]
    c = cp.a_cand[arcs]
    st = cp.s_start[cp.a_slot[arcs]]
    en = cp.s_end[cp.a_slot[arcs]]
    order = np.lexsort((en, st, c))
    arcs, c, st, en = arcs[order], c[order], st[order], en[order]
    n = len(arcs)
    dur = (en - st).astype(np.float64)
    slot = cp.a_slot[arcs]
    obj = cp.a_cost[arcs] - cp.s_ucost[slot]

    rows_r: list[np.ndarray] = []
    rows_c: list[np.ndarray] = []
    rows_v: list[np.ndarray] = []
    rhs_parts: list[np.ndarray] = []
    first_col: list[np.ndarray] = []
    knap_parts: list[np.ndarray] = []
    n_rows = 0

    def add(
        r: np.ndarray,
        col: np.ndarray,
        v: np.ndarray,
        rhs: np.ndarray,
        fc: np.ndarray,
        knapsack: bool = False,
    ) -> None:
        nonlocal n_rows
        rows_r.append(r + n_rows)
        rows_c.append(col)
        rows_v.append(v)
        rhs_parts.append(rhs.astype(np.float64))
        first_col.append(fc)
        knap_parts.append(np.full(len(rhs), knapsack))
        n_rows += len(rhs)

    # slot rows (singletons are just the variable bound)
    if n:
        by_slot = np.argsort(slot, kind="stable")
        sl = slot[by_slot]
        uniq, start_idx, counts = np.unique(sl, return_index=True, return_counts=True)
        multi = counts >= 2
        row_of_slot = np.full(cp.n_slots, -1, dtype=np.int64)
        row_of_slot[uniq[multi]] = np.arange(int(multi.sum()))
        r = row_of_slot[sl]
        m = r >= 0
        add(
            r[m],
            by_slot[m],
            np.ones(int(m.sum())),
            np.ones(int(multi.sum())),
            by_slot[start_idx[multi]],
        )

    # rest cliques of the stretched-interval graph
    ext = en + cp.rest
    max_ext = int((ext - st).max(initial=0))
    pi: list[np.ndarray] = []
    pj: list[np.ndarray] = []
    min_ext = ext.astype(np.int64).copy()
    k = 1
    while k < n:
        same = (c[k:] == c[:-k]) & (st[k:] - st[:-k] < max_ext)
        if not same.any():
            break
        member = same & (ext[:-k] > st[k:])
        i_idx = np.nonzero(member)[0] + k
        pi.append(i_idx)
        pj.append(i_idx - k)
        np.minimum.at(min_ext, i_idx, ext[i_idx - k])
        k += 1
    if pi:
        ci = np.concatenate(pi)
        cj = np.concatenate(pj)
        has = np.zeros(n, dtype=bool)
        has[ci] = True
        nxt_same = np.zeros(n, dtype=bool)
        nxt_same[:-1] = c[1:] == c[:-1]
        nxt_st = np.empty(n, dtype=np.int64)
        nxt_st[:-1] = st[1:]
        nxt_st[-1] = 0
        # clique at i is contained in the clique at i + 1 when all members outlive st[i+1]
        covered = nxt_same & (min_ext > nxt_st)
        kept = has & ~covered
        row_id = np.full(n, -1, dtype=np.int64)
        row_id[kept] = np.arange(int(kept.sum()))
        m = kept[ci]
        heads = np.nonzero(kept)[0]
        r = np.concatenate((row_id[heads], row_id[ci[m]]))
        col = np.concatenate((heads, cj[m]))
        add(r, col, np.ones(len(r)), np.ones(len(heads)), heads)

    # window rows
    akey = cp.key(c, st)
    has_arc = np.zeros(cp.n_cands, dtype=bool)
    has_arc[c] = True
    bmask = has_arc[cp.b_cand] if len(cp.b_cand) else np.zeros(0, dtype=bool)
    wc = np.concatenate((c, cp.b_cand[bmask]))
    wt = np.concatenate((st, cp.b_start[bmask]))
    for window, limit in ((WEEK, cp.w7_limit), (DAY, cp.w24_limit)):
        if n == 0:
            break
        lo = np.searchsorted(akey, cp.key(wc, wt), "left")
        hi = np.searchsorted(akey, cp.key(wc, wt + window), "left")
        cap = (limit - booked_in_window(cp, wc, wt, window)).astype(np.float64)
        length = hi - lo
        m = length >= 2
        lo, hi, cap, length = lo[m], hi[m], cap[m], length[m]
        if len(lo) == 0:
            continue
        # one row per (lo, hi): the smallest capacity dominates
        pair = lo * (n + 1) + hi
        o = np.lexsort((cap, pair))
        firsts = np.ones(len(o), dtype=bool)
        firsts[1:] = pair[o][1:] != pair[o][:-1]
        o = o[firsts]
        lo, hi, cap, length = lo[o], hi[o], cap[o], length[o]
        fits, total, largest_k = _window_stats(lo, length, cap, dur)
        card_binding = fits < length
        # if even the largest shifts that count-wise fit also fit hour-wise, the
        # knapsack row adds nothing to the cardinality row
        knap_binding = (total > cap + 1e-6) & (largest_k > cap + 1e-6)
        for sel, use_dur, rhs in (
            (card_binding, False, fits.astype(np.float64)),
            (knap_binding, True, cap),
        ):
            if not sel.any():
                continue
            slo, slen = lo[sel], length[sel]
            rid = np.repeat(np.arange(len(slo)), slen)
            starts = np.repeat(slo, slen)
            within = np.arange(int(slen.sum())) - np.repeat(np.cumsum(slen) - slen, slen)
            col = starts + within
            # hours rather than seconds keep the coefficients well scaled for HiGHS
            val = dur[col] / 3600.0 if use_dur else np.ones(len(col))
            scale = 3600.0 if use_dur else 1.0
            add(rid, col, val, rhs[sel] / scale, slo, knapsack=use_dur)

    if weekly_cap is not None and n:
        cap_of = weekly_cap[c]
        cols = np.nonzero(cap_of >= 0)[0]
        if len(cols):
            people, rid, count = np.unique(c[cols], return_inverse=True, return_counts=True)
            _, first = np.unique(rid, return_index=True)
            rhs = np.minimum(weekly_cap[people], count).astype(np.float64)
            add(rid, cols, np.ones(len(cols)), rhs, cols[first])

    if rows_r:
        r = np.concatenate(rows_r)
        col = np.concatenate(rows_c)
        val = np.concatenate(rows_v)
        rhs = np.concatenate(rhs_parts)
        fc = np.concatenate(first_col)
        knap = np.concatenate(knap_parts)
    else:
        knap = np.zeros(0, dtype=bool)
        r = col = np.zeros(0, dtype=np.int64)
        val = rhs = np.zeros(0)
        fc = np.zeros(0, dtype=np.int64)
    matrix = sp.csr_matrix((val, (r, col)), shape=(n_rows, n))
    return Formulation(
        arcs=arcs, matrix=matrix, rhs=rhs, obj=obj, row_comp_key=fc, is_knapsack=knap
    )
