"""The schedule (Lagrangian / column generation) bound must never exceed the optimum."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from matching.engine import Params, check_solution, solve_exact
from matching.engine.colgen import Pricer, column_generation
from matching.engine.compiled import compile_instance, feasible_alone
from matching.engine.generate import generate
from matching.engine.model import Instance


def _setup(inst: Instance):
    cp = compile_instance(inst)
    feasible = feasible_alone(cp, cp.a_slot, cp.a_cand)
    arcs = np.nonzero(feasible & (cp.a_cost < cp.s_ucost[cp.a_slot]))[0]
    obj = cp.a_cost[arcs] - cp.s_ucost[cp.a_slot[arcs]]
    return cp, arcs, obj, float(cp.s_ucost.sum())


def _assignments(cp, arcs, x) -> dict[str, str]:
    return {cp.slot_ids[cp.a_slot[a]]: cp.cand_ids[cp.a_cand[a]] for a in arcs[np.nonzero(x)[0]]}


@pytest.mark.parametrize(("seed", "weekly_rest"), [(s, 0) for s in range(6)] + [(0, 60), (1, 60)])
def test_lagrangian_bound_below_optimum(seed: int, weekly_rest: float) -> None:
    inst = generate(24, 160, seed, params=Params(min_weekly_rest_hours=weekly_rest))
    cp, arcs, obj, offset = _setup(inst)
    ref = solve_exact(inst, time_limit_s=30)
    assert ref.status == "optimal"
    rng = np.random.default_rng(seed)
    none = np.zeros(len(arcs), dtype=bool)
    # any multipliers >= 0 give a valid bound, the column generation a better one
    for mu in (np.zeros(len(arcs)), rng.uniform(0, 1500, len(arcs)), -obj):
        quick = column_generation(
            cp, arcs, obj, offset, mu, none, gap=0.0, deadline=1e18, max_rounds=0
        )
        assert quick.bound <= ref.objective + 1e-6
    full = column_generation(cp, arcs, obj, offset, -obj, none, gap=0.0, deadline=1e18, mip_time=10)
    assert full.bound <= ref.objective + 1e-6
    assert full.x is not None
    assignments = _assignments(cp, arcs, full.x)
    assert check_solution(inst, assignments) == []
    value = offset + float(obj[full.x].sum())
    assert value >= ref.objective - 1e-6
    # converged column generation is within a hair of the optimum on these
    assert full.bound >= ref.objective * (1 - 0.02)


@pytest.mark.parametrize(("seed", "weekly_rest"), [(s, w) for s in range(4) for w in (0, 60)])
def test_pricing_is_exact(seed: int, weekly_rest: float) -> None:
    """Pricer.best against brute force over every subset of a person's arcs."""
    inst = generate(30, 60, seed, params=Params(min_weekly_rest_hours=weekly_rest))
    cp, arcs, obj, _ = _setup(inst)
    pricer = Pricer(cp, arcs)
    rng = np.random.default_rng(seed)
    rc = obj + rng.uniform(0, 2500, len(arcs))
    checked = 0
    ub_all, val_all, _ = pricer.price(rc)
    for p in range(pricer.n_people):
        cols = np.nonzero(pricer.person_of_col == p)[0].tolist()
        if len(cols) > 12:
            continue
        ub, val, found = pricer.best(p, rc)
        assert ub == pytest.approx(val)
        # pricing everyone at once gives each person the same answer
        assert (ub_all[p], val_all[p]) == pytest.approx((ub, val))
        if found:
            chosen = np.zeros(len(arcs), dtype=bool)
            chosen[found] = True
            assert check_solution(inst, _assignments(cp, arcs, chosen)) == []
            assert val == pytest.approx(-float(rc[found].sum()))
        best = 0.0
        for k in range(1, len(cols) + 1):
            for subset in itertools.combinations(cols, k):
                gain = -float(rc[list(subset)].sum())
                if gain <= best:
                    continue
                chosen = np.zeros(len(arcs), dtype=bool)
                chosen[list(subset)] = True
                if not check_solution(inst, _assignments(cp, arcs, chosen)):
                    best = gain
        assert val == pytest.approx(best)
        checked += 1
    assert checked > 0


def test_pricing_cut_short_still_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a tiny node budget the search stops early; the gain it reports as
    an upper bound must still be at least the true best gain."""
    from matching.engine import colgen

    inst = generate(30, 20, 3)
    cp, arcs, obj, _ = _setup(inst)
    rc = obj + np.random.default_rng(3).uniform(0, 1500, len(arcs))
    exact_ub, exact_val, _ = Pricer(cp, arcs).price(rc)
    monkeypatch.setattr(colgen, "NODE_LIMIT", 1)
    short_ub, short_val, _ = Pricer(cp, arcs).price(rc)
    assert np.all(short_ub >= exact_val - 1e-9)
    assert np.all(short_val <= exact_val + 1e-9)
    assert np.any(short_val < exact_val - 1e-9)  # the budget did cut some searches short
    assert np.allclose(exact_ub, exact_val)
