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
from matching.adapter import ArcInfo, Loaded, Reason, candidate_id, eligibility

OSLO = ZoneInfo("Europe/Oslo")
ALTERNATIVES = 3


def _kr(amount: float) -> str:
    return formats.number_format(round(amount), use_l10n=True, force_grouping=True)


def why_not(
    loaded: Loaded, slot: str, worker_id: int, by_cand: dict[str, list[str]]
) -> Reason | None:
    """Why the worker cannot take `slot` on top of the other slots they got in this run.

    Asked only of workers on the slot's short list, who passed eligibility.RULES when the
    instance was built; so only the working-time rules are left to ask."""
    key = (slot, worker_id)
    if key in loaded.why_not_cache:
        return loaded.why_not_cache[key]
    cand = candidate_id(worker_id)
    slots_by_id = loaded.slot_by_id
    reason = eligibility.working_time(
        loaded.instance.params,
        slots_by_id[slot],
        loaded.candidate_by_id[cand].booked,
        tuple(slots_by_id[s] for s in by_cand.get(cand, ()) if s != slot),
    )
    loaded.why_not_cache[key] = reason
    return reason


def _hours(value: float) -> str:
    return f"{value:g}"


def reason_text(reason: Reason) -> str:
    """A rule a worker fails, in the active language: the one place reasons become words."""
    p = reason.params
    code = reason.code
    if code == "inactive":
        return _("no longer active")
    if code == "not_qualified":
        return _("not %(qualification)s and holds nothing that covers it") % {
            "qualification": p["qualification"].lower()
        }
    if code == "student_limit":
        return _("a student, and students fill assistant needs only")
    if code == "hpr_unverified":
        return _("no verified HPR number")
    if code == "skill_missing":
        return _("lacks %(skills)s") % {"skills": ", ".join(p["skills"]).lower()}
    if code == "not_available":
        return _("not free then")
    if code == "absent":
        return _("absent (sick leave or holiday) on %(date)s") % {
            "date": formats.date_format(p["date"], "SHORT_DATE_FORMAT")
        }
    if code == "credential_expired":
        words = {"date": formats.date_format(p["date"], "SHORT_DATE_FORMAT")}
        credential = p.get("credential")
        if credential == "hpr":
            return _("health authorisation expired before %(date)s") % words
        if credential:
            return _("%(credential)s no longer valid on %(date)s") % {
                **words,
                "credential": credential,
            }
        return _("a needed credential has expired by %(date)s") % words
    if code == "no_agreement":
        return _("no framework agreement valid on %(date)s") % {
            "date": formats.date_format(p["date"], "SHORT_DATE_FORMAT")
        }
    if code == "rejected":
        return _("rejected for this shift")
    if code == "placed_here":
        return _("already placed on this shift")
    if code == "offered_here":
        return _("already offered this shift")
    if code == "overlap":
        return _("already busy on an overlapping shift")
    if code == "rest":
        return _("would break the %(hours)s-hour rest") % {"hours": _hours(p["hours"])}
    if code == "hours_7d":
        return _("would work over %(hours)s hours in 7 days") % {"hours": _hours(p["hours"])}
    if code == "hours_24h":
        return _("would work over %(hours)s hours in 24 hours") % {"hours": _hours(p["hours"])}
    if code == "weekly_rest":
        return _("would not get %(hours)s hours of continuous rest in 7 days") % {
            "hours": _hours(p["hours"])
        }
    return _("not eligible")


def reason_sentence(name: str, reason: Reason) -> str:
    """The same reason as a sentence about a named person (approval errors)."""
    return _("%(name)s cannot take this shift: %(reason)s.") % {
        "name": name,
        "reason": reason_text(reason),
    }


def source_text(loaded: Loaded, worker_id: int, arc: ArcInfo | None) -> str:
    info = loaded.workers[worker_id]
    if info.source == "employee":
        if info.wants_more_hours:
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
    fitting = eligibility.usable_qualifications(loaded.snapshot, worker_id, need_qual)
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
    cheaper = cheaper_sources_text(loaded, shift_id, info.source, by_cand)
    if cheaper:
        parts.append(cheaper)
    return " · ".join(parts)


# Cheapest first: internal staff, then volunteers on a temporary contract, then agency temps.
SOURCE_ORDER = {"employee": 0, "volunteer": 1, "agency": 2}


def cheaper_sources_count(loaded: Loaded, shift_id: int, source: str) -> list[int]:
    """For a slot given to `source`: the people of cheaper sources who pass every rule for the
    shift (qualified, authorised, free, not absent, credentials valid)."""
    key = ("cheaper", shift_id, source)
    if key not in loaded.why_not_cache:
        snap = loaded.snapshot
        rank = SOURCE_ORDER.get(source, 0)
        idx = eligibility.screen(snap, loaded.shifts[shift_id]).idx
        cheaper = [
            int(snap.worker_ids[i])
            for i in idx.tolist()
            if SOURCE_ORDER.get(loaded.workers[int(snap.worker_ids[i])].source, 0) < rank
        ]
        loaded.why_not_cache[key] = cheaper  # type: ignore[assignment]
    return loaded.why_not_cache[key]  # type: ignore[return-value]


def cheaper_sources_text(loaded: Loaded, shift_id: int, source: str, by_cand) -> str:
    """Why a volunteer or an agency temp and not someone cheaper (internal staff first)."""
    if SOURCE_ORDER.get(source, 0) == 0:
        return ""
    cheaper = cheaper_sources_count(loaded, shift_id, source)
    whom = (
        _("no internal employee")
        if source == "volunteer"
        else _("no internal employee or volunteer")
    )
    if not cheaper:
        return _("%(whom)s is qualified and free then") % {"whom": whom}
    return ngettext(
        "%(n)s cheaper person is free, but needed on another shift or kept off by "
        "working-time rules",
        "%(n)s cheaper people are free, but needed on other shifts or kept off by "
        "working-time rules",
        len(cheaper),
    ) % {"n": len(cheaper)}


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
            status = _("free") if reason is None else reason_text(reason)
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
    """Why nobody fits: the first rule nobody passes; else how many are free and what keeps
    each of them off the slot (the later rules, then the engine's working-time rules)."""
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
    nobody = {
        "inactive": _("no active worker is %(qualification)s or covers it"),
        "not_qualified": _("no active worker is %(qualification)s or covers it"),
        "student_limit": _(
            "only students cover %(qualification)s, and students fill assistant needs only"
        ),
        "hpr_unverified": _("no %(qualification)s has a verified HPR number"),
        "skill_missing": _("no %(qualification)s has %(skills)s"),
        "not_available": _("no %(who)s is free on %(when)s"),
    }
    when = _when(loaded, shift_id)
    words = {"qualification": qual, "skills": skills, "who": who, "when": when}
    for code, text in nobody.items():
        if shift.passed.get(code, 1) == 0:
            return text % words

    # Everyone counted from here on is qualified and free; say what keeps each one out: the
    # later rules (worded for the shift's day), then the engine's working-time rules.
    counts: Counter[str] = Counter()
    rejected = 0
    codes = list(shift.passed)
    left = shift.passed.get("not_available", 0)
    for code in codes[codes.index("not_available") + 1 :]:
        out, left = left - shift.passed[code], shift.passed[code]
        if code == "rejected":
            rejected = out
        elif out:
            reason = Reason(code, {"date": eligibility.shift_day(shift)})
            counts[reason_text(reason)] += out
    taken = 0
    for arc in loaded.arcs_by_shift[shift_id]:
        reason = why_not(loaded, slot, arc.worker_id, by_cand)
        if reason is None:
            taken += 1
        else:
            counts[reason_text(reason)] += 1
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
    if rejected:
        pieces.append(
            ngettext("%(n)s was rejected", "%(n)s were rejected", rejected) % {"n": rejected}
        )
    available = shift.passed.get("not_available", 0)
    head = ngettext(
        "%(n)s %(who)s is free on %(when)s",
        "%(n)s %(who)s are free on %(when)s",
        available,
    ) % {"n": available, "who": who, "when": when}
    if not pieces:
        return head
    return f"{head}; " + "; ".join(pieces)
