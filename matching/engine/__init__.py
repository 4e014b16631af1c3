"""Django-free matching engine: who fills which open slot.

Public API (kept stable for the Django side):
    Params, Slot, Interval, Candidate, Arc, Instance, Solution
    solve, solve_greedy, solve_exact, solve_incremental
    check_solution, objective_of, why_infeasible
    instance_from_json, instance_to_json, solution_to_json
"""

from .check import check_solution, objective_of, why_infeasible
from .exact import solve_exact
from .greedy import solve_greedy
from .incremental import solve_incremental
from .jsonio import instance_from_json, instance_to_json, solution_to_json
from .model import Arc, Candidate, Instance, Interval, Params, Slot, Solution
from .solver import solve

__all__ = [
    "Arc",
    "Candidate",
    "Instance",
    "Interval",
    "Params",
    "Slot",
    "Solution",
    "check_solution",
    "instance_from_json",
    "instance_to_json",
    "objective_of",
    "solution_to_json",
    "solve",
    "solve_exact",
    "solve_greedy",
    "solve_incremental",
    "why_infeasible",
]
