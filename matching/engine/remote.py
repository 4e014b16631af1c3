"""Blocks solved somewhere else: other Celery workers, other processes.

After its reductions an instance falls apart into independent blocks (no rule links two of
them). A run may hand the large ones to a `BlockMap`, a function that takes a list of JSON
payloads and returns one JSON result per payload, in the same order; how it gets them
solved is its business (matching.services sends them to Celery workers as a group of tasks,
the benchmark to a pool of processes). A payload is self-contained and refers to nothing in a
database: the block's slots, its candidates with their bookings and its arcs, in the core's
JSON format (jsonio), plus the solve's settings. `worker.solve_payload` is what the other
side runs.

The answer does not depend on who solves a block: each payload carries its time share, fixed
before any block starts, and results are put together in the blocks' order.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np

from .compiled import Compiled

BlockMap = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]
# version of the payload format, so a worker running older code refuses rather than misreads
FORMAT = 1


def _iso(seconds: int) -> str:
    return datetime.fromtimestamp(int(seconds), UTC).isoformat()


def block_payload(
    cp: Compiled,
    arcs: np.ndarray,
    *,
    time_limit_s: float,
    gap_tolerance_pct: float,
    workers: int = 1,
) -> dict[str, Any]:
    """The sub-instance of one block (arcs: indexes into cp's arcs) as a JSON payload."""
    slots = np.unique(cp.a_slot[arcs])
    cands = np.unique(cp.a_cand[arcs])
    lo = np.searchsorted(cp.b_cand, cands, "left")
    hi = np.searchsorted(cp.b_cand, cands, "right")
    order = np.lexsort((cp.a_cand[arcs], cp.a_slot[arcs]))
    arcs = arcs[order]
    p = {
        "min_rest_hours": cp.rest / 3600,
        "max_hours_per_7_days": cp.w7_limit / 3600,
        "max_hours_per_24_hours": cp.w24_limit / 3600,
        "min_weekly_rest_hours": cp.weekly_rest / 3600,
    }
    return {
        "format": FORMAT,
        "time_limit_s": float(time_limit_s),
        "gap_tolerance_pct": float(gap_tolerance_pct),
        "workers": int(workers),
        "instance": {
            "params": p,
            "slots": [
                {
                    "id": cp.slot_ids[s],
                    "start": _iso(cp.s_start[s]),
                    "end": _iso(cp.s_end[s]),
                    "unfilled_cost": float(cp.s_ucost[s]),
                }
                for s in slots.tolist()
            ],
            "candidates": [
                {
                    "id": cp.cand_ids[c],
                    "booked": [
                        {"start": _iso(cp.b_start[k]), "end": _iso(cp.b_end[k])}
                        for k in range(int(a), int(b))
                    ],
                }
                for c, a, b in zip(cands.tolist(), lo.tolist(), hi.tolist(), strict=True)
            ],
            "arcs": [
                {
                    "slot": cp.slot_ids[s],
                    "candidate": cp.cand_ids[c],
                    "cost": float(cost),
                }
                for s, c, cost in zip(
                    cp.a_slot[arcs].tolist(),
                    cp.a_cand[arcs].tolist(),
                    cp.a_cost[arcs].tolist(),
                    strict=True,
                )
            ],
        },
    }


def result_columns(
    cp: Compiled, arcs: np.ndarray, result: dict[str, Any]
) -> tuple[np.ndarray, float, bool]:
    """(0/1 over the block's columns, the block's bound, reached the gap target) from a
    result; the bound is in the objective's terms (unfilled costs of the block's slots
    included), as the payload's instance counts it."""
    index = {
        (cp.slot_ids[s], cp.cand_ids[c]): j
        for j, (s, c) in enumerate(
            zip(cp.a_slot[arcs].tolist(), cp.a_cand[arcs].tolist(), strict=True)
        )
    }
    x = np.zeros(len(arcs), dtype=bool)
    for slot, cand in result["assignments"]:
        x[index[(slot, cand)]] = True
    return x, float(result["bound"]), "time_limit" not in str(result.get("status", ""))
