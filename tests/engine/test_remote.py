"""Large independent blocks handed to other workers as JSON payloads (remote.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from matching.engine import Params, check_solution, objective_of, solve, solve_exact, solver
from matching.engine.compiled import compile_instance
from matching.engine.generate import generate
from matching.engine.remote import block_payload, result_columns
from matching.engine.worker import solve_payload
from tests.engine.test_solver import instances


def _through_json(payloads):
    """What a Celery group does to the payloads and results: JSON both ways."""
    return [json.loads(json.dumps(solve_payload(json.loads(json.dumps(p))))) for p in payloads]


@pytest.fixture(scope="module")
def inst():
    return generate(200, 2_000, 3, params=Params(min_weekly_rest_hours=35))


@pytest.fixture(autouse=True)
def _small_batches(monkeypatch):
    """Blocks are batched up to BATCH_COLUMNS columns: smaller batches give this small
    instance several blocks to hand out."""
    monkeypatch.setattr(solver, "BATCH_COLUMNS", 60)


def test_blocks_solved_elsewhere_give_a_valid_answer_within_the_gap(inst) -> None:
    sent: list[int] = []

    def block_map(payloads):
        sent.append(len(payloads))
        return _through_json(payloads)

    here = solve(inst, workers=1)
    spread = solve(inst, workers=1, block_map=block_map, remote_min_columns=1)

    assert sent and spread.stats["remote_blocks"] == sent[0] >= 1
    assert check_solution(inst, spread.assignments) == []
    assert spread.bound <= spread.objective + 1e-6
    assert spread.gap_pct <= 0.5
    assert abs(spread.objective - here.objective) <= 0.005 * here.objective


def test_the_answer_is_the_same_whoever_solves_the_blocks(inst) -> None:
    first = solve(inst, workers=1, block_map=_through_json, remote_min_columns=1)
    # another "worker" (threads, a different order of completion) gives the same
    again = solve(inst, workers=2, block_map=_through_json, remote_min_columns=1)
    assert first.assignments == again.assignments
    assert first.objective == again.objective


def test_workers_that_fail_leave_the_blocks_to_this_process(inst) -> None:
    def broken(payloads):
        raise ConnectionError("no worker answered")

    sol = solve(inst, workers=1, block_map=broken, remote_min_columns=1)
    assert check_solution(inst, sol.assignments) == []
    assert sol.gap_pct <= 0.5


def test_small_instances_stay_here(inst) -> None:
    def never(payloads):
        raise AssertionError("nothing is large enough to send")

    sol = solve(inst, workers=1, block_map=never)  # blocks under the default minimum size
    assert sol.stats["remote_blocks"] == 0


def test_a_payload_round_trip_keeps_every_arc_and_booking(inst) -> None:
    cp = compile_instance(inst)
    arcs = np.arange(len(cp.a_slot))[: len(cp.a_slot) // 3]
    payload = block_payload(cp, arcs, time_limit_s=10, gap_tolerance_pct=0.5)
    assert len(payload["instance"]["arcs"]) == len(arcs)
    assert {a["slot"] for a in payload["instance"]["arcs"]} == {
        s["id"] for s in payload["instance"]["slots"]
    }
    booked = sum(len(c["booked"]) for c in payload["instance"]["candidates"])
    cands = np.unique(cp.a_cand[arcs])
    assert booked == int(np.isin(cp.b_cand, cands).sum())
    result = solve_payload(payload)
    x, bound, ok = result_columns(cp, arcs, result)
    assert x.sum() == len(result["assignments"]) and ok
    assert bound <= result["objective"] + 1e-6


def test_an_unknown_payload_format_is_refused() -> None:
    with pytest.raises(ValueError):
        solve_payload({"format": 99, "instance": {}})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_every_hard_rule_holds_when_blocks_are_solved_elsewhere(inst) -> None:
    """Random instances (weekly rest included), every block handed out: the answer keeps
    every rule and is within the gap of the exact reference."""
    sol = solve(inst, workers=1, block_map=_through_json, remote_min_columns=1)
    ref = solve_exact(inst, time_limit_s=30)
    assert check_solution(inst, sol.assignments) == []
    assert sol.objective == pytest.approx(objective_of(inst, sol.assignments))
    assert sol.bound <= ref.objective + 1e-6
    assert sol.objective <= ref.objective * 1.005 + 1e-6
