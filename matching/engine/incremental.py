"""Re-solving only the part of an instance that a change touches.

After one answer (a "no" frees a slot), one cancelled shift or one new availability, most
of the last answer still stands. The touched part is: the changed slots, the people who
could take one of them or held one, every slot those people hold, and every slot left
empty that one of them could take. Everything else keeps its last assignment, as a booking
of its person, so the rules between the two parts still hold; pinned assignments (accepted
offers, offers waiting for an answer) never move.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping

from .check import objective_of
from .model import Arc, Candidate, Instance, Interval, Solution
from .solver import solve

# relative discount of the pairs of the previous answer (well inside the gap tolerance)
STABILITY = 1e-3


def solve_incremental(
    instance: Instance,
    *,
    previous: Mapping[str, str],
    changed: Iterable[str],
    pinned: Mapping[str, str] | None = None,
    time_limit_s: float | None = None,
    gap_tolerance_pct: float = 0.5,
    workers: int | None = None,
) -> Solution:
    """instance: the current instance, pinned slots included; previous: the last answer
    (slot -> candidate; entries for slots or arcs that no longer exist are dropped);
    changed: slot ids that are new, freed or whose arcs changed; pinned: slot -> candidate
    that must stay. Returns the whole answer (pinned included). Its bound is the bound of
    the touched part plus the cost of the rest as it stands: the proof covers the touched
    part, not the whole instance (stats["touched_slots"] says how large it was)."""
    t = time.perf_counter()
    pinned = dict(pinned or {})
    slots = {s.id: s for s in instance.slots}
    arcs_of_slot: dict[str, list[str]] = {}
    arcs_of_cand: dict[str, list[str]] = {}
    cost = {}
    for a in instance.arcs:
        if (a.slot, a.candidate) not in cost or a.cost < cost[(a.slot, a.candidate)]:
            cost[(a.slot, a.candidate)] = a.cost
        arcs_of_slot.setdefault(a.slot, []).append(a.candidate)
        arcs_of_cand.setdefault(a.candidate, []).append(a.slot)
    keep = {
        s: c
        for s, c in previous.items()
        if s in slots
        and s not in pinned
        and (s, c) in cost
        and cost[(s, c)] < slots[s].unfilled_cost
    }
    changed_set = {s for s in changed if s in slots and s not in pinned}
    people = {c for s in changed_set for c in arcs_of_slot.get(s, ())}
    people |= {previous[s] for s in changed if s in previous}
    touched = set(changed_set)
    touched |= {s for s, c in keep.items() if c in people}
    filled = set(keep)
    touched |= {
        s for c in people for s in arcs_of_cand.get(c, ()) if s not in filled and s not in pinned
    }
    fixed = {s: c for s, c in keep.items() if s not in touched}

    # the rest of the answer, and the pinned slots, become bookings of their people
    extra: dict[str, list[Interval]] = {}
    for s, c in (*fixed.items(), *pinned.items()):
        extra.setdefault(c, []).append(Interval(slots[s].start, slots[s].end))
    sub_slots = tuple(s for s in instance.slots if s.id in touched)
    sub_arcs = tuple(a for a in instance.arcs if a.slot in touched)
    # Ties (and near-ties) go to the assignment as it stands: each previous pair costs a
    # little less, so an equally good answer does not move people for nothing and the fewest
    # proposals change. The objective below is in the true costs; the bound stays valid, as
    # no cost went up.
    solve_arcs = tuple(
        Arc(a.slot, a.candidate, a.cost * (1.0 - STABILITY))
        if keep.get(a.slot) == a.candidate
        else a
        for a in sub_arcs
    )
    in_sub = {a.candidate for a in sub_arcs}
    sub_cands = tuple(
        Candidate(c.id, tuple(sorted((*c.booked, *extra.get(c.id, ())), key=lambda i: i.start)))
        for c in instance.candidates
        if c.id in in_sub
    )
    part = solve(
        Instance(instance.params, sub_slots, sub_cands, solve_arcs),
        time_limit_s=time_limit_s,
        gap_tolerance_pct=gap_tolerance_pct,
        workers=workers,
    )
    part_objective = objective_of(
        Instance(instance.params, sub_slots, sub_cands, sub_arcs), part.assignments
    )
    assignments = {**fixed, **part.assignments, **pinned}
    outside = [s for s in instance.slots if s.id not in touched and s.id not in pinned]
    rest_cost = sum(
        cost[(s.id, fixed[s.id])] if s.id in fixed else s.unfilled_cost for s in outside
    )
    pinned_cost = sum(cost.get((s, c), 0.0) for s, c in pinned.items())
    stats = dict(part.stats)
    stats["touched_slots"] = len(sub_slots)
    stats["touched_candidates"] = len(sub_cands)
    return Solution(
        assignments=assignments,
        objective=part_objective + rest_cost + pinned_cost,
        bound=min(part.bound, part_objective) + rest_cost + pinned_cost,
        status=f"incremental-{part.status}",
        wall_s=time.perf_counter() - t,
        stats=stats,
    )
