"""The other side of a BlockMap (remote.py): a worker solving one block's payload."""

from __future__ import annotations

from typing import Any

from .jsonio import instance_from_json
from .remote import FORMAT
from .solver import solve


def solve_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """Solve one block's payload (the other side of a BlockMap): JSON in, JSON out."""
    if payload.get("format") != FORMAT:
        raise ValueError(f"unknown block payload format {payload.get('format')!r}")
    instance = instance_from_json(payload["instance"])
    sol = solve(
        instance,
        time_limit_s=float(payload["time_limit_s"]),
        gap_tolerance_pct=float(payload["gap_tolerance_pct"]),
        workers=int(payload.get("workers", 1)),
    )
    return {
        "format": FORMAT,
        "assignments": sorted([s, c] for s, c in sol.assignments.items()),
        "objective": float(sol.objective),
        "bound": float(sol.bound),
        "status": sol.status,
    }
