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

# compiled.py's WEEK, repeated: compiled.feasible_alone imports this module
WEEK = 7 * 86_400


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


@njit(cache=True, nogil=True)
def round_fill(
    order,
    obj,
    indptr,
    indices,
    data,
    rhs,
    person,
    pos_of,
    ptr,
    st,
    en,
    bind,
    bptr,
    bst,
    ben,
    need,
    x,
):  # pragma: no cover - compiled
    """Take useful columns in `order` whenever every row still has room and, for people
    for whom it can bind, the weekly rest still holds. Columns are a block's arcs (CSC
    rows of "<= rhs"); person/pos_of map a column to its person and to its place in the
    person-major layout ptr/st/en of colgen.Pricer."""
    used = np.zeros(len(rhs))
    cnt = np.zeros(len(ptr) - 1, np.int64)
    tst = np.empty(len(st), np.int64)
    ten = np.empty(len(st), np.int64)
    for j in order:
        if obj[j] >= 0:
            continue
        lo = indptr[j]
        hi = indptr[j + 1]
        fits = True
        for q in range(lo, hi):
            if used[indices[q]] + data[q] > rhs[indices[q]] + 1e-9:
                fits = False
                break
        if not fits:
            continue
        p = person[j]
        if need > 0 and bind[p]:
            base = ptr[p]
            m = cnt[p]
            s = st[pos_of[j]]
            e = en[pos_of[j]]
            pos = m
            while pos > 0 and (
                tst[base + pos - 1] > s or (tst[base + pos - 1] == s and ten[base + pos - 1] > e)
            ):
                tst[base + pos] = tst[base + pos - 1]
                ten[base + pos] = ten[base + pos - 1]
                pos -= 1
            tst[base + pos] = s
            ten[base + pos] = e
            if not keeps_rest_with(
                s,
                e,
                need,
                bst,
                ben,
                bptr[p],
                bptr[p + 1],
                tst[base : base + m + 1],
                ten[base : base + m + 1],
                m + 1,
            ):
                for r in range(pos, m):
                    tst[base + r] = tst[base + r + 1]
                    ten[base + r] = ten[base + r + 1]
                continue
            cnt[p] = m + 1
        for q in range(lo, hi):
            used[indices[q]] += data[q]
        x[j] = True


@njit(cache=True, nogil=True)
def separate(ptr, st, en, xv, bind, bptr, bst, ben, need):  # pragma: no cover - compiled
    """Weekly-rest cuts violated by an LP solution xv (person-major positions): for a
    person whose shifts at 1 break the rule in the window from t, the shifts C among
    them that overlap the window cannot all be worked (with the bookings they leave no
    free stretch there), so sum_C x <= |C| - 1. Returns (cut ids, positions, count)."""
    cap = 4 * len(st) + 64
    rows = np.empty(cap, np.int64)
    cols = np.empty(cap, np.int64)
    n = 0
    n_cuts = 0
    ast = np.empty(len(st) + 1, np.int64)
    aen = np.empty(len(st) + 1, np.int64)
    apos = np.empty(len(st) + 1, np.int64)
    for p in range(len(ptr) - 1):
        if not bind[p]:
            continue
        m = 0
        for j in range(ptr[p], ptr[p + 1]):
            if xv[j] >= 1 - 1e-6:
                ast[m] = st[j]
                aen[m] = en[j]
                apos[m] = j
                m += 1
        if m < 2:
            continue
        b0 = bptr[p]
        b1 = bptr[p + 1]
        last_t = -1
        for src in range(2):
            count = b1 - b0 if src == 0 else m
            for q in range(count):
                t = bst[b0 + q] if src == 0 else ast[q]
                if t == last_t:
                    continue
                last_t = t
                # only windows that hold a shift at 1
                holds = False
                for r in range(m):
                    if ast[r] < t + WEEK and aen[r] > t:
                        holds = True
                        break
                if not holds or window_has_rest(t, need, bst, ben, b0, b1, ast, aen, m):
                    continue
                if n + m > cap:
                    return rows, cols, n
                for r in range(m):
                    if ast[r] < t + WEEK and aen[r] > t:
                        rows[n] = n_cuts
                        cols[n] = apos[r]
                        n += 1
                n_cuts += 1
    return rows, cols, n
