"""Cost: what it costs to put a worker on a shift, and to leave a slot empty.

The engine minimises the sum of the chosen pairs' costs plus the empty slots' costs. Every
weight comes from settings.DUGNAD["MATCHING_WEIGHTS"] (the coordinator's page shows them), so a
municipality tunes the balance without touching code. The scale is kroner: money spent counts
as itself, and every other preference is priced as what we would pay to honour it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from django.conf import settings

from matching.adapter.load import NeedInfo, ShiftInfo, Snapshot


@dataclass(frozen=True, slots=True)
class Weights:
    unfilled_normal: float
    unfilled_high: float
    unfilled_critical: float
    critical_service_extra: float
    section_14_3_per_hour: float
    redeployed_per_hour: float
    volunteer_per_hour: float
    not_continuing: float
    other_district: float
    preferred_skill_missing: float
    load_per_booked_hour: float
    max_candidates_per_slot: int

    @classmethod
    def from_settings(cls, raw: Mapping[str, float] | None = None) -> Weights:
        raw = raw if raw is not None else settings.DUGNAD["MATCHING_WEIGHTS"]
        return cls(
            **{
                name: (int if name == "max_candidates_per_slot" else float)(raw[name.upper()])
                for name in cls.__dataclass_fields__
            }
        )


def unfilled_cost(need: NeedInfo, w: Weights) -> float:
    """An empty slot costs more than any pair, more for urgent needs and critical services, so
    the engine fills those first when people are short."""
    by_priority = {1: w.unfilled_normal, 2: w.unfilled_high, 3: w.unfilled_critical}
    cost = by_priority.get(need.priority, w.unfilled_normal)
    if need.is_critical:
        cost += w.critical_service_extra
    return cost


@dataclass(slots=True)
class Costs:
    total: np.ndarray  # what the engine minimises, rounded to øre
    money: np.ndarray  # kroner actually paid for the shift (0 for internal staff)


def pairing_cost(
    snap: Snapshot,
    need: NeedInfo,
    shift: ShiftInfo,
    idx: np.ndarray,
    agency_rate: np.ndarray,
    w: Weights,
) -> Costs:
    """The cost of each worker `idx` on `shift`; `agency_rate` is their agency hourly rate
    (NaN for anyone not from an agency), as eligibility.agency_rates gives it."""
    hours = shift.hours
    employee = snap.is_employee[idx]
    volunteer = snap.is_volunteer[idx]
    agency = snap.is_agency[idx]

    # § 14-3 (arbeidsmiljøloven): extra hours go first to part-timers who want more, then to
    # redeployed staff, and only then to volunteers on a temporary contract or agency temps.
    # A part-timer who wants more hours costs nothing here; the others pay per hour.
    order_per_hour = np.select(
        [employee & ~snap.wants_more_hours[idx], volunteer | agency],
        [w.redeployed_per_hour, w.section_14_3_per_hour],
        0.0,
    )
    # What the municipality pays: a volunteer's temporary contract, an agency's hourly rate.
    money = np.where(volunteer, w.volunteer_per_hour * hours, 0.0)
    money += np.where(agency, np.nan_to_num(agency_rate) * hours, 0.0)
    # Spread the load: each hour already booked around the horizon costs a little.
    load = snap.booked_hours[idx] * w.load_per_booked_hour
    # Keep people near home.
    other_district = np.where(snap.district[idx] != need.district_id, w.other_district, 0.0)
    # Continuity: someone already placed on this need costs nothing extra. (A pairwise "same
    # person on consecutive shifts" term does not fit per-pair costs; ties are broken by a
    # fixed per-need order in instance_build instead, which keeps the same people in the
    # running.)
    continuing = np.isin(snap.worker_ids[idx], _continuing_on(snap, need.id))
    not_continuing = np.where(continuing, 0.0, w.not_continuing)
    # Preferred skills: each one missing costs a little.
    preferred_missing = np.zeros(len(idx))
    for s in need.preferred:
        has = snap.has_skill.get(s, snap.nobody())[idx]
        preferred_missing += np.where(has, 0.0, w.preferred_skill_missing)

    total = (
        order_per_hour * hours + load + other_district + money + not_continuing + preferred_missing
    )
    return Costs(total=np.round(total, 2), money=money)


def _continuing_on(snap: Snapshot, need_id: int) -> list[int]:
    key = ("continuing",)
    if key not in snap.memo:
        by_need: dict[int, list[int]] = {}
        for wid, nid in snap.placed_on_need:
            by_need.setdefault(nid, []).append(wid)
        snap.memo[key] = by_need
    return snap.memo[key].get(need_id, [])
