"""Straightforward, loop-based rule checks: the readable reference for the rules.

The fast solvers use array formulations of the same rules; these functions are
deliberately written from the spec so tests can compare the two.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from itertools import accumulate

from .compiled import DAY, WEEK, hours_to_seconds, to_seconds
from .model import Instance

_Shift = tuple[int, int, str | None]  # start s, end s, slot id (None when booked)


class _Lookup:
    def __init__(self, instance: Instance) -> None:
        self.slots = {s.id: s for s in instance.slots}
        self.cands = {c.id: c for c in instance.candidates}


def _arc_costs(instance: Instance) -> dict[tuple[str, str], float]:
    costs: dict[tuple[str, str], float] = {}
    for a in instance.arcs:
        key = (a.slot, a.candidate)
        costs[key] = min(float(a.cost), costs.get(key, float("inf")))
    return costs


def _fmt(hours: float) -> str:
    return f"{hours:g}"


def _pair_reason(a: _Shift, b: _Shift, rest: int, rest_h: float) -> str | None:
    first, second = (a, b) if a[0] <= b[0] else (b, a)
    if second[0] < first[1]:
        return "overlap"
    if second[0] < first[1] + rest:
        return f"rest < {_fmt(rest_h)} h"
    return None


def _window_reasons(
    shifts: list[_Shift], focus: set[str], instance: Instance
) -> list[tuple[int, str]]:
    """Windows (start t) over limit that contain a shift from `focus`.

    `shifts` are sorted by start, so the shifts starting in [t, t + window) are one run."""
    p = instance.params
    rules = (
        (WEEK, hours_to_seconds(p.max_hours_per_7_days), "7 days", p.max_hours_per_7_days),
        (DAY, hours_to_seconds(p.max_hours_per_24_hours), "24 h", p.max_hours_per_24_hours),
    )
    starts = [s[0] for s in shifts]
    worked = list(accumulate((s[1] - s[0] for s in shifts), initial=0))
    focused = list(accumulate((s[2] in focus for s in shifts), initial=0))
    out: list[tuple[int, str]] = []
    for window, limit, label, hours in rules:
        for t in starts:
            lo, hi = bisect_left(starts, t), bisect_left(starts, t + window)
            if focused[hi] == focused[lo]:
                continue
            if worked[hi] - worked[lo] > limit:
                out.append((t, f"over {_fmt(hours)} h in {label}"))
    return out


def _weekly_rest_reasons(
    shifts: list[_Shift], focus: set[str], instance: Instance
) -> list[tuple[int, str]]:
    """arbeidsmiljøloven § 10-8 (2), as the engine reads it: for every shift start t whose
    window [t, t + 7 days) holds a shift from `focus` (one that overlaps the window), the
    window minus the time the person works must leave one free stretch of at least
    min_weekly_rest_hours. Windows holding bookings only are not judged here."""
    hours = instance.params.min_weekly_rest_hours
    need = hours_to_seconds(hours)
    if need <= 0 or not shifts:
        return []
    starts = [s[0] for s in shifts]
    longest_shift = max(s[1] - s[0] for s in shifts)
    out: list[tuple[int, str]] = []
    for t in sorted(set(starts)):
        end = t + WEEK
        run = shifts[bisect_left(starts, t - longest_shift) : bisect_left(starts, end)]
        inside = [s for s in run if s[1] > t]
        if not any(s[2] in focus for s in inside):
            continue
        covered_to = t
        longest = 0
        for a, b, _ in inside:
            longest = max(longest, a - covered_to)
            covered_to = max(covered_to, b)
        longest = max(longest, end - covered_to)
        if longest < need:
            out.append((t, f"weekly rest < {_fmt(hours)} h"))
    return out


def _shifts_of(
    instance: Instance, cand_id: str, slot_ids: list[str], lookup: _Lookup | None = None
) -> list[_Shift]:
    lookup = lookup or _Lookup(instance)
    cand = lookup.cands[cand_id]
    slots = lookup.slots
    shifts: list[_Shift] = [(to_seconds(b.start), to_seconds(b.end), None) for b in cand.booked]
    shifts += [(to_seconds(slots[s].start), to_seconds(slots[s].end), s) for s in slot_ids]
    shifts.sort(key=lambda x: (x[0], x[1]))
    return shifts


def check_solution(instance: Instance, assignments: Mapping[str, str]) -> list[str]:
    """Human-readable violations of the hard rules; empty when feasible."""
    problems: list[str] = []
    slot_ids = {s.id for s in instance.slots}
    cand_ids = {c.id for c in instance.candidates}
    costs = _arc_costs(instance)
    by_cand: dict[str, list[str]] = {}
    for slot_id, cand_id in assignments.items():
        if slot_id not in slot_ids:
            problems.append(f"unknown slot {slot_id}")
            continue
        if cand_id not in cand_ids:
            problems.append(f"unknown candidate {cand_id}")
            continue
        if (slot_id, cand_id) not in costs:
            problems.append(f"slot {slot_id}: candidate {cand_id} has no arc")
        by_cand.setdefault(cand_id, []).append(slot_id)

    rest = hours_to_seconds(instance.params.min_rest_hours)
    lookup = _Lookup(instance)
    for cand_id, assigned in sorted(by_cand.items()):
        shifts = _shifts_of(instance, cand_id, assigned, lookup)
        for i, a in enumerate(shifts):
            for b in shifts[i + 1 :]:
                if a[2] is None and b[2] is None:
                    continue  # booked-only conflicts are not ours to fix
                reason = _pair_reason(a, b, rest, instance.params.min_rest_hours)
                if reason:
                    names = ", ".join(x[2] or "booked" for x in (a, b))
                    problems.append(f"candidate {cand_id}: {reason} ({names})")
        for t, reason in _window_reasons(shifts, set(assigned), instance):
            problems.append(f"candidate {cand_id}: {reason} (window from t={t})")
        for t, reason in _weekly_rest_reasons(shifts, set(assigned), instance):
            problems.append(f"candidate {cand_id}: {reason} (window from t={t})")
    return problems


def why_infeasible(
    instance: Instance, slot_id: str, candidate_id: str, assignments: Mapping[str, str]
) -> str | None:
    """Why `candidate_id` cannot take `slot_id` on top of `assignments`, or None.

    The slot's own current assignment (if any) is ignored, so this also answers
    "could this person replace whoever has it now?".
    """
    costs = _arc_costs(instance)
    if (slot_id, candidate_id) not in costs:
        return "not eligible"
    others = [s for s, c in assignments.items() if c == candidate_id and s != slot_id]
    shifts = _shifts_of(instance, candidate_id, [*others, slot_id])
    new = next(s for s in shifts if s[2] == slot_id)
    rest = hours_to_seconds(instance.params.min_rest_hours)
    reasons = [
        r
        for s in shifts
        if s is not new and (r := _pair_reason(new, s, rest, instance.params.min_rest_hours))
    ]
    if "overlap" in reasons:
        return "overlap"
    if reasons:
        return reasons[0]
    windows = _window_reasons(shifts, {slot_id}, instance)
    if windows:
        return windows[0][1]
    weekly = _weekly_rest_reasons(shifts, {slot_id}, instance)
    if weekly:
        return weekly[0][1]
    return None


def objective_of(instance: Instance, assignments: Mapping[str, str]) -> float:
    """Chosen arcs' costs plus unfilled slots' costs."""
    costs = _arc_costs(instance)
    total = 0.0
    for s in instance.slots:
        cand = assignments.get(s.id)
        if cand is None:
            total += float(s.unfilled_cost)
        else:
            try:
                total += costs[(s.id, cand)]
            except KeyError as exc:
                raise ValueError(f"slot {s.id}: candidate {cand} has no arc") from exc
    return total
