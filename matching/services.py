"""Matching runs and the coordinator's decisions on proposals."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role, User
from core.i18n import in_each_language, pick
from matching import explain
from matching.adapter import (
    Loaded,
    Reason,
    candidate_id,
    eligibility,
    instance_build,
    shifts_to_widen,
    worker_of,
)
from matching.adapter import why_not as adapter_why_not
from matching.engine import solve
from matching.models import MatchingRun, Offer, Proposal, ProposalRejection, UnfilledSlot
from matching.offers import offer_record_phone_yes
from needs.models import Need, Shift
from placements.models import Placement, PlacementShift
from placements.services import PlacementOverlap, placement_create_for_approval
from staffing.models import Worker

logger = logging.getLogger(__name__)


def _require_coordinator(by: User) -> None:
    if not by.has_role(Role.COORDINATOR):
        raise PermissionDenied


# --- runs ------------------------------------------------------------------------------------


# A shift a run could not fill while its short list left people out gets a list this many
# times longer, up to this many times per run (60 -> 240 -> 960 -> 3,840 candidates): a
# shortage with thousands of busy candidates per shift must not turn into one huge instance.
WIDEN_FACTOR = 4
WIDEN_ROUNDS = 3


def matching_run_execute(
    *, trigger: str, requested_by: User | None = None, now: dt.datetime | None = None
) -> MatchingRun:
    """Load, solve and replace the unapproved proposals. A failure keeps the old proposals."""
    run = MatchingRun.objects.create(
        trigger=trigger,
        requested_by=requested_by,
        status=MatchingRun.Status.RUNNING,
        started_at=timezone.now(),
    )
    try:
        t0 = time.perf_counter()
        loaded = instance_build(now=now)
        t1 = time.perf_counter()
        workers = settings.DUGNAD["MATCHING_WORKERS"]
        spread = _spread_options()
        solution = solve(
            loaded.instance,
            time_limit_s=settings.DUGNAD["MATCHING_TIME_LIMIT_SECONDS"],
            workers=workers,
            **spread,
        )
        t2 = time.perf_counter()
        widen: dict[int, int] = {}
        budget = settings.DUGNAD["MATCHING_TIME_LIMIT_SECONDS"]
        for _round in range(WIDEN_ROUNDS):
            more = shifts_to_widen(loaded, solution.assignments)
            # the rounds share the run's time limit: no round with less than a quarter left
            remaining = budget - (time.perf_counter() - t0)
            if not more or remaining < 0.25 * budget:
                break
            for shift_id in more:
                widen[shift_id] = widen.get(shift_id, 1) * WIDEN_FACTOR
            t = time.perf_counter()
            wider = instance_build(now=now, widen=widen)
            t1 += time.perf_counter() - t
            again = solve(
                wider.instance,
                time_limit_s=max(budget - (time.perf_counter() - t0), 1.0),
                workers=workers,
                **spread,
            )
            # The wider instance holds every arc of the narrower one at the same cost, so the
            # earlier answer is feasible in it: keep whichever is better (a solve cut short by
            # the time limit could, in principle, come back worse).
            if again.objective > solution.objective + 1e-6:
                t2 = time.perf_counter()
                break
            loaded, solution = wider, again
            t2 = time.perf_counter()
        run.slots = len(loaded.instance.slots)
        run.candidates = loaded.n_candidates
        run.arcs = len(loaded.instance.arcs)
        run.filled = len(solution.assignments)
        run.objective = float(solution.objective)
        run.bound = float(solution.bound)
        run.load_seconds = t1 - t0
        run.solve_seconds = t2 - t1
        proposals_save(run=run, loaded=loaded, assignments=solution.assignments)
        run.save_seconds = time.perf_counter() - t2
    except Exception as exc:
        logger.exception("matching run %s failed", run.pk)
        run.status = MatchingRun.Status.FAILED
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
    else:
        run.status = MatchingRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    run.save()
    return run


def _spread_options() -> dict:
    """The engine's options for handing large blocks to other workers (matching.blocks)."""
    if not settings.DUGNAD["MATCHING_REMOTE_BLOCKS"]:
        return {}
    from matching.blocks import celery_block_map

    return {
        "block_map": celery_block_map,
        "remote_min_columns": int(settings.DUGNAD["MATCHING_REMOTE_MIN_COLUMNS"]),
    }


def proposals_save(*, run: MatchingRun, loaded: Loaded, assignments: dict[str, str]) -> int:
    """Replace every unapproved proposal with this run's, in one transaction."""
    by_cand: dict[str, list[str]] = {}
    for slot, cand in sorted(assignments.items()):
        by_cand.setdefault(cand, []).append(slot)
    arc_of = {
        (shift_id, a.worker_id): a for shift_id, arcs in loaded.arcs_by_shift.items() for a in arcs
    }
    proposals: list[Proposal] = []
    unfilled: list[UnfilledSlot] = []
    # rendered in every interface language, so each reader gets theirs (core.i18n)
    for slot in loaded.instance.slots:
        shift_id, index = loaded.slot_shift[slot.id]
        cand = assignments.get(slot.id)
        if cand is None:
            unfilled.append(
                UnfilledSlot(
                    run=run,
                    shift_id=shift_id,
                    slot_index=index,
                    reasons=in_each_language(explain.unfilled_reason, loaded, slot.id, by_cand),
                )
            )
            continue
        worker_id = worker_of(cand)
        arc = arc_of[(shift_id, worker_id)]
        proposals.append(
            Proposal(
                run=run,
                shift_id=shift_id,
                slot_index=index,
                worker_id=worker_id,
                cost=arc.cost,
                explanations=in_each_language(
                    explain.proposal_explanation, loaded, slot.id, arc, by_cand
                ),
                alternatives=explain.alternatives(loaded, slot.id, worker_id, by_cand),
            )
        )
    with transaction.atomic():
        Proposal.objects.filter(status=Proposal.Status.PROPOSED).delete()
        UnfilledSlot.objects.exclude(run=run).delete()
        Proposal.objects.bulk_create(proposals, batch_size=1000)
        UnfilledSlot.objects.bulk_create(unfilled, batch_size=1000)
    return len(proposals)


# --- decisions -------------------------------------------------------------------------------


def _conflict(
    worker: Worker, shift: Shift, overrides: frozenset[str] = frozenset()
) -> Reason | None:
    """Every hard rule of matching for the worker on one more shift, on top of their active
    placements: the same rules (matching.adapter.eligibility) a run applied when it proposed
    them, read again now. `overrides`: rules a coordinator has set aside by policy (never a
    legal one, see OVERRIDABLE)."""
    if not overrides:
        return adapter_why_not(worker_id=worker.pk, shift_id=shift.pk)
    failed = rules_failed(worker_id=worker.pk, shift_id=shift.pk)
    return next((r for r in failed if r.code not in overrides & OVERRIDABLE), None)


# Rules a coordinator may set aside with a reason, by policy: the person's stated free time
# (they said yes by phone), a skill the unit asked for, and an earlier rejection. Never the
# law's (working time, HPR, the student limit, the qualification) nor a missing agreement.
OVERRIDABLE = frozenset({"not_available", "skill_missing", "rejected"})


def rules_failed(*, worker_id: int, shift_id: int) -> list[Reason]:
    """Every hard rule the worker fails on the shift, read now (not only the first)."""
    from matching.adapter import eligibility, params
    from matching.adapter.load import snapshot_load

    snap = snapshot_load(now=timezone.now(), shift_ids=[shift_id], worker_ids=[worker_id])
    if worker_id not in snap.index_of:
        return [Reason("inactive")]
    return eligibility.failed_rules(snap, params(), shift_id, worker_id)


def _approve_locked(
    *, proposal: Proposal, by: User, overrides: frozenset[str] = frozenset()
) -> Placement:
    """Approve inside the caller's transaction: the coordinator places the person on a yes
    they gave by phone, recorded as an accepted offer by phone (matching.offers
    `offer_record_phone_yes`); the person's own yes comes through an offer instead. Locks in a fixed order (worker, shift,
    proposal) so that concurrent approvals serialise per worker and never deadlock."""
    worker = Worker.objects.select_for_update().get(pk=proposal.worker_id)
    shift = Shift.objects.select_for_update().select_related("need").get(pk=proposal.shift_id)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    need = shift.need
    if proposal.status == Proposal.Status.OFFERED:
        raise ValidationError(
            _("This proposal has been offered: wait for the answer, or withdraw the offer.")
        )
    if proposal.status != Proposal.Status.PROPOSED:
        raise ValidationError(_("This proposal has already been decided."))
    if by.pk in (need.created_by_id, need.submitted_by_id):
        raise ValidationError(_("You cannot approve a placement for a need you submitted."))
    if need.state != Need.State.SUBMITTED or shift.cancelled_at is not None:
        raise ValidationError(_("The shift is no longer open."))
    # a slot whose offer waits for an answer is held for that person
    taken = PlacementShift.objects.filter(shift=shift, is_active=True).count()
    taken += Offer.objects.pending().filter(shift=shift).exclude(worker=worker).count()
    if taken >= shift.headcount:
        raise ValidationError(_("The shift is already fully staffed."))
    reason = _conflict(worker, shift, overrides) if overrides else _conflict(worker, shift)
    if reason is not None:
        raise ValidationError(explain.reason_sentence(worker.full_name, reason))

    now = timezone.now()
    try:
        placement = placement_create_for_approval(worker=worker, shift=shift, by=by, at=now)
    except PlacementOverlap as exc:  # the exclusion constraint on PostgreSQL
        raise ValidationError(explain.reason_sentence(worker.full_name, Reason("overlap"))) from exc
    proposal.status = Proposal.Status.APPROVED
    proposal.decided_by = by
    proposal.decided_at = now
    proposal.placement = placement
    proposal.save(update_fields=["status", "decided_by", "decided_at", "placement"])
    # an approval is the coordinator's record of a yes given by phone, kept as such
    offer_record_phone_yes(
        proposal=proposal, worker=worker, shift=shift, placement=placement, by=by
    )
    return placement


def proposal_approve(*, proposal: Proposal, by: User) -> Placement:
    """Create (or extend) the worker's placement on the need. Safe under concurrency: the
    worker's row is locked and PostgreSQL refuses overlapping placement shifts."""
    _require_coordinator(by)
    with transaction.atomic():
        return _approve_locked(proposal=proposal, by=by)


def proposal_approve_all(*, need: Need, by: User) -> tuple[list[Placement], list[str]]:
    """Approve every open proposal of the need, each on its own; returns what failed and why."""
    _require_coordinator(by)
    placements: list[Placement] = []
    errors: list[str] = []
    pending = list(
        Proposal.objects.filter(shift__need=need, status=Proposal.Status.PROPOSED)
        .select_related("worker", "shift")
        .order_by("shift__start", "slot_index", "pk")
    )
    for proposal in pending:
        try:
            placements.append(proposal_approve(proposal=proposal, by=by))
        except ValidationError as exc:
            errors.append(f"{proposal.worker.full_name}: {' '.join(exc.messages)}")
    return placements, errors


def proposal_reject(*, proposal: Proposal, by: User, reason: str) -> Proposal:
    """Reject with a reason; matching never proposes this worker for this shift again."""
    _require_coordinator(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the proposal is rejected.")})
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != Proposal.Status.PROPOSED:
            raise ValidationError(_("This proposal has already been decided."))
        proposal.status = Proposal.Status.REJECTED
        proposal.decided_by = by
        proposal.decided_at = timezone.now()
        proposal.reject_reason = reason[:300]
        proposal.save(update_fields=["status", "decided_by", "decided_at", "reject_reason"])
        ProposalRejection.objects.update_or_create(
            worker_id=proposal.worker_id,
            shift_id=proposal.shift_id,
            defaults={"reason": reason[:300], "rejected_by": by},
        )
    return proposal


def proposal_pick_alternative(*, proposal: Proposal, worker: Worker, by: User) -> Placement:
    """Approve one of the listed alternatives instead of the proposed worker."""
    _require_coordinator(by)
    listed = {a.get("worker") for a in proposal.alternatives or []}
    if worker.pk not in listed:
        raise ValidationError({"worker": _("Pick one of the listed alternatives.")})
    alternative = next(a for a in proposal.alternatives if a.get("worker") == worker.pk)
    with transaction.atomic():
        picked = Proposal.objects.create(
            run_id=proposal.run_id,
            shift_id=proposal.shift_id,
            slot_index=proposal.slot_index,
            worker=worker,
            cost=alternative.get("cost", 0),
            explanations=in_each_language(
                lambda: (
                    _("Picked by the coordinator instead of %(name)s: %(reason)s")
                    % {"name": proposal.worker.full_name, "reason": pick(alternative.get("reason"))}
                )
            ),
        )
        # Locks in the same order as proposal_approve (worker, shift, proposal): no deadlock.
        placement = _approve_locked(proposal=picked, by=by)
        original = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if original.status != Proposal.Status.PROPOSED:
            raise ValidationError(_("This proposal has already been decided."))
        original.status = Proposal.Status.REJECTED
        original.decided_by = by
        original.decided_at = timezone.now()
        original.reject_reason = _("An alternative was picked.")
        original.save(update_fields=["status", "decided_by", "decided_at", "reject_reason"])
    return placement


def worker_assign(
    *, shift: Shift, worker: Worker, by: User, said_yes: bool, override_reason: str = ""
) -> Placement:
    """The coordinator places a named person on a shift by hand, having heard them say yes
    (by phone). Every hard rule is checked as for an approval; a rule that allows an exception
    by policy (OVERRIDABLE) may be set aside with a reason, which the audit trail keeps."""
    from staffing.audit import audit_rule_overridden

    _require_coordinator(by)
    if not said_yes:
        raise ValidationError(
            {"said_yes": _("Nobody is placed without saying yes: confirm that they did.")}
        )
    override_reason = (override_reason or "").strip()
    failed = rules_failed(worker_id=worker.pk, shift_id=shift.pk)
    hard = [r for r in failed if r.code not in OVERRIDABLE]
    if hard:
        raise ValidationError(explain.reason_sentence(worker.full_name, hard[0]))
    overrides = frozenset(r.code for r in failed)
    if overrides and not override_reason:
        raise ValidationError(
            {
                "override_reason": _(
                    "%(name)s is outside what matching allows (%(rules)s). Say why the "
                    "exception is made, or pick someone else."
                )
                % {
                    "name": worker.full_name,
                    "rules": "; ".join(explain.reason_text(r) for r in failed),
                }
            }
        )
    with transaction.atomic():
        run = MatchingRun.objects.order_by("-pk").first()
        if run is None:
            run = MatchingRun.objects.create(
                trigger=MatchingRun.Trigger.MANUAL,
                status=MatchingRun.Status.SUCCEEDED,
                requested_by=by,
            )
        taken = set(
            Proposal.objects.filter(shift=shift)
            .exclude(status=Proposal.Status.REJECTED)
            .values_list("slot_index", flat=True)
        )
        index = next(i for i in range(shift.headcount + len(taken) + 1) if i not in taken)
        proposal = Proposal.objects.create(
            run=run,
            shift=shift,
            slot_index=index,
            worker=worker,
            explanations=in_each_language(
                lambda: (
                    _("Assigned by hand by the coordinator; exception: %(reason)s")
                    % {"reason": override_reason}
                    if overrides
                    else _("Assigned by hand by the coordinator")
                )
            ),
        )
        placement = _approve_locked(proposal=proposal, by=by, overrides=overrides)
        if overrides:
            audit_rule_overridden(
                obj=placement,
                by=by,
                rules=",".join(sorted(overrides)),
                reason=override_reason,
            )
    return placement


# --- what other apps ask of matching (registered in matching/hooks.py) -----------------------


def proposals_discard_for_shifts(*, shift_ids: list[int], **_context: object) -> int:
    """The shifts were cancelled or now ask for something else: their open proposals go (the
    next run proposes afresh). Decided proposals stay as the record of what was decided.
    Offers waiting for an answer on them are withdrawn (kept as the record)."""
    Offer.objects.pending().filter(shift__in=shift_ids).update(
        status=Offer.Status.WITHDRAWN, closed_at=timezone.now()
    )
    Proposal.objects.filter(shift__in=shift_ids, status=Proposal.Status.OFFERED).update(
        status=Proposal.Status.PROPOSED
    )
    deleted, _per_model = Proposal.objects.filter(
        shift__in=shift_ids, status=Proposal.Status.PROPOSED
    ).delete()
    return deleted


ERASED = "(erased)"


def _scrub(texts: dict | str | None, name: str) -> dict | str | None:
    if not name or not texts:
        return texts
    if isinstance(texts, str):
        return texts.replace(name, ERASED)
    return {code: text.replace(name, ERASED) for code, text in texts.items()}


@transaction.atomic
def proposals_worker_erase(*, worker: Worker, by: User | None = None) -> None:
    """The person is erased (`staffing.services.worker_erase`): their open proposals go, they
    leave every list of alternatives, their name leaves every stored explanation, and their
    decided proposals keep only what was decided (no explanation, no reason text). Rejections
    of them go too: an erased worker is never proposed again anyway."""
    name = worker.full_name.strip()
    Proposal.objects.filter(
        worker=worker, status__in=[Proposal.Status.PROPOSED, Proposal.Status.OFFERED]
    ).delete()
    Proposal.objects.filter(worker=worker).update(explanations={}, reject_reason="")
    # the § 14-3 record keeps who was offered which shift and the answer, not the address
    Offer.objects.pending().filter(worker=worker).update(
        status=Offer.Status.WITHDRAWN, closed_at=timezone.now()
    )
    Offer.objects.filter(worker=worker).update(recipient="", decline_reason="", note="")
    ProposalRejection.objects.filter(worker=worker).delete()
    # JSON containment differs between SQLite and PostgreSQL; the name or id as text finds
    # every candidate row on both, and Python decides.
    candidates = Proposal.objects.exclude(worker=worker)
    if name:
        candidates = candidates.filter(
            Q(alternatives__icontains=f'"worker": {worker.pk}')
            | Q(alternatives__icontains=name)
            | Q(explanations__icontains=name)
        )
    else:
        candidates = candidates.filter(alternatives__icontains=f'"worker": {worker.pk}')
    changed = []
    for proposal in candidates.select_for_update():
        alternatives = [
            {**a, "reason": _scrub(a.get("reason"), name)}
            for a in proposal.alternatives or []
            if a.get("worker") != worker.pk
        ]
        explanations = _scrub(proposal.explanations, name)
        if alternatives != proposal.alternatives or explanations != proposal.explanations:
            proposal.alternatives = alternatives
            proposal.explanations = explanations
            changed.append(proposal)
    Proposal.objects.bulk_update(changed, ["alternatives", "explanations"])
    if name:
        # Coordinators' free-text reasons about others may name the person too.
        for rejection in ProposalRejection.objects.filter(reason__icontains=name):
            rejection.reason = rejection.reason.replace(name, ERASED)
            rejection.save(update_fields=["reason"])
        for proposal in Proposal.objects.filter(reject_reason__icontains=name):
            proposal.reject_reason = proposal.reject_reason.replace(name, ERASED)
            proposal.save(update_fields=["reject_reason"])


def matching_runs_fail_stale(*, stale_after_s: float, now: dt.datetime | None = None) -> int:
    """Mark failed every running run whose heartbeat stopped: its worker died (kill -9, OOM,
    a lost machine) and it will never finish. Returns how many; the coordinator sees them on
    /matching/ with the reason."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=stale_after_s)
    with translation.override(settings.LANGUAGE_CODE):
        error = _(
            "The run stopped without finishing (its worker stopped). A new run has been started."
        )
    count = MatchingRun.objects.filter(
        status=MatchingRun.Status.RUNNING, heartbeat_at__lt=cutoff
    ).update(status=MatchingRun.Status.FAILED, error=error, finished_at=now)
    if count:
        logger.warning("%s matching run(s) without a heartbeat marked failed", count)
    return count


# --- incremental re-solve --------------------------------------------------------------------

# Empty slots this close in time to a cancelled shift may now be taken by the people it freed
# (the 7-day rules reach a week either way, rest a few hours more).
RESOLVE_MARGIN = dt.timedelta(days=8)


class ResolveConflict(Exception):
    """The proposals moved while the re-solve worked (a decision, a full run): its answer is
    stale, and the caller asks for a full run instead."""


def _open_future_shifts(now: dt.datetime):
    return Shift.objects.open().filter(start__gt=now)


def _resolve_seeds(
    *,
    now: dt.datetime,
    shift_ids: Iterable[int],
    worker_ids: Iterable[int],
    freed_shift_ids: Iterable[int],
) -> set[int]:
    """The open shifts whose slots the change touches directly."""
    from staffing.models import Availability

    seeds = set(
        _open_future_shifts(now).filter(pk__in=list(shift_ids)).values_list("pk", flat=True)
    )
    worker_ids = list(worker_ids)
    if worker_ids:
        # a worker whose availability changed: the open shifts one of their windows covers
        windows = Availability.objects.filter(worker_id__in=worker_ids, end__gt=now).values_list(
            "start", "end"
        )
        cover = Q(pk__in=[])
        for start, end in windows:
            cover |= Q(start__gte=start, end__lte=end)
        seeds |= set(_open_future_shifts(now).filter(cover).values_list("pk", flat=True))
        # and the shifts they are proposed for, which a window they lost may no longer cover
        seeds |= set(
            _open_future_shifts(now)
            .filter(proposals__worker__in=worker_ids, proposals__status=Proposal.Status.PROPOSED)
            .values_list("pk", flat=True)
        )
    freed = list(Shift.objects.filter(pk__in=list(freed_shift_ids)).values_list("start", "end"))
    if freed:
        # a cancelled shift frees whoever was proposed for it: the slots left empty near it
        near = Q(pk__in=[])
        for start, end in freed:
            near |= Q(start__lt=end + RESOLVE_MARGIN, end__gt=start - RESOLVE_MARGIN)
        empty = UnfilledSlot.objects.values("shift_id")
        seeds |= set(
            _open_future_shifts(now).filter(near, pk__in=empty).values_list("pk", flat=True)
        )
    return seeds


def matching_resolve(
    *,
    trigger: str,
    shift_ids: Iterable[int] = (),
    worker_ids: Iterable[int] = (),
    freed_shift_ids: Iterable[int] = (),
    now: dt.datetime | None = None,
) -> MatchingRun | None:
    """Re-solve only the part of the instance a change touches; save only what changes.

    The change: `shift_ids`, open shifts with a slot back to matching (an offer declined or
    expired); `worker_ids`, workers whose availability changed; `freed_shift_ids`, cancelled
    shifts whose proposed people are free again. The part re-solved is what the engine's
    `solve_incremental` takes: the changed slots, the people who could take them, the slots
    those people are proposed for and the empty slots they could take. Every other proposal
    stays, as a booking of its person so that the working-time rules still hold across the
    two parts. Accepted offers and approvals (placements) and offers waiting for an answer are
    pinned: they are their people's bookings and hold their slots, as in a full run.

    Returns the run (trigger as given; `slots` counts the part loaded), or None when the
    change touches no open slot. Raises ResolveConflict when the proposals moved meanwhile
    (the run is then recorded as failed, and nothing was saved)."""
    now = now or timezone.now()
    seeds = _resolve_seeds(
        now=now, shift_ids=shift_ids, worker_ids=worker_ids, freed_shift_ids=freed_shift_ids
    )
    if not seeds:
        return None
    run = MatchingRun.objects.create(
        trigger=trigger, status=MatchingRun.Status.RUNNING, started_at=timezone.now()
    )
    try:
        _resolve_run(run, now=now, seeds=seeds)
    except Exception as exc:
        run.status = MatchingRun.Status.FAILED
        run.error = (
            _("The proposals changed while matching re-solved; a full run follows.")
            if isinstance(exc, ResolveConflict)
            else f"{type(exc).__name__}: {exc}"[:2000]
        )
        run.finished_at = timezone.now()
        run.save()
        raise
    return run


def _resolve_run(run: MatchingRun, *, now: dt.datetime, seeds: set[int]) -> None:
    from matching.engine import solve_incremental

    t0 = time.perf_counter()
    # Who could take the changed slots: the short lists of the seed shifts.
    first = instance_build(now=now, shift_ids=seeds, available_only=True)
    people = {a.worker_id for s in seeds for a in first.arcs_by_shift.get(s, ())}
    proposed = Proposal.objects.filter(status=Proposal.Status.PROPOSED, shift__start__gt=now)
    region = set(seeds)
    region |= set(proposed.filter(worker__in=people).values_list("shift_id", flat=True).distinct())
    # a seed whose slots are all held (placed, or offered and waiting) has none to re-solve
    # and is not in the snapshot: the window is that of the seeds with an open slot
    with_slots = [first.shifts[s] for s in seeds if s in first.shifts]
    lo = min(s.start for s in with_slots) - RESOLVE_MARGIN if with_slots else now
    hi = max(s.end for s in with_slots) + RESOLVE_MARGIN if with_slots else now
    region |= set(
        _open_future_shifts(now)
        .filter(start__lt=hi, end__gt=lo, pk__in=UnfilledSlot.objects.values("shift_id"))
        .values_list("pk", flat=True)
    )
    # every other proposal is a booking of its person
    before = list(
        proposed.values_list(
            "pk", "shift_id", "slot_index", "worker_id", "shift__start", "shift__end"
        )
    )
    extra: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
    for _pk, shift_id, _i, worker_id, start, end in before:
        if shift_id not in region:
            extra.setdefault(worker_id, []).append((start, end))
    loaded = instance_build(now=now, shift_ids=region, extra_booked=extra, available_only=True)
    if any(_nobody_before_availability(shift) for shift in loaded.shifts.values()):
        # "nobody qualified" counted among the available only: load everyone, so that the
        # reason given for the empty slot is the true one
        loaded = instance_build(now=now, shift_ids=region, extra_booked=extra)
    t1 = time.perf_counter()

    # the previous answer on the part: each shift's proposals on its open slots, in order
    slots_of: dict[int, list[str]] = {}
    for slot in loaded.instance.slots:
        slots_of.setdefault(loaded.slot_shift[slot.id][0], []).append(slot.id)
    held: dict[int, list[tuple[int, int, int]]] = {}
    for pk, shift_id, index, worker_id, _s, _e in sorted(before, key=lambda r: (r[1], r[2], r[0])):
        if shift_id in region:
            held.setdefault(shift_id, []).append((pk, worker_id, index))
    previous = {
        slot: candidate_id(worker_id)
        for shift_id, rows in held.items()
        for slot, (_pk, worker_id, _i) in zip(slots_of.get(shift_id, ()), rows, strict=False)
    }
    changed = [s for shift_id in seeds for s in slots_of.get(shift_id, ())]
    solution = solve_incremental(
        loaded.instance,
        previous=previous,
        changed=changed,
        time_limit_s=settings.DUGNAD["MATCHING_TIME_LIMIT_SECONDS"],
        workers=settings.DUGNAD["MATCHING_WORKERS"],
    )
    t2 = time.perf_counter()
    saved = _resolve_save(run=run, loaded=loaded, held=held, assignments=solution.assignments)
    run.slots = len(loaded.instance.slots)
    run.candidates = loaded.n_candidates
    run.arcs = len(loaded.instance.arcs)
    run.filled = len(solution.assignments)
    run.objective = float(solution.objective)
    run.bound = float(solution.bound)
    run.load_seconds = t1 - t0
    run.solve_seconds = t2 - t1
    run.save_seconds = time.perf_counter() - t2
    run.status = MatchingRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    run.save()
    logger.info(
        "matching re-solve %s: %s slots touched, %s proposals changed",
        run.pk,
        solution.stats.get("touched_slots"),
        saved,
    )


def _nobody_before_availability(shift) -> bool:
    codes = [rule.code for rule in eligibility.RULES]
    return any(shift.passed.get(code, 1) == 0 for code in codes[: codes.index("not_available")])


def _resolve_save(
    *,
    run: MatchingRun,
    loaded: Loaded,
    held: dict[int, list[tuple[int, int, int]]],
    assignments: dict[str, str],
) -> int:
    """Save the part's answer: only proposals whose shift lost or gained a person change (the
    others keep their rows, explanations and alternatives); the empty slots of the shifts
    that changed get fresh reasons. Returns how many proposals were deleted or created."""
    by_cand: dict[str, list[str]] = {}
    for slot, cand in sorted(assignments.items()):
        by_cand.setdefault(cand, []).append(slot)
    new: dict[int, list[tuple[str, int]]] = {}
    for slot in loaded.instance.slots:
        cand = assignments.get(slot.id)
        if cand is not None:
            new.setdefault(loaded.slot_shift[slot.id][0], []).append((slot.id, worker_of(cand)))
    arc_of = {
        (shift_id, a.worker_id): a for shift_id, arcs in loaded.arcs_by_shift.items() for a in arcs
    }
    drop: list[int] = []
    create: list[Proposal] = []
    changed_shifts: set[int] = set()
    for shift_id, info in loaded.shifts.items():
        old_rows = held.get(shift_id, [])
        old_workers = {w for _pk, w, _i in old_rows}
        new_rows = new.get(shift_id, [])
        new_workers = {w for _slot, w in new_rows}
        gone = [pk for pk, w, _i in old_rows if w not in new_workers]
        came = [(slot, w) for slot, w in new_rows if w not in old_workers]
        if not gone and not came and len(old_rows) == len(new_rows):
            continue
        changed_shifts.add(shift_id)
        drop.extend(gone)
        # new people take the open positions nobody kept (the positions of a shift are alike;
        # there are always enough: at most one person per open position)
        kept = {index for _pk, w, index in old_rows if w in new_workers}
        free = iter([i for i in info.open_indexes if i not in kept])
        for slot, worker_id in came:
            arc = arc_of[(shift_id, worker_id)]
            create.append(
                Proposal(
                    run=run,
                    shift_id=shift_id,
                    slot_index=next(free),
                    worker_id=worker_id,
                    cost=arc.cost,
                    explanations=in_each_language(
                        explain.proposal_explanation, loaded, slot, arc, by_cand
                    ),
                    alternatives=explain.alternatives(loaded, slot, worker_id, by_cand),
                )
            )
    unfilled = [
        UnfilledSlot(
            run=run,
            shift_id=shift_id,
            slot_index=index,
            reasons=in_each_language(explain.unfilled_reason, loaded, slot.id, by_cand),
        )
        for slot in loaded.instance.slots
        for shift_id, index in [loaded.slot_shift[slot.id]]
        if shift_id in changed_shifts and slot.id not in assignments
    ]
    expected = {pk for rows in held.values() for pk, _w, _i in rows}
    with transaction.atomic():
        # The proposals of the part must be what the re-solve started from: a decision or a
        # full run in between makes its answer stale.
        now_there = set(
            Proposal.objects.select_for_update()
            .filter(shift__in=list(loaded.shifts), status=Proposal.Status.PROPOSED)
            .values_list("pk", flat=True)
        )
        if now_there != expected:
            raise ResolveConflict
        Proposal.objects.filter(pk__in=drop, status=Proposal.Status.PROPOSED).delete()
        Proposal.objects.bulk_create(create, batch_size=1000)
        UnfilledSlot.objects.filter(shift__in=list(changed_shifts)).delete()
        UnfilledSlot.objects.bulk_create(unfilled, batch_size=1000)
    return len(drop) + len(create)
