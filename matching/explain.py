"""Why a proposal, why the alternatives lost, and why a slot stays unfilled, in words a
coordinator understands. The functions render in the active language; a run's save calls
them once per interface language (core.i18n), and the engine's rule checks behind them are
cached on the loaded run, so the second language costs only the wording."""

from __future__ import annotations

from collections import Counter
from zoneinfo import ZoneInfo

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.i18n import in_each_language
from matching.adapter import Arc, ArcInfo, Loaded, candidate_id
from matching.engine import Instance, why_infeasible

OSLO = ZoneInfo("Europe/Oslo")
ALTERNATIVES = 3


def _kr(amount: float) -> str:
    return formats.number_format(round(amount), use_l10n=True, force_grouping=True)


def why_not(loaded: Loaded, slot: str, worker_id: int, by_cand: dict[str, list[str]]) -> str | None:
    """The engine's reason the worker cannot take `slot` on top of the other slots they got.

    Asked on a small instance (this person, this slot, their other slots) so that explaining
    thousands of slots stays cheap."""
    key = (slot, worker_id)
    if key in loaded.why_not_cache:
        return loaded.why_not_cache[key]
    inst = loaded.instance
    cand = candidate_id(worker_id)
    others = [s for s in by_cand.get(cand, ()) if s != slot]
    slots_by_id = loaded.slot_by_id
    mini = Instance(
        params=inst.params,
        slots=tuple(slots_by_id[s] for s in [slot, *others]),
        candidates=(loaded.candidate_by_id[cand],),
        arcs=tuple(Arc(slot=s, candidate=cand, cost=0.0) for s in [slot, *others]),
    )
    reason = why_infeasible(mini, slot, cand, dict.fromkeys(others, cand))
    loaded.why_not_cache[key] = reason
    return reason


def rule_text(reason: str, loaded: Loaded) -> str:
    p = loaded.instance.params
    if reason == "overlap":
        return _("already busy on an overlapping shift")
    if reason.startswith("rest"):
        return _("would break the %(hours)s-hour rest") % {"hours": f"{p.min_rest_hours:g}"}
    if "7 days" in reason:
        return _("would work over %(hours)s hours in 7 days") % {
            "hours": f"{p.max_hours_per_7_days:g}"
        }
    if "24 h" in reason:
        return _("would work over %(hours)s hours in 24 hours") % {
            "hours": f"{p.max_hours_per_24_hours:g}"
        }
    return _("not eligible")


def source_text(loaded: Loaded, worker_id: int, arc: ArcInfo | None) -> str:
    info = loaded.workers[worker_id]
    if info.source == "employee":
        if info.wants_more and (info.percent or 100) < 100:
            return _("internal, part-time %(percent)s %% wants more hours") % {
                "percent": info.percent
            }
        if info.home_unit:
            return _("internal, free capacity (%(unit)s)") % {"unit": info.home_unit}
        return _("internal, free capacity")
    if info.source == "volunteer":
        return _("volunteer, temporary contract")
    if arc is not None and arc.rate is not None:
        return _("agency temp (%(agency)s, %(rate)s kr/h)") % {
            "agency": info.agency_name,
            "rate": _kr(arc.rate),
        }
    return _("agency temp (%(agency)s)") % {"agency": info.agency_name}


def _qualification_text(loaded: Loaded, worker_id: int, need_qual: int) -> str:
    info = loaded.workers[worker_id]
    fitting = [q for q in info.quals if need_qual in loaded.covers.get(q, ())]
    if need_qual in fitting or not fitting:
        return loaded.qual_names[need_qual]
    return _("%(qualification)s, covers %(need)s") % {
        "qualification": loaded.qual_names[fitting[0]],
        "need": loaded.qual_names[need_qual].lower(),
    }


def proposal_explanation(
    loaded: Loaded, slot: str, arc: ArcInfo, by_cand: dict[str, list[str]]
) -> str:
    shift_id, _index = loaded.slot_shift[slot]
    shift = loaded.shifts[shift_id]
    need = loaded.needs[shift.need_id]
    info = loaded.workers[arc.worker_id]
    parts = [
        _qualification_text(loaded, arc.worker_id, need.qualification_id),
        source_text(loaded, arc.worker_id, arc),
    ]
    if info.district_id is not None:
        parts.append(
            _("same district") if info.district_id == need.district_id else _("other district")
        )
    if need.preferred:
        has = [loaded.skill_names[s] for s in need.preferred if s in info.skills]
        if has:
            parts.append(_("has %(skills)s") % {"skills": ", ".join(has).lower()})
    if need.n_shifts > 1:
        mine = sum(
            1
            for s in by_cand.get(candidate_id(arc.worker_id), ())
            if loaded.shifts[loaded.slot_shift[s][0]].need_id == need.id
        )
        mine += loaded.placed_count_on_need.get((arc.worker_id, need.id), 0)
        parts.append(
            _("%(n)s of %(total)s shifts of this need") % {"n": mine, "total": need.n_shifts}
        )
    if arc.money <= 0:
        parts.append(_("no extra cost"))
    else:
        parts.append(_("about %(amount)s kr") % {"amount": _kr(arc.money)})
    return " · ".join(parts)


def alternatives(
    loaded: Loaded, slot: str, chosen: int, by_cand: dict[str, list[str]]
) -> list[dict]:
    """The next best candidates for the slot, each with a one-line reason per language."""
    shift_id, _index = loaded.slot_shift[slot]
    out: list[dict] = []
    for arc in loaded.arcs_by_shift[shift_id]:
        if arc.worker_id == chosen:
            continue
        cand = candidate_id(arc.worker_id)
        # Someone holding another slot of this very shift is not an alternative.
        if any(loaded.slot_shift[s][0] == shift_id for s in by_cand.get(cand, ())):
            continue
        reason = why_not(loaded, slot, arc.worker_id, by_cand)

        def text(arc: ArcInfo = arc, reason: str | None = reason) -> str:
            status = _("free") if reason is None else rule_text(reason, loaded)
            return f"{source_text(loaded, arc.worker_id, arc)} · {status}"

        out.append(
            {
                "worker": arc.worker_id,
                "name": loaded.workers[arc.worker_id].name,
                "cost": arc.cost,
                "feasible": reason is None,
                "reason": in_each_language(text),
            }
        )
        if len(out) >= ALTERNATIVES:
            break
    return out


def _when(loaded: Loaded, shift_id: int) -> str:
    start = loaded.shifts[shift_id].start.astimezone(OSLO)
    weekday = formats.date_format(start, "l").lower()
    if start.hour >= 21 or start.hour < 5:
        part = _("night")
    elif start.hour >= 14:
        part = _("evening")
    else:
        part = _("day")
    return f"{weekday} {part}"


def unfilled_reason(loaded: Loaded, slot: str, by_cand: dict[str, list[str]]) -> str:
    """Why nobody fits: the pre-filter counts, then the engine's reason for each candidate."""
    shift_id, _index = loaded.slot_shift[slot]
    shift = loaded.shifts[shift_id]
    need = loaded.needs[shift.need_id]
    qual = loaded.qual_names[need.qualification_id].lower()
    skills = ", ".join(loaded.skill_names[s] for s in need.required).lower()
    who = (
        _("%(qualification)s with %(skills)s") % {"qualification": qual, "skills": skills}
        if skills
        else qual
    )
    if shift.n_qualified == 0:
        return _("no active worker is %(qualification)s or covers it") % {"qualification": qual}
    if shift.n_with_skills == 0:
        if skills:
            return _("no %(qualification)s has %(skills)s") % {
                "qualification": qual,
                "skills": skills,
            }
        return _("no %(qualification)s has a verified HPR number") % {"qualification": qual}
    if shift.n_available == 0:
        return _("no %(who)s is free on %(when)s") % {
            "who": who,
            "when": _when(loaded, shift_id),
        }
    counts: Counter[str] = Counter()
    taken = 0
    for arc in loaded.arcs_by_shift[shift_id]:
        reason = why_not(loaded, slot, arc.worker_id, by_cand)
        if reason is None:
            taken += 1
        else:
            counts[rule_text(reason, loaded)] += 1
    pieces = [
        ngettext("%(n)s %(rule)s", "%(n)s %(rule)s", n) % {"n": n, "rule": rule}
        for rule, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    if taken:
        pieces.append(
            ngettext(
                "%(n)s is needed more urgently elsewhere",
                "%(n)s are needed more urgently elsewhere",
                taken,
            )
            % {"n": taken}
        )
    if shift.n_rejected:
        pieces.append(
            ngettext("%(n)s was rejected", "%(n)s were rejected", shift.n_rejected)
            % {"n": shift.n_rejected}
        )
    head = ngettext(
        "%(n)s %(who)s is free on %(when)s",
        "%(n)s %(who)s are free on %(when)s",
        shift.n_available,
    ) % {"n": shift.n_available, "who": who, "when": _when(loaded, shift_id)}
    if not pieces:
        return head
    return f"{head}; " + "; ".join(pieces)
