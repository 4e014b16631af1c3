"""The weekly rest (arbeidsmiljøloven § 10-8 (2)) in compiled form.

The rule, as check.py states it: for every shift start t whose window
[t, t + 7 days) overlaps an assigned shift, the window minus the time the person
works must leave one free stretch of at least `need` seconds.

Adding a shift only shrinks free time and only adds windows, so the rule is
monotone: a schedule that keeps it keeps it after any shift is dropped. That is
what lets the searches here check one new shift at a time (only the windows that
overlap it can change), and what makes "all of a person's arcs at once keep the
rule" mean the rule can never bind for that person.

Imported only where it is needed (numba takes a while to import; see pricing.py).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .compiled import WEEK


@njit(cache=True, nogil=True)
def window_has_rest(t, need, bst, ben, b0, b1, ast, aen, m):  # pragma: no cover - compiled
    """Whether [t, t + WEEK) minus the bookings b0:b1 and the assigned shifts
    0:m (both sorted by start) leaves a free stretch of `need` seconds."""
    end_w = t + WEEK
    cur = t
    i = b0
    q = 0
    while i < b1 or q < m:
        if q >= m or (i < b1 and bst[i] <= ast[q]):
            a = bst[i]
            b = ben[i]
            i += 1
        else:
            a = ast[q]
            b = aen[q]
            q += 1
        if a >= end_w:
            break
        if a - cur >= need:
            return True
        if b > cur:
            cur = b
    return end_w - cur >= need


@njit(cache=True, nogil=True)
def keeps_rest_with(sj, ej, need, bst, ben, b0, b1, ast, aen, m):  # pragma: no cover - compiled
    """Whether every window overlapping the shift [sj, ej), which must already be
    among the assigned shifts 0:m, keeps the weekly rest."""
    for b in range(b0, b1):
        t = bst[b]
        if sj - WEEK < t < ej and not window_has_rest(t, need, bst, ben, b0, b1, ast, aen, m):
            return False
    for q in range(m):
        t = ast[q]
        if sj - WEEK < t < ej and not window_has_rest(t, need, bst, ben, b0, b1, ast, aen, m):
            return False
    return True


@njit(cache=True, nogil=True)
def alone_ok(s, e, b0, b1, bst, ben, need, out):  # pragma: no cover - compiled
    """out[i]: the single shift [s[i], e[i]) on top of bookings b0[i]:b1[i] keeps the rule."""
    one_s = np.empty(1, np.int64)
    one_e = np.empty(1, np.int64)
    for i in range(len(s)):
        one_s[0] = s[i]
        one_e[0] = e[i]
        out[i] = keeps_rest_with(s[i], e[i], need, bst, ben, b0[i], b1[i], one_s, one_e, 1)


@njit(cache=True, nogil=True)
def schedules_ok(ptr, st, en, bptr, bst, ben, need, out):  # pragma: no cover - compiled
    """out[p]: person p's shifts ptr[p]:ptr[p+1] (sorted by start) all together, with
    their bookings bptr[p]:bptr[p+1], keep the rule."""
    for p in range(len(ptr) - 1):
        lo = ptr[p]
        hi = ptr[p + 1]
        ok = True
        for j in range(lo, hi):
            if not keeps_rest_with(
                st[j], en[j], need, bst, ben, bptr[p], bptr[p + 1], st[lo:hi], en[lo:hi], hi - lo
            ):
                ok = False
                break
        out[p] = ok


@njit(cache=True, nogil=True)
def repair(ptr, st, en, value, bptr, bst, ben, need, keep):  # pragma: no cover - compiled
    """For each person whose shifts ptr[p]:ptr[p+1] (sorted by start) break the rule:
    keep[j] for a subset that keeps it, taken greedily by `value` (largest first)."""
    max_n = 1
    for p in range(len(ptr) - 1):
        max_n = max(max_n, ptr[p + 1] - ptr[p])
    ast = np.empty(max_n, np.int64)
    aen = np.empty(max_n, np.int64)
    for p in range(len(ptr) - 1):
        lo = ptr[p]
        hi = ptr[p + 1]
        b0 = bptr[p]
        b1 = bptr[p + 1]
        broken = False
        for j in range(lo, hi):
            keep[j] = True
            if not keeps_rest_with(
                st[j], en[j], need, bst, ben, b0, b1, st[lo:hi], en[lo:hi], hi - lo
            ):
                broken = True
        if not broken:
            continue
        order = np.argsort(-value[lo:hi])
        m = 0
        for o in order:
            j = lo + o
            keep[j] = False
            # insert j into the sorted kept shifts, try, and take it back out if it breaks
            pos = m
            while pos > 0 and (
                ast[pos - 1] > st[j] or (ast[pos - 1] == st[j] and aen[pos - 1] > en[j])
            ):
                ast[pos] = ast[pos - 1]
                aen[pos] = aen[pos - 1]
                pos -= 1
            ast[pos] = st[j]
            aen[pos] = en[j]
            if keeps_rest_with(st[j], en[j], need, bst, ben, b0, b1, ast, aen, m + 1):
                keep[j] = True
                m += 1
            else:
                for r in range(pos, m):
                    ast[r] = ast[r + 1]
                    aen[r] = aen[r + 1]


def bookings_csr(
    b_cand: np.ndarray, b_start: np.ndarray, b_end: np.ndarray, people: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bookings of `people` (candidate indices) as one CSR in their order."""
    lo = np.searchsorted(b_cand, people, "left")
    hi = np.searchsorted(b_cand, people, "right")
    bptr = np.concatenate(([0], np.cumsum(hi - lo))).astype(np.int64)
    if len(people) and bptr[-1]:
        take = np.repeat(lo - bptr[:-1], hi - lo) + np.arange(bptr[-1])
    else:
        take = np.zeros(0, dtype=np.int64)
    return bptr, b_start[take].astype(np.int64), b_end[take].astype(np.int64)


def people_ok(
    cand: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    b_cand: np.ndarray,
    b_start: np.ndarray,
    b_end: np.ndarray,
    need: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(people, ok): for each distinct candidate among the shifts, whether all of its
    shifts together keep the weekly rest. The shifts must be sorted by (candidate, start)."""
    people, first = np.unique(cand, return_index=True)
    ptr = np.append(first, len(cand)).astype(np.int64)
    bptr, bst, ben = bookings_csr(b_cand, b_start, b_end, people)
    ok = np.ones(len(people), dtype=np.bool_)
    if need > 0 and len(people):
        schedules_ok(
            ptr, start.astype(np.int64), end.astype(np.int64), bptr, bst, ben, int(need), ok
        )
    return people, ok
