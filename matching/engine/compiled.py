"""Array form of an instance: integer seconds, index arrays, per-candidate CSR.

Everything the solvers need is derived here with numpy so that instances with
hundreds of thousands of arcs never go through per-arc Python loops.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from .model import Instance

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY = 86_400
WEEK = 7 * DAY
# Candidate index is packed above the time offset so that (candidate, time)
# pairs sort and binary-search as one int64 key.
KEY_SHIFT = np.int64(1) << np.int64(40)


def to_seconds(dt: datetime) -> int:
    """Absolute seconds since the epoch; absolute time is what makes DST harmless."""
    if dt.tzinfo is None:
        raise ValueError(f"naive datetime not allowed: {dt!r}")
    # timestamp() of an aware datetime is exactly (dt - EPOCH), computed in C
    return round(dt.timestamp())


def hours_to_seconds(hours: float) -> int:
    return round(hours * 3600)


@dataclass(slots=True)
class Compiled:
    slot_ids: list[str]
    cand_ids: list[str]
    s_start: np.ndarray  # int64 seconds
    s_end: np.ndarray
    s_dur: np.ndarray
    s_ucost: np.ndarray  # float64
    # booked shifts sorted by (candidate, start)
    b_cand: np.ndarray
    b_start: np.ndarray
    b_end: np.ndarray
    # arcs, one per (slot, candidate) pair, cheapest kept
    a_slot: np.ndarray
    a_cand: np.ndarray
    a_cost: np.ndarray
    rest: int
    w7_limit: int
    w24_limit: int
    t0: int  # time origin for keys
    weekly_rest: int = 0  # seconds of continuous rest in every 7 days; 0 = not enforced

    @property
    def n_slots(self) -> int:
        return len(self.slot_ids)

    @property
    def n_cands(self) -> int:
        return len(self.cand_ids)

    def key(self, cand: np.ndarray, t: np.ndarray) -> np.ndarray:
        return cand.astype(np.int64) * KEY_SHIFT + (np.asarray(t, dtype=np.int64) - self.t0)


def compile_instance(inst: Instance) -> Compiled:
    slot_ids = [s.id for s in inst.slots]
    slot_index = {sid: i for i, sid in enumerate(slot_ids)}
    if len(slot_index) != len(slot_ids):
        raise ValueError("duplicate slot id")
    cand_ids = [c.id for c in inst.candidates]
    cand_index = {cid: i for i, cid in enumerate(cand_ids)}
    if len(cand_index) != len(cand_ids):
        raise ValueError("duplicate candidate id")

    s_start = np.array([to_seconds(s.start) for s in inst.slots], dtype=np.int64)
    s_end = np.array([to_seconds(s.end) for s in inst.slots], dtype=np.int64)
    if np.any(s_end <= s_start):
        raise ValueError("every slot must end after it starts")
    s_ucost = np.array([float(s.unfilled_cost) for s in inst.slots], dtype=np.float64)

    bc, bs, be = [], [], []
    for ci, c in enumerate(inst.candidates):
        for b in c.booked:
            bc.append(ci)
            bs.append(to_seconds(b.start))
            be.append(to_seconds(b.end))
    b_cand = np.array(bc, dtype=np.int64)
    b_start = np.array(bs, dtype=np.int64)
    b_end = np.array(be, dtype=np.int64)
    order = np.lexsort((b_end, b_start, b_cand))
    b_cand, b_start, b_end = b_cand[order], b_start[order], b_end[order]

    try:
        a_slot = np.array([slot_index[a.slot] for a in inst.arcs], dtype=np.int64)
        a_cand = np.array([cand_index[a.candidate] for a in inst.arcs], dtype=np.int64)
    except KeyError as exc:
        raise ValueError(f"arc refers to unknown id {exc}") from exc
    a_cost = np.array([float(a.cost) for a in inst.arcs], dtype=np.float64)
    if len(a_slot):
        # duplicate arcs: the cheapest one is the only one an optimiser would use
        order = np.lexsort((a_cost, a_cand, a_slot))
        a_slot, a_cand, a_cost = a_slot[order], a_cand[order], a_cost[order]
        first = np.ones(len(a_slot), dtype=bool)
        first[1:] = (a_slot[1:] != a_slot[:-1]) | (a_cand[1:] != a_cand[:-1])
        a_slot, a_cand, a_cost = a_slot[first], a_cand[first], a_cost[first]

    times = [s_start, b_start]
    t0 = int(min((int(t.min()) for t in times if len(t)), default=0)) - 30 * DAY
    p = inst.params
    return Compiled(
        slot_ids=slot_ids,
        cand_ids=cand_ids,
        s_start=s_start,
        s_end=s_end,
        s_dur=s_end - s_start,
        s_ucost=s_ucost,
        b_cand=b_cand,
        b_start=b_start,
        b_end=b_end,
        a_slot=a_slot,
        a_cand=a_cand,
        a_cost=a_cost,
        rest=hours_to_seconds(p.min_rest_hours),
        w7_limit=hours_to_seconds(p.max_hours_per_7_days),
        w24_limit=hours_to_seconds(p.max_hours_per_24_hours),
        t0=t0,
        weekly_rest=hours_to_seconds(p.min_weekly_rest_hours),
    )


def _range_max(values: np.ndarray, lo: np.ndarray, hi: np.ndarray, empty: float) -> np.ndarray:
    """max(values[lo:hi]) per row; ranges are short, so loop over offsets not rows."""
    out = np.full(len(lo), empty, dtype=np.float64)
    if len(lo) == 0:
        return out
    length = hi - lo
    max_len = int(length.max(initial=0))
    for k in range(max_len):
        m = length > k
        idx = lo[m] + k
        out[m] = np.maximum(out[m], values[idx])
    return out


def feasible_alone(cp: Compiled, slot: np.ndarray, cand: np.ndarray) -> np.ndarray:
    """Mask of (slot, candidate) pairs that break no rule against the booked shifts.

    Booked-only violations are ignored; only rules involving the new shift count.
    """
    n = len(slot)
    ok = np.ones(n, dtype=bool)
    if n == 0:
        return ok
    if len(cp.b_cand) == 0:
        # no bookings anywhere: only a shift longer than a window limit fails
        d = cp.s_dur[slot]
        return (d <= cp.w7_limit) & (d <= cp.w24_limit) & (d <= WEEK - cp.weekly_rest)
    s = cp.s_start[slot]
    e = cp.s_end[slot]
    d = cp.s_dur[slot]
    bkey = cp.key(cp.b_cand, cp.b_start)
    seg_lo = np.searchsorted(bkey, cp.key(cand, np.full(n, cp.t0)), "left")

    # rest/overlap: any booked b with b.start < e + rest and b.end + rest > s
    cand_off = cp.b_cand * KEY_SHIFT
    pref_end = np.maximum.accumulate(cand_off + (cp.b_end - cp.t0)) - cand_off + cp.t0
    idx = np.searchsorted(bkey, cp.key(cand, e + cp.rest), "left")
    has = idx > seg_lo
    conflict = np.zeros(n, dtype=bool)
    conflict[has] = pref_end[idx[has] - 1] + cp.rest > s[has]
    ok &= ~conflict

    bdur = (cp.b_end - cp.b_start).astype(np.int64)
    cum = np.concatenate(([0], np.cumsum(bdur)))
    for window, limit in ((WEEK, cp.w7_limit), (DAY, cp.w24_limit)):
        # window starting at the new shift itself
        lo = np.searchsorted(bkey, cp.key(cand, s), "left")
        hi = np.searchsorted(bkey, cp.key(cand, s + window), "left")
        ok &= cum[hi] - cum[lo] + d <= limit
        # windows starting at booked shifts in (s - window, s]
        bw_hi = np.searchsorted(bkey, bkey + window, "left")
        bw = (cum[bw_hi] - cum[np.arange(len(bkey))]).astype(np.float64)
        lo = np.searchsorted(bkey, cp.key(cand, s - window), "right")
        hi = np.searchsorted(bkey, cp.key(cand, s), "right")
        worst = _range_max(bw, lo, hi, empty=0.0)
        ok &= worst + d <= limit
    if cp.weekly_rest > 0:
        from .weekly import alone_ok

        idx = np.nonzero(ok)[0]
        c = cand[idx]
        good = np.ones(len(idx), dtype=np.bool_)
        alone_ok(
            s[idx],
            e[idx],
            np.searchsorted(cp.b_cand, c, "left"),
            np.searchsorted(cp.b_cand, c, "right"),
            cp.b_start,
            cp.b_end,
            int(cp.weekly_rest),
            good,
        )
        ok[idx] = good
    return ok


def booked_in_window(cp: Compiled, cand: np.ndarray, t: np.ndarray, window: int) -> np.ndarray:
    """Booked hours (seconds) of each candidate with start in [t, t + window)."""
    if len(cp.b_cand) == 0:
        return np.zeros(len(cand), dtype=np.int64)
    bkey = cp.key(cp.b_cand, cp.b_start)
    cum = np.concatenate(([0], np.cumsum(cp.b_end - cp.b_start)))
    lo = np.searchsorted(bkey, cp.key(cand, t), "left")
    hi = np.searchsorted(bkey, cp.key(cand, t + window), "left")
    return cum[hi] - cum[lo]
