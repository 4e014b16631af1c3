"""Each person's best schedule for given arc reduced costs, compiled with numba.

This is the pricing problem of colgen.py: for one person, choose a subset of
their arcs with negative reduced cost, maximising the total gain (minus the
reduced cost), such that together with the person's booked shifts the rest,
7-day and 24-hour rules hold. It is a small depth-first search per person,
bounded by the rest-only optimum (weighted interval scheduling); people are
independent, so one call prices everyone.

The search is the one hot loop of the engine that numpy cannot express; in
pure Python it took seconds per pass at 5,000 slots, compiled it takes
milliseconds, which is what makes column generation affordable on large
blocks. `cache=True` keeps the machine code next to this file in __pycache__,
or in NUMBA_CACHE_DIR, or (when neither is writable, as in a read-only image)
in the temporary directory, so only the first run on a machine compiles
(about 2 s; loading the cache takes 0.2 s).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
from numba import config as numba_config
from numba import njit

from .compiled import DAY, WEEK
from .weekly import keeps_rest_with

_PYCACHE = Path(__file__).resolve().parent / "__pycache__"
_IN_TREE_WRITABLE = os.access(_PYCACHE if _PYCACHE.exists() else _PYCACHE.parent, os.W_OK)
if not numba_config.CACHE_DIR and not _IN_TREE_WRITABLE:
    numba_config.CACHE_DIR = str(Path(tempfile.gettempdir()) / "dugnad-numba")


@njit(cache=True, nogil=True)
def _fits(j, s, e, chosen, k, bst, ben, b0, b1, windows, limits):  # pragma: no cover - compiled
    """Whether shift j can join the chosen shifts (and the bookings b0:b1)
    without breaking an hour limit: for every window start t among the shifts,
    the shifts starting in [t, t + window) must stay within the limit."""
    sj = s[j]
    for wi in range(2):
        window = windows[wi]
        limit = limits[wi]
        # window starts: each booked start, each chosen start and j's start,
        # but only windows that contain j's start can have changed
        for src in range(3):
            count = b1 - b0 if src == 0 else (k if src == 1 else 1)
            for q in range(count):
                if src == 0:
                    t = bst[b0 + q]
                elif src == 1:
                    t = s[chosen[q]]
                else:
                    t = sj
                if not (t <= sj < t + window):
                    continue
                total = e[j] - sj
                for b in range(b0, b1):
                    if t <= bst[b] < t + window:
                        total += ben[b] - bst[b]
                for c in range(k):
                    sc = s[chosen[c]]
                    if t <= sc < t + window:
                        total += e[chosen[c]] - sc
                if total > limit:
                    return False
    return True


@njit(cache=True, nogil=True)
def _keeps_weekly_rest(j, s, e, chosen, k, bst, ben, b0, b1, need, ast, aen):  # pragma: no cover
    """The chosen shifts are sorted by start and j starts no earlier than any of them."""
    for q in range(k):
        ast[q] = s[chosen[q]]
        aen[q] = e[chosen[q]]
    ast[k] = s[j]
    aen[k] = e[j]
    return keeps_rest_with(s[j], e[j], need, bst, ben, b0, b1, ast, aen, k + 1)


@njit(cache=True, nogil=True)
def price_people(
    ptr, st, en, rc, bptr, bst, ben, rest, l7, l24, weekly, bind, node_limit, eps, ub, val, take
):  # pragma: no cover - compiled
    """For every person p (arcs ptr[p]:ptr[p+1], sorted by start; bookings
    bptr[p]:bptr[p+1]): ub[p] >= best gain, val[p] = gain found, take marks its
    arcs. ub[p] == val[p] unless the search hit node_limit, in which case ub is
    the rest-only optimum, still a valid over-estimate. The weekly rest of
    `weekly` seconds is checked for the people with bind[p] (for the others,
    all their arcs at once keep it, so it cannot bind)."""
    n_people = len(ptr) - 1
    max_n = 1
    for p in range(n_people):
        max_n = max(max_n, ptr[p + 1] - ptr[p])
    idx = np.empty(max_n, np.int64)
    s = np.empty(max_n, np.int64)
    e = np.empty(max_n, np.int64)
    w = np.empty(max_n, np.float64)
    nxt = np.empty(max_n, np.int64)
    opt = np.empty(max_n + 1, np.float64)
    chosen = np.empty(max_n, np.int64)
    best_set = np.empty(max_n, np.int64)
    pos = np.empty(max_n + 1, np.int64)
    ast = np.empty(max_n + 1, np.int64)
    aen = np.empty(max_n + 1, np.int64)
    vals = np.empty(max_n + 1, np.float64)
    windows = np.array([WEEK, DAY], np.int64)
    limits = np.array([l7, l24], np.int64)
    for p in range(n_people):
        ub[p] = 0.0
        val[p] = 0.0
        n = 0
        for c in range(ptr[p], ptr[p + 1]):
            if rc[c] < -eps:
                idx[n] = c
                s[n] = st[c]
                e[n] = en[c]
                w[n] = -rc[c]
                n += 1
        if n == 0:
            continue
        if n == 1:
            ub[p] = w[0]
            val[p] = w[0]
            take[idx[0]] = True
            continue
        # nxt[a]: first arc that may follow a under the rest rule alone
        for a in range(n):
            b = a + 1
            while b < n and s[b] < e[a] + rest:
                b += 1
            nxt[a] = b
        opt[n] = 0.0
        for a in range(n - 1, -1, -1):
            opt[a] = max(opt[a + 1], w[a] + opt[nxt[a]])
        b0 = bptr[p]
        b1 = bptr[p + 1]
        need = weekly if bind[p] else 0
        best = 0.0
        best_k = 0
        nodes = 0
        aborted = False
        k = 0
        pos[0] = 0
        vals[0] = 0.0
        while True:
            j = pos[k]
            found = -1
            while j < n:
                if vals[k] + opt[j] <= best + eps:
                    break  # opt is non-increasing: nothing further can beat best
                if _fits(j, s, e, chosen, k, bst, ben, b0, b1, windows, limits) and (
                    need == 0
                    or _keeps_weekly_rest(j, s, e, chosen, k, bst, ben, b0, b1, need, ast, aen)
                ):
                    found = j
                    break
                j += 1
            if found < 0:
                if k == 0:
                    break
                k -= 1
                continue
            pos[k] = found + 1
            chosen[k] = found
            vals[k + 1] = vals[k] + w[found]
            k += 1
            nodes += 1
            if vals[k] > best:
                best = vals[k]
                best_k = k
                for q in range(k):
                    best_set[q] = chosen[q]
            if nodes > node_limit:
                aborted = True
                break
            pos[k] = nxt[found]
        val[p] = best
        ub[p] = max(best, opt[0]) if aborted else best
        for q in range(best_k):
            take[idx[best_set[q]]] = True


def warm_up() -> None:
    """Compile (or load from the cache) before the first timed use."""
    one = np.zeros(1, np.int64)
    price_people(
        np.array([0, 1], np.int64),
        one,
        one + 3600,
        np.array([-1.0]),
        np.array([0, 0], np.int64),
        one[:0],
        one[:0],
        0,
        48 * 3600,
        13 * 3600,
        35 * 3600,
        np.ones(1, np.bool_),
        10,
        1e-7,
        np.zeros(1),
        np.zeros(1),
        np.zeros(1, np.bool_),
    )
    from .weekly import alone_ok, repair, round_fill, schedules_ok

    ptr = np.array([0, 1], np.int64)
    ok = np.ones(1, np.bool_)
    alone_ok(one, one + 3600, one[:1], one[:1], one[:0], one[:0], 35 * 3600, ok)
    schedules_ok(ptr, one, one + 3600, ptr[:1].repeat(2), one[:0], one[:0], 35 * 3600, ok)
    repair(ptr, one, one + 3600, np.ones(1), ptr[:1].repeat(2), one[:0], one[:0], 35 * 3600, ok)
    zero = ptr[:1].copy()
    round_fill(
        zero,
        -np.ones(1),
        ptr,
        zero,
        np.ones(1),
        np.ones(1),
        zero,
        zero,
        ptr,
        one,
        one + 3600,
        ok,
        ptr[:1].repeat(2),
        one[:0],
        one[:0],
        35 * 3600,
        ok,
    )


@njit(cache=True, nogil=True)
def all_fit(ptr, st, en, bptr, bst, ben, rest, l7, l24, weekly, out):  # pragma: no cover
    """out[p]: person p can work all of their shifts ptr[p]:ptr[p+1] (sorted by start)
    at once, with their bookings bptr[p]:bptr[p+1], under every rule."""
    windows = np.array([WEEK, DAY], np.int64)
    limits = np.array([l7, l24], np.int64)
    max_n = 1
    for p in range(len(ptr) - 1):
        max_n = max(max_n, ptr[p + 1] - ptr[p])
    chosen = np.arange(max_n + 1)
    ast = np.empty(max_n + 1, np.int64)
    aen = np.empty(max_n + 1, np.int64)
    for p in range(len(ptr) - 1):
        lo = ptr[p]
        hi = ptr[p + 1]
        s = st[lo:hi]
        e = en[lo:hi]
        ok = True
        last_end = -(1 << 62)
        for j in range(hi - lo):
            if s[j] < last_end + rest or not _fits(
                j, s, e, chosen, j, bst, ben, bptr[p], bptr[p + 1], windows, limits
            ):
                ok = False
                break
            if weekly > 0 and not _keeps_weekly_rest(
                j, s, e, chosen, j, bst, ben, bptr[p], bptr[p + 1], weekly, ast, aen
            ):
                ok = False
                break
            last_end = max(last_end, e[j])
        out[p] = ok
