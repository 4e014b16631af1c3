"""Plain data model of a matching instance and its solution (no Django)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Params:
    min_rest_hours: float = 11.0
    max_hours_per_7_days: float = 48.0
    max_hours_per_24_hours: float = 13.0
    # arbeidsmiljøloven § 10-8 (2): 35 h of continuous rest in every 7 days; 0 = not enforced
    min_weekly_rest_hours: float = 0.0


@dataclass(frozen=True, slots=True)
class Interval:
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Slot:
    id: str
    start: datetime
    end: datetime
    unfilled_cost: float


@dataclass(frozen=True, slots=True)
class Candidate:
    id: str
    booked: tuple[Interval, ...] = ()


@dataclass(frozen=True, slots=True)
class Arc:
    slot: str
    candidate: str
    cost: float


@dataclass(frozen=True, slots=True)
class Instance:
    params: Params
    slots: tuple[Slot, ...]
    candidates: tuple[Candidate, ...]
    arcs: tuple[Arc, ...]


@dataclass(slots=True)
class Solution:
    """assignments maps slot id -> candidate id; slots not in it stay unfilled."""

    assignments: dict[str, str]
    objective: float
    bound: float
    status: str
    wall_s: float = 0.0
    stats: dict[str, float | int | str] = field(default_factory=dict)

    @property
    def gap_pct(self) -> float:
        if self.bound > 0:
            return 100.0 * (self.objective - self.bound) / self.bound
        return 0.0 if self.objective <= self.bound + 1e-9 else float("inf")
