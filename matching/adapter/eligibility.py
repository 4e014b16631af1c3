"""Eligibility: the hard rules, each a named predicate, and the one answer to "why not this
person?".

A run, the approval re-check (matching.services) and the explanations (matching.explain) all
ask the rules here, so they cannot disagree. A rule looks at a Snapshot (see load.py) and a
need's shift, and says for some workers (indexes into the snapshot's arrays) whether each
passes; a run asks it for thousands of workers at once, the approval re-check for one.

Two kinds of rule:
- RULES, checked here before the engine sees a pair (qualification, HPR, skills, availability,
  agreement, ...). The order matters: the first rule a worker fails is their reason.
- the working-time rules (overlap, rest, hours per 24 h and per 7 days), which depend on the
  other shifts a person gets in the same run, so the engine keeps them; `working_time` asks the
  engine about one pair and turns its answer into a Reason.

A failed rule gives a Reason: a code with parameters. Words are chosen in one place per
language, matching.explain.reason_text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from matching.adapter.load import NeedInfo, ShiftInfo, Snapshot, secs
from matching.engine import Arc, Candidate, Instance, Interval, Params, Slot, why_infeasible

OSLO = ZoneInfo("Europe/Oslo")
_NO_PARAMS: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a worker cannot take a shift: a stable code and what the wording needs."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


# --- the rules checked before the engine ---------------------------------------------------

Test = Callable[[Snapshot, NeedInfo, ShiftInfo, np.ndarray], np.ndarray]
Explain = Callable[[Snapshot, NeedInfo, ShiftInfo, int], Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str  # the Reason code given to those who fail it
    test: Test  # (snapshot, need, shift, worker indexes) -> passes, one bool per index
    params: Explain | None = None  # (snapshot, need, shift, worker index) -> Reason params
    # depends only on the need's qualification and required skills (not on the shift)
    per_need: bool = False


def fitting_qualifications(snap: Snapshot, need_qual: int) -> list[int]:
    """Qualifications that fill a need for `need_qual`: itself and whatever covers it,
    transitively (a nurse covers a health worker, who covers an auxiliary nurse)."""
    key = ("fitting", need_qual)
    if key not in snap.memo:
        snap.memo[key] = sorted(q for q, cov in snap.covers.items() if need_qual in cov)
    return snap.memo[key]


def _student_may_count(snap: Snapshot, qual: int, need_qual: int) -> bool:
    # A student without a licence fills assistant needs only, whatever `covers` says.
    return qual not in snap.student or need_qual not in snap.authorised


def usable_qualifications(snap: Snapshot, worker_id: int, need_qual: int) -> list[int]:
    """The worker's qualifications that count for the need under every qualification rule."""
    info = snap.workers[worker_id]
    fitting = set(fitting_qualifications(snap, need_qual))
    return [
        q
        for q in info.quals
        if q in fitting
        and _student_may_count(snap, q, need_qual)
        and (q not in snap.authorised or info.verified_hpr)
    ]


def _need_key(need: NeedInfo) -> tuple:
    return (need.qualification_id, need.required)


def _per_need(name: str, compute: Callable[[Snapshot, NeedInfo], np.ndarray]) -> Test:
    """A rule that depends only on the need's qualification and skills: one mask over every
    worker per kind of need, kept for the run."""

    def test(snap: Snapshot, need: NeedInfo, shift: ShiftInfo, idx: np.ndarray) -> np.ndarray:
        key = (name, *_need_key(need))
        if key not in snap.memo:
            snap.memo[key] = compute(snap, need)
        return snap.memo[key][idx]

    return test


def _holders(snap: Snapshot, quals: list[int]) -> np.ndarray:
    out = snap.nobody()
    for q in quals:
        if q in snap.holds:
            out |= snap.holds[q]
    return out


def _is_active(snap: Snapshot, need: NeedInfo) -> np.ndarray:
    return snap.active


def _holds_fitting(snap: Snapshot, need: NeedInfo) -> np.ndarray:
    return _holders(snap, fitting_qualifications(snap, need.qualification_id))


def _not_only_as_student(snap: Snapshot, need: NeedInfo) -> np.ndarray:
    q_need = need.qualification_id
    fitting = fitting_qualifications(snap, q_need)
    return _holders(snap, [q for q in fitting if _student_may_count(snap, q, q_need)])


def _verified_where_authorised(snap: Snapshot, need: NeedInfo) -> np.ndarray:
    q_need = need.qualification_id
    fitting = [
        q for q in fitting_qualifications(snap, q_need) if _student_may_count(snap, q, q_need)
    ]
    out = _holders(snap, [q for q in fitting if q not in snap.authorised])
    return out | (_holders(snap, [q for q in fitting if q in snap.authorised]) & snap.verified)


def _has_required_skills(snap: Snapshot, need: NeedInfo) -> np.ndarray:
    out = ~snap.nobody()
    for s in need.required:
        out &= snap.has_skill.get(s, snap.nobody())
    return out


def _missing_skills(snap: Snapshot, need: NeedInfo, shift: ShiftInfo, i: int) -> dict:
    has = snap.workers[int(snap.worker_ids[i])].skills
    return {"skills": tuple(snap.skill_names[s] for s in need.required if s not in has)}


def _qualification_params(snap: Snapshot, need: NeedInfo, shift: ShiftInfo, i: int) -> dict:
    return {"qualification": snap.qual_names[need.qualification_id]}


def _free_for_shift(snap: Snapshot, need: NeedInfo, shift: ShiftInfo, idx: np.ndarray):
    """An availability window covers the whole shift."""
    free = snap.nobody()
    if len(snap.av_w):
        s0, s1 = secs(shift.start), secs(shift.end)
        free[snap.av_w[(snap.av_s <= s0) & (snap.av_e >= s1)]] = True
    return free[idx]


def shift_day(shift: ShiftInfo) -> dt.date:
    return shift.start.astimezone(OSLO).date()


def agency_rates(snap: Snapshot, need_qual: int, day: dt.date) -> np.ndarray:
    """Each worker's agency hourly rate for a need on a day: the lowest rate of a framework
    agreement of their agency, valid on that day, for a qualification that counts for the
    need. NaN for everyone else (and for temps with no such agreement)."""
    key = ("rates", need_qual, day)
    if key not in snap.memo:
        out = np.full(snap.n_workers, np.nan)
        # Temps of one agency with the same qualifications get the same rate: ask once.
        for (agency, usable), idx in _agency_groups(snap, need_qual).items():
            valid = [
                rate
                for q in usable
                for valid_from, valid_to, rate in snap.rates.get((agency, q), ())
                if valid_from <= day <= valid_to
            ]
            if valid:
                out[idx] = min(valid)
        snap.memo[key] = out
    return snap.memo[key]


def _agency_groups(snap: Snapshot, need_qual: int) -> dict[tuple, list[int]]:
    key = ("agency groups", need_qual)
    if key not in snap.memo:
        groups: dict[tuple, list[int]] = {}
        for i in np.flatnonzero(snap.is_agency).tolist():
            wid = int(snap.worker_ids[i])
            usable = tuple(usable_qualifications(snap, wid, need_qual))
            groups.setdefault((snap.workers[wid].agency_id, usable), []).append(i)
        snap.memo[key] = groups
    return snap.memo[key]


def _agreement_valid(snap: Snapshot, need: NeedInfo, shift: ShiftInfo, idx: np.ndarray):
    """An agency temp needs a framework agreement valid on the shift's day (Oslo date) with a
    rate for the need."""
    rate = agency_rates(snap, need.qualification_id, shift_day(shift))[idx]
    return ~snap.is_agency[idx] | ~np.isnan(rate)


def _agreement_params(snap: Snapshot, need: NeedInfo, shift: ShiftInfo, i: int) -> dict:
    return {"date": shift_day(shift)}


def _not_absent(snap: Snapshot, need: NeedInfo, shift: ShiftInfo, idx: np.ndarray):
    """Sick leave or holiday on any day the shift touches."""
    if not len(snap.ab_w):
        return np.ones(len(idx), dtype=bool)
    s0, s1 = secs(shift.start), secs(shift.end)
    away = snap.nobody()
    away[snap.ab_w[(snap.ab_s < s1) & (snap.ab_e > s0)]] = True
    return ~away[idx]


def expired_credential(snap: Snapshot, worker_id: int, need: NeedInfo, day: dt.date) -> str | None:
    """The credential that has expired by `day` and that the worker needs for the need (the
    authorisation, the qualification itself or a required skill's certificate); None when
    what they hold is still valid then. Only the valid-until days are checked here: the
    qualification rules before it already passed."""
    info = snap.workers[worker_id]
    q_need = need.qualification_id
    fitting = set(fitting_qualifications(snap, q_need))
    hpr_until = snap.hpr_until.get(worker_id)
    hpr_valid = info.verified_hpr and (hpr_until is None or hpr_until >= day)
    until = snap.qual_until.get(worker_id, {})
    usable = [q for q in info.quals if q in fitting and _student_may_count(snap, q, q_need)]
    valid = [
        q
        for q in usable
        if (q not in snap.authorised or hpr_valid) and (q not in until or until[q] >= day)
    ]
    if not valid:
        if not hpr_valid and any(q in snap.authorised for q in usable):
            return "hpr"
        expired = [q for q in usable if q in until and until[q] < day]
        return snap.qual_names[expired[0]] if expired else "hpr"
    skills = snap.skill_until.get(worker_id, {})
    for s in need.required:
        if s in skills and skills[s] < day:
            return snap.skill_names[s]
    return None


def _credentials_valid(snap: Snapshot, need: NeedInfo, shift: ShiftInfo, idx: np.ndarray):
    """Expired qualifications, authorisations and skill certificates stop counting for shifts
    after their last valid day."""
    out = np.ones(len(idx), dtype=bool)
    if not (snap.qual_until or snap.skill_until or snap.hpr_until):
        return out
    day = shift_day(shift)
    dated = snap.qual_until.keys() | snap.skill_until.keys() | snap.hpr_until.keys()
    for pos, i in enumerate(idx.tolist()):
        wid = int(snap.worker_ids[i])
        if wid in dated and expired_credential(snap, wid, need, day) is not None:
            out[pos] = False
    return out


def _credential_params(snap: Snapshot, need: NeedInfo, shift: ShiftInfo, i: int) -> dict:
    day = shift_day(shift)
    return {"date": day, "credential": expired_credential(snap, int(snap.worker_ids[i]), need, day)}


def _not_rejected(snap: Snapshot, need: NeedInfo, shift: ShiftInfo, idx: np.ndarray):
    """A coordinator who said no to this person for this shift is not asked again."""
    rejected = snap.rejected.get(shift.id)
    if not rejected:
        return np.ones(len(idx), dtype=bool)
    return ~np.isin(snap.worker_ids[idx], list(rejected))


# The hard rules matching checks before the engine sees a pair, in the order a reason is given.
# Add a rule by putting a Rule here; its code needs words in matching.explain.reason_text
# (rules after "not_available" are also worded for many workers at once, with only the shift's
# date as a parameter).
RULES: list[Rule] = [
    Rule("inactive", _per_need("inactive", _is_active), per_need=True),
    Rule(
        "not_qualified",
        _per_need("qualified", _holds_fitting),
        _qualification_params,
        per_need=True,
    ),
    Rule(
        "student_limit",
        _per_need("student", _not_only_as_student),
        _qualification_params,
        per_need=True,
    ),
    Rule("hpr_unverified", _per_need("hpr", _verified_where_authorised), per_need=True),
    Rule(
        "skill_missing",
        _per_need("skills", _has_required_skills),
        _missing_skills,
        per_need=True,
    ),
    Rule("not_available", _free_for_shift),
    Rule("absent", _not_absent, _agreement_params),
    Rule("credential_expired", _credentials_valid, _credential_params),
    Rule("no_agreement", _agreement_valid, _agreement_params),
    Rule("rejected", _not_rejected),
]


@dataclass(slots=True)
class Screened:
    idx: np.ndarray  # worker indexes that pass every rule
    passed: dict[str, int]  # rule code -> how many were left after it


def screen(snap: Snapshot, shift: ShiftInfo) -> Screened:
    """Every worker of the snapshot through RULES for one shift. The rules that depend only
    on the need are applied once per kind of need and kept for the run."""
    need = snap.needs[shift.need_id]
    key = ("screen", *_need_key(need))
    if key not in snap.memo:
        snap.memo[key] = _apply(snap, need, shift, np.arange(snap.n_workers), per_need=True)
    idx, passed = snap.memo[key]
    idx, later = _apply(snap, need, shift, idx, per_need=False)
    return Screened(idx=idx, passed={**passed, **later})


def _apply(
    snap: Snapshot, need: NeedInfo, shift: ShiftInfo, idx: np.ndarray, *, per_need: bool
) -> tuple[np.ndarray, dict[str, int]]:
    passed: dict[str, int] = {}
    for rule in RULES:
        if rule.per_need == per_need:
            if len(idx):
                idx = idx[rule.test(snap, need, shift, idx)]
            passed[rule.code] = len(idx)
    return idx, passed


def first_failed_rule(snap: Snapshot, shift_id: int, worker_id: int) -> Reason | None:
    shift = snap.shifts[shift_id]
    need = snap.needs[shift.need_id]
    i = snap.index_of[worker_id]
    one = np.array([i])
    for rule in RULES:
        if not rule.test(snap, need, shift, one)[0]:
            params = rule.params(snap, need, shift, i) if rule.params else _NO_PARAMS
            return Reason(rule.code, params)
    return None


# --- the rules the engine keeps ------------------------------------------------------------


def _engine_reasons(p: Params) -> dict[str, Reason]:
    """The engine's reason strings (matching.engine.check) and their codes: read here and only
    here. A new engine rule gets a line here and words in matching.explain.reason_text."""
    return {
        "overlap": Reason("overlap"),
        f"rest < {p.min_rest_hours:g} h": Reason("rest", {"hours": p.min_rest_hours}),
        f"over {p.max_hours_per_24_hours:g} h in 24 h": Reason(
            "hours_24h", {"hours": p.max_hours_per_24_hours}
        ),
        f"over {p.max_hours_per_7_days:g} h in 7 days": Reason(
            "hours_7d", {"hours": p.max_hours_per_7_days}
        ),
        f"weekly rest < {p.min_weekly_rest_hours:g} h": Reason(
            "weekly_rest", {"hours": p.min_weekly_rest_hours}
        ),
    }


def working_time(
    params: Params,
    slot: Slot,
    booked: tuple[Interval, ...] = (),
    others: tuple[Slot, ...] = (),
) -> Reason | None:
    """Whether one more shift (`slot`) fits the person's working-time limits, given what they
    already have (`booked`) and what else this run gives them (`others`). Asked of the engine
    on an instance of just this person, so it is cheap."""
    cand = "w"
    slots = (slot, *(o for o in others if o.id != slot.id))
    mini = Instance(
        params=params,
        slots=slots,
        candidates=(Candidate(id=cand, booked=booked),),
        arcs=tuple(Arc(slot=s.id, candidate=cand, cost=0.0) for s in slots),
    )
    text = why_infeasible(mini, slot.id, cand, {s.id: cand for s in slots[1:]})
    if text is None:
        return None
    return _engine_reasons(params).get(text, Reason("working_time", {"rule": text}))


def why_not(snap: Snapshot, params: Params, shift_id: int, worker_id: int) -> Reason | None:
    """Every hard rule for one worker on one shift, on top of their existing placements: None
    when they may take it, else the first rule they fail."""
    reason = first_failed_rule(snap, shift_id, worker_id)
    if reason is not None:
        return reason
    shift = snap.shifts[shift_id]
    slot = Slot(id="new", start=shift.start, end=shift.end, unfilled_cost=1.0)
    booked = tuple(Interval(s, e) for s, e in sorted(snap.booked.get(worker_id, ())))
    return working_time(params, slot, booked)


_QUALIFICATION_CHAIN = frozenset({"not_qualified", "student_limit", "hpr_unverified"})


def failed_rules(snap: Snapshot, params: Params, shift_id: int, worker_id: int) -> list[Reason]:
    """Every hard rule one worker fails on one shift, in RULES order, then the working-time
    rule (if the earlier ones leave any to ask): what a coordinator must know before assigning
    someone by hand, where overriding one rule must not hide another."""
    shift = snap.shifts[shift_id]
    need = snap.needs[shift.need_id]
    i = snap.index_of[worker_id]
    one = np.array([i])
    out: list[Reason] = []
    for rule in RULES:
        # the qualification rules narrow one another (a student limit or an unverified HPR
        # only means something for a qualification that would fit): the first one says it
        if rule.code in _QUALIFICATION_CHAIN and any(r.code in _QUALIFICATION_CHAIN for r in out):
            continue
        if not rule.test(snap, need, shift, one)[0]:
            words = rule.params(snap, need, shift, i) if rule.params else _NO_PARAMS
            out.append(Reason(rule.code, words))
            if rule.code == "inactive":
                return out
    slot = Slot(id="new", start=shift.start, end=shift.end, unfilled_cost=1.0)
    booked = tuple(Interval(s, e) for s, e in sorted(snap.booked.get(worker_id, ())))
    reason = working_time(params, slot, booked)
    if reason is not None:
        out.append(reason)
    return out
