"""Re-solving after one change touches only that part and loses (almost) nothing."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.engine import (
    Instance,
    Params,
    check_solution,
    objective_of,
    solve,
    solve_exact,
    solve_incremental,
)
from matching.engine.generate import generate
from tests.engine.test_solver import instances


def _declined(inst: Instance, slot: str, cand: str) -> Instance:
    """The same instance after `cand` said no to `slot`: that arc is gone."""
    arcs = tuple(a for a in inst.arcs if (a.slot, a.candidate) != (slot, cand))
    return Instance(inst.params, inst.slots, inst.candidates, arcs)


@pytest.mark.parametrize("seed", range(3))
def test_a_no_is_resolved_locally_and_as_well_as_a_full_run(seed: int) -> None:
    inst = generate(40, 200, seed, params=Params(min_weekly_rest_hours=35))
    first = solve(inst)
    slot, cand = sorted(first.assignments.items())[seed]
    after = _declined(inst, slot, cand)
    pinned = dict(sorted(first.assignments.items())[-3:])

    again = solve_incremental(after, previous=first.assignments, changed=[slot], pinned=pinned)

    assert check_solution(after, again.assignments) == []
    assert again.objective == pytest.approx(objective_of(after, again.assignments))
    assert again.assignments.get(slot) != cand
    assert all(again.assignments[s] == c for s, c in pinned.items())
    assert again.stats["touched_slots"] < len(inst.slots)
    # the people who could not have taken the slot keep what they had
    could = {a.candidate for a in after.arcs if a.slot == slot} | {cand}
    kept = {s: c for s, c in first.assignments.items() if c not in could and s != slot}
    assert all(again.assignments.get(s) == c for s, c in kept.items())
    # and the answer is as good as solving everything again, within the gap tolerance
    full = solve_exact(after, time_limit_s=30)
    pinned_ok = all(full.assignments.get(s) == c for s, c in pinned.items())
    assert again.objective <= full.objective * 1.005 + 1e-6 or not pinned_ok
    assert again.objective >= full.objective - 1e-6 or not pinned_ok


def test_a_new_slot_is_filled_without_moving_the_rest() -> None:
    inst = generate(40, 200, 7)
    new = inst.slots[0].id
    without = Instance(
        inst.params, inst.slots[1:], inst.candidates, tuple(a for a in inst.arcs if a.slot != new)
    )
    first = solve(without)

    again = solve_incremental(inst, previous=first.assignments, changed=[new])

    assert check_solution(inst, again.assignments) == []
    assert new in again.assignments
    moved = {s for s, c in first.assignments.items() if again.assignments.get(s) != c}
    assert len(moved) <= again.stats["touched_slots"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.data())
def test_every_hard_rule_holds_after_a_no_on_random_instances(inst: Instance, data) -> None:
    """Random instances (weekly rest included): after a no to one assignment, the re-solve
    keeps every rule, keeps the pinned assignments and never brings the no back."""
    first = solve(inst)
    if not first.assignments:
        return
    slot, cand = data.draw(st.sampled_from(sorted(first.assignments.items())))
    after = _declined(inst, slot, cand)
    rest = sorted((s, c) for s, c in first.assignments.items() if s != slot)
    pinned = (
        dict(data.draw(st.lists(st.sampled_from(rest), unique=True, max_size=2))) if rest else {}
    )

    again = solve_incremental(after, previous=first.assignments, changed=[slot], pinned=pinned)

    assert check_solution(after, again.assignments) == []
    assert again.assignments.get(slot) != cand
    assert all(again.assignments[s] == c for s, c in pinned.items())
    assert again.objective == pytest.approx(objective_of(after, again.assignments))
    assert again.bound <= again.objective + 1e-6
