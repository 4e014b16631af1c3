from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.engine import (
    Arc,
    Candidate,
    Instance,
    Interval,
    Params,
    Slot,
    check_solution,
    instance_from_json,
    instance_to_json,
    objective_of,
    solution_to_json,
    solve,
    solve_exact,
    solve_greedy,
)
from matching.engine.generate import generate

REPO = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 26, 0, 0, tzinfo=UTC)  # spans the 2026-03-29 DST change


def assert_sound(inst: Instance, tol_pct: float = 0.5) -> None:
    sol = solve(inst)
    ref = solve_exact(inst, time_limit_s=30)
    greedy = solve_greedy(inst)
    assert check_solution(inst, sol.assignments) == []
    assert check_solution(inst, ref.assignments) == []
    assert sol.objective == pytest.approx(objective_of(inst, sol.assignments))
    assert sol.bound <= sol.objective + 1e-6
    assert sol.bound <= ref.objective + 1e-6  # proven bound below the true optimum
    assert ref.bound <= sol.objective + 1e-6
    assert sol.objective <= ref.objective * (1 + tol_pct / 100) + 1e-6
    assert sol.objective <= greedy.objective + 1e-6
    assert greedy.bound <= ref.objective + 1e-6


@pytest.mark.parametrize("seed", range(6))
def test_matches_exact_on_generated_instances(seed: int) -> None:
    assert_sound(generate(24, 160, seed))


@pytest.mark.parametrize("seed", range(4))
def test_matches_exact_with_weekly_rest(seed: int) -> None:
    # few people for many shifts, and a weekly rest long enough to bind often
    assert_sound(generate(30, 40, seed, params=Params(min_weekly_rest_hours=60), shortage=True))


def test_weekly_rest_changes_the_answer() -> None:
    inst = generate(30, 40, 0, params=Params(min_weekly_rest_hours=60), shortage=True)
    without = Instance(Params(), inst.slots, inst.candidates, inst.arcs)
    free = solve(without)
    ruled = solve(inst)
    assert check_solution(inst, free.assignments)  # the unruled answer breaks the rule
    assert check_solution(inst, ruled.assignments) == []
    assert ruled.objective > free.objective
    assert check_solution(inst, solve_greedy(inst).assignments) == []


def test_greedy_is_feasible_and_beaten() -> None:
    inst = generate(60, 400, 11)
    greedy = solve_greedy(inst)
    sol = solve(inst)
    assert check_solution(inst, greedy.assignments) == []
    assert sol.objective <= greedy.objective


@st.composite
def instances(draw: st.DrawFn) -> Instance:
    n_slots = draw(st.integers(1, 10))
    n_cands = draw(st.integers(1, 4))
    params = Params(
        min_rest_hours=draw(st.sampled_from([0.0, 8.0, 11.0])),
        max_hours_per_7_days=draw(st.sampled_from([16.0, 30.0, 48.0])),
        max_hours_per_24_hours=draw(st.sampled_from([8.0, 13.0, 24.0])),
        min_weekly_rest_hours=draw(st.sampled_from([0.0, 35.0, 60.0, 96.0])),
    )
    # half of the instances crowd their shifts into one week, where the weekly rest binds
    span = draw(st.sampled_from([7 * 48, 16 * 48]))
    slots = []
    for i in range(n_slots):
        start = T0 + timedelta(minutes=30 * draw(st.integers(0, span)))
        hours = draw(st.sampled_from([4.0, 8.0, 9.0, 12.5]))
        cost = draw(st.sampled_from([500.0, 1000.0, 2500.5]))
        slots.append(Slot(f"s{i}", start, start + timedelta(hours=hours), cost))
    cands = []
    for j in range(n_cands):
        booked = []
        for _ in range(draw(st.integers(0, 3))):
            start = T0 + timedelta(hours=draw(st.integers(-48, 16 * 24)))
            booked.append(Interval(start, start + timedelta(hours=draw(st.sampled_from([8, 10])))))
        cands.append(Candidate(f"c{j}", tuple(booked)))
    arcs = []
    for s in slots:
        for c in cands:
            if draw(st.booleans()):
                arcs.append(Arc(s.id, c.id, draw(st.sampled_from([50, 120.5, 300, 800, 1200]))))
    return Instance(params, tuple(slots), tuple(cands), tuple(arcs))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_properties_on_random_instances(inst: Instance) -> None:
    assert_sound(inst, tol_pct=0.5)


def test_json_round_trip() -> None:
    inst = generate(20, 100, 3)
    data = instance_to_json(inst)
    again = instance_from_json(json.loads(json.dumps(data)))
    assert again == inst
    assert instance_to_json(again) == data
    sol = solve(inst)
    out = solution_to_json(sol)
    assert {a["slot"]: a["candidate"] for a in out["assignments"]} == sol.assignments
    assert out["bound"] <= out["objective"]


def test_naive_timestamps_are_rejected() -> None:
    data = {
        "slots": [
            {"id": "s", "start": "2026-03-29T07:00", "end": "2026-03-29T15:00", "unfilled_cost": 1}
        ],
        "candidates": [],
        "arcs": [],
    }
    with pytest.raises(ValueError):
        instance_from_json(data)


def test_cli_solve(tmp_path: Path) -> None:
    path = tmp_path / "inst.json"
    data = {
        "params": {"min_rest_hours": 11, "max_hours_per_7_days": 48, "max_hours_per_24_hours": 13},
        "slots": [
            {
                "id": "day",
                "start": "2026-03-28T07:00:00+01:00",
                "end": "2026-03-28T15:00:00+01:00",
                "unfilled_cost": 1000,
            },
            {
                "id": "eve",
                "start": "2026-03-28T15:00:00+01:00",
                "end": "2026-03-28T23:00:00+01:00",
                "unfilled_cost": 3000,
            },
            {
                "id": "sun",
                "start": "2026-03-29T10:30:00+02:00",
                "end": "2026-03-29T18:30:00+02:00",
                "unfilled_cost": 2000,
            },
        ],
        "candidates": [{"id": "ann", "booked": []}, {"id": "bob", "booked": []}],
        "arcs": [
            {"slot": "day", "candidate": "ann", "cost": 100},
            {"slot": "eve", "candidate": "ann", "cost": 100},
            {"slot": "eve", "candidate": "bob", "cost": 400},
            {"slot": "sun", "candidate": "ann", "cost": 100},
            {"slot": "sun", "candidate": "bob", "cost": 150.5},
        ],
    }
    path.write_text(json.dumps(data))
    out = subprocess.run(
        [sys.executable, "-m", "matching.engine", "solve", str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    answer = json.loads(out.stdout)
    got = {a["slot"]: a["candidate"] for a in answer["assignments"]}
    # ann cannot do Saturday evening and Sunday 10:30 (10.5 h rest in real time)
    assert got == {"day": "ann", "eve": "bob", "sun": "ann"} or got == {
        "day": "ann",
        "eve": "ann",
        "sun": "bob",
    }
    assert answer["objective"] == pytest.approx(objective_of(instance_from_json(data), got))
    assert answer["bound"] <= answer["objective"] + 1e-6


def test_answer_does_not_depend_on_the_number_of_workers() -> None:
    inst = generate(200, 1500, 5, params=Params(min_weekly_rest_hours=35))
    one = solve(inst, workers=1)
    two = solve(inst, workers=2)
    again = solve(inst, workers=2)
    assert one.assignments == two.assignments == again.assignments
    assert one.objective == two.objective and one.bound == pytest.approx(two.bound)
    assert check_solution(inst, two.assignments) == []
