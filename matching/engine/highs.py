"""Thin access to the HiGHS solver that ships inside scipy.

scipy.optimize.milp cannot take a starting solution or an absolute gap, and
both matter here: the engine's own rounding is usually within a hair of the
optimum, and handing it to HiGHS lets branch-and-cut stop as soon as its cuts
prove it. scipy vendors the full highspy core, so we use it when present and
fall back to scipy.optimize.milp otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

try:  # private but stable since scipy 1.15; the fallback keeps us working without it
    from scipy.optimize._highspy import _core as _hc
except ImportError:  # pragma: no cover
    _hc = None


@dataclass(slots=True)
class Result:
    x: np.ndarray | None  # column values (LP) or 0/1 (MIP), None when nothing found
    objective: float  # incl. offset; inf when no solution
    bound: float  # proven lower bound incl. offset; -inf when unknown
    optimal: bool
    reduced_costs: np.ndarray | None = None  # LP only
    row_duals: np.ndarray | None = None  # LP only (<= 0 for the "<=" rows of a min)


def _highs_lp(obj: np.ndarray, matrix: sp.csr_matrix, rhs: np.ndarray, offset: float):
    """min obj·x + offset s.t. matrix x <= rhs, 0 <= x <= 1, in HiGHS's column-wise form."""
    n = len(obj)
    m = matrix.shape[0]
    csc = matrix.tocsc()
    lp = _hc.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = m
    lp.offset_ = float(offset)
    lp.col_cost_ = np.asarray(obj, dtype=np.float64)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.ones(n)
    lp.row_lower_ = np.full(m, -_hc.kHighsInf)
    lp.row_upper_ = np.asarray(rhs, dtype=np.float64)
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = m
    lp.a_matrix_.format_ = _hc.MatrixFormat.kColwise
    lp.a_matrix_.start_ = csc.indptr.astype(np.int32)
    lp.a_matrix_.index_ = csc.indices.astype(np.int32)
    lp.a_matrix_.value_ = csc.data.astype(np.float64)
    return lp


def solve(
    obj: np.ndarray,
    matrix: sp.csr_matrix,
    rhs: np.ndarray,
    *,
    offset: float = 0.0,
    integer: bool = True,
    time_limit: float = 60.0,
    rel_gap: float = 1e-4,
    abs_gap: float = 1e-6,
    start: np.ndarray | None = None,
    threads: int = 1,
    extra: dict[str, float | int | str | bool] | None = None,
) -> Result:
    """min obj·x + offset s.t. matrix x <= rhs, 0 <= x <= 1 (binary if integer)."""
    if _hc is None:
        return _solve_scipy(obj, matrix, rhs, offset, integer, time_limit, rel_gap)
    n = len(obj)
    lp = _highs_lp(obj, matrix, rhs, offset)
    if integer:
        lp.integrality_ = [_hc.HighsVarType.kInteger] * n
    h = _hc._Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(max(time_limit, 0.05)))
    h.setOptionValue("threads", int(threads))
    if integer:
        h.setOptionValue("mip_rel_gap", float(rel_gap))
        h.setOptionValue("mip_abs_gap", float(abs_gap))
    for key, value in (extra or {}).items():
        h.setOptionValue(key, value)
    h.passModel(lp)
    if integer and start is not None:
        sol = _hc.HighsSolution()
        sol.col_value = np.asarray(start, dtype=np.float64)
        sol.value_valid = True
        h.setSolution(sol)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    optimal = status == _hc.HighsModelStatus.kOptimal
    value = info.objective_function_value
    has_x = info.primal_solution_status == _hc.kSolutionStatusFeasible
    solution = h.getSolution()
    x = np.array(solution.col_value) if has_x else None
    del h, lp  # HiGHS's copy of the model goes before the caller's next step
    rc = None if integer or not optimal else np.array(solution.col_dual)
    # an LP optimum is a bound only when the solve finished
    lp_bound = value if optimal else -math.inf
    bound = info.mip_dual_bound if integer else lp_bound
    if bound is None or not math.isfinite(bound):
        bound = -math.inf
    if x is None or not math.isfinite(value):
        value = math.inf
    return Result(x, float(value), float(bound), optimal, rc)


def _solve_scipy(
    obj: np.ndarray,
    matrix: sp.csr_matrix,
    rhs: np.ndarray,
    offset: float,
    integer: bool,
    time_limit: float,
    rel_gap: float,
) -> Result:  # pragma: no cover - only without the vendored highspy
    n = len(obj)
    c = np.concatenate((obj, [offset]))
    lb = np.zeros(n + 1)
    lb[-1] = 1.0
    a = sp.hstack((matrix, sp.csr_matrix((matrix.shape[0], 1)))).tocsr()
    res = milp(
        c,
        integrality=np.ones(n + 1) if integer else np.zeros(n + 1),
        bounds=Bounds(lb, np.ones(n + 1)),
        constraints=[LinearConstraint(a, -np.inf, rhs)] if a.shape[0] else [],
        options={"time_limit": max(time_limit, 0.05), "mip_rel_gap": rel_gap},
    )
    x = None if res.x is None else res.x[:n]
    optimal = res.status == 0
    lp_bound = res.fun if optimal else None
    bound = getattr(res, "mip_dual_bound", None) if integer else lp_bound
    bound = -math.inf if bound is None or not math.isfinite(bound) else float(bound)
    value = math.inf if x is None else float(res.fun)
    return Result(x, value, bound, optimal)


class LPModel:
    """An LP kept alive between solves, so added cut rows re-solve warm."""

    def __init__(
        self, obj: np.ndarray, matrix: sp.csr_matrix, rhs: np.ndarray, offset: float = 0.0
    ) -> None:
        if _hc is None:  # pragma: no cover
            raise RuntimeError("LPModel needs scipy's vendored highspy")
        lp = _highs_lp(obj, matrix, rhs, offset)
        self.h = _hc._Highs()
        self.h.setOptionValue("output_flag", False)
        self.h.setOptionValue("threads", 1)
        # These LPs are 0/1 rows with few nonzeros per column; presolve finds little to remove
        # and cost 2.1 s of a 2.8 s solve on the demo at 2,000 slots (0.7 s without).
        self.h.setOptionValue("presolve", "off")
        self.h.passModel(lp)

    def add_rows(self, rows: sp.csr_matrix, rhs: np.ndarray) -> None:
        m = rows.shape[0]
        self.h.addRows(
            m,
            np.full(m, -_hc.kHighsInf),
            np.asarray(rhs, dtype=np.float64),
            rows.nnz,
            rows.indptr[:-1].astype(np.int32),
            rows.indices.astype(np.int32),
            rows.data.astype(np.float64),
        )

    def add_cols(self, cost: np.ndarray, cols: sp.csc_matrix) -> None:
        """Append 0/1-bounded columns (coefficients over the existing rows)."""
        k = cols.shape[1]
        if k == 0:
            return
        self.h.addCols(
            k,
            np.asarray(cost, dtype=np.float64),
            np.zeros(k),
            np.ones(k),
            cols.nnz,
            cols.indptr[:-1].astype(np.int32),
            cols.indices.astype(np.int32),
            cols.data.astype(np.float64),
        )

    def fix_columns(self, idx: np.ndarray, value: float) -> None:
        k = len(idx)
        self.h.changeColsBounds(
            k, idx.astype(np.int32), np.full(k, float(value)), np.full(k, float(value))
        )

    def solve(self, time_limit: float) -> Result:
        self.h.setOptionValue("time_limit", float(max(time_limit, 0.05)))
        self.h.run()
        optimal = self.h.getModelStatus() == _hc.HighsModelStatus.kOptimal
        if not optimal:
            return Result(None, math.inf, -math.inf, False)
        info = self.h.getInfo()
        solution = self.h.getSolution()
        value = float(info.objective_function_value)
        return Result(
            np.array(solution.col_value),
            value,
            value,
            True,
            np.array(solution.col_dual),
            np.array(solution.row_dual),
        )
