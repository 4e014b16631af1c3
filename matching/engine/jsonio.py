"""JSON (dict) form of instances and solutions, as documented in the issue."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from .model import Arc, Candidate, Instance, Interval, Params, Slot, Solution


def _parse(value: str) -> datetime:
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        raise ValueError(f"timestamp without UTC offset: {value!r}")
    return dt


def _num(value: float) -> float | int:
    # keep ints as ints so a round trip does not turn 1000 into 1000.0
    return int(value) if float(value).is_integer() else float(value)


def instance_from_json(obj: dict[str, Any]) -> Instance:
    p = obj.get("params", {})
    defaults = Params()
    params = Params(
        min_rest_hours=float(p.get("min_rest_hours", defaults.min_rest_hours)),
        max_hours_per_7_days=float(p.get("max_hours_per_7_days", defaults.max_hours_per_7_days)),
        max_hours_per_24_hours=float(
            p.get("max_hours_per_24_hours", defaults.max_hours_per_24_hours)
        ),
        min_weekly_rest_hours=float(p.get("min_weekly_rest_hours") or 0.0),
    )
    slots = tuple(
        Slot(str(s["id"]), _parse(s["start"]), _parse(s["end"]), float(s["unfilled_cost"]))
        for s in obj.get("slots", [])
    )
    candidates = tuple(
        Candidate(
            str(c["id"]),
            tuple(Interval(_parse(b["start"]), _parse(b["end"])) for b in c.get("booked", [])),
        )
        for c in obj.get("candidates", [])
    )
    arcs = tuple(
        Arc(str(a["slot"]), str(a["candidate"]), float(a["cost"])) for a in obj.get("arcs", [])
    )
    return Instance(params, slots, candidates, arcs)


def instance_to_json(instance: Instance) -> dict[str, Any]:
    p = instance.params
    return {
        "params": {
            "min_rest_hours": _num(p.min_rest_hours),
            "max_hours_per_7_days": _num(p.max_hours_per_7_days),
            "max_hours_per_24_hours": _num(p.max_hours_per_24_hours),
            "min_weekly_rest_hours": _num(p.min_weekly_rest_hours),
        },
        "slots": [
            {
                "id": s.id,
                "start": s.start.isoformat(),
                "end": s.end.isoformat(),
                "unfilled_cost": _num(s.unfilled_cost),
            }
            for s in instance.slots
        ],
        "candidates": [
            {
                "id": c.id,
                "booked": [
                    {"start": b.start.isoformat(), "end": b.end.isoformat()} for b in c.booked
                ],
            }
            for c in instance.candidates
        ],
        "arcs": [
            {"slot": a.slot, "candidate": a.candidate, "cost": _num(a.cost)} for a in instance.arcs
        ],
    }


def solution_to_json(solution: Solution) -> dict[str, Any]:
    return {
        "assignments": [
            {"slot": slot, "candidate": cand} for slot, cand in sorted(solution.assignments.items())
        ],
        "objective": _num(round(solution.objective, 6)),
        # rounded down: the printed bound must stay a valid lower bound
        "bound": _num(math.floor(solution.bound * 1e6) / 1e6),
    }
