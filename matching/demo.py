"""Demo: a first matching run, a few approved placements, and offers in every state (waiting,
accepted, declined with a reason, expired, withdrawn; one need offered automatically) so every
role has work to see.

Runs only when the demo has never been matched, so loading the demo twice changes nothing.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from matching.models import AutoOffer, MatchingRun, Offer, Proposal
from matching.offers import (
    offer_accept,
    offer_decline,
    offer_send,
    offer_withdraw,
    offers_expire,
)
from matching.services import matching_run_execute, proposal_approve

APPROVALS = 12


def load(*, scale: float, seed: int) -> dict[str, int]:
    if MatchingRun.objects.exists():
        return {}
    coordinator = User.objects.filter(role=Role.COORDINATOR).order_by("pk").first()
    if coordinator is None:
        return {}
    run = matching_run_execute(trigger=MatchingRun.Trigger.MANUAL, requested_by=coordinator)
    approved = 0
    # Approve the earliest proposals, leader@'s units first, so HR's queue and the leader's
    # needs show placements on the way to being ready.
    proposals = (
        Proposal.objects.filter(run=run, status=Proposal.Status.PROPOSED)
        .select_related("shift__need__unit")
        .order_by("-shift__need__unit__code", "shift__start", "slot_index")
    )
    leader_units = set(
        User.objects.filter(email="leader@dugnad.test").values_list("led_units__code", flat=True)
    )
    ordered = sorted(
        proposals,
        key=lambda p: (not p.shift.need.unit.code.startswith(tuple(leader_units) or ("-",)),),
    )
    for proposal in ordered:
        if approved >= APPROVALS:
            break
        try:
            proposal_approve(proposal=proposal, by=coordinator)
        except ValidationError:
            continue
        approved += 1
    offers = _offers(run=run, coordinator=coordinator, leader_units=leader_units)
    return {"matching_runs": 1, "proposals": run.filled, "placements": approved, **offers}


DECLINE_REASONS = ["Bortreist den uka", "Jobber allerede den dagen", ""]


def _offers(*, run: MatchingRun, coordinator: User, leader_units: set[str]) -> dict[str, int]:
    """Offers in every state, the leader's units first so leader@ sees them on their needs."""
    proposals = sorted(
        Proposal.objects.filter(run=run, status=Proposal.Status.PROPOSED)
        .exclude(worker__email="")
        .select_related("shift__need__unit", "worker"),
        key=lambda p: (
            not p.shift.need.unit.code.startswith(tuple(leader_units) or ("-",)),
            p.shift.start,
            p.pk,
        ),
    )[:40]
    sent, _errors = offer_send(proposals=proposals[:14], by=coordinator)
    counts = {"offers": len(sent)}
    # with answers: two yes, three no, two expired, one withdrawn; the rest wait
    for offer in sent[0:2]:
        offer_accept(offer=offer)
    for i, offer in enumerate(sent[2:5]):
        offer_decline(offer=offer, reason=DECLINE_REASONS[i % len(DECLINE_REASONS)])
    late = [o.pk for o in sent[5:7]]
    Offer.objects.filter(pk__in=late).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    offers_expire()
    for offer in sent[7:8]:
        offer_withdraw(offer=offer, by=coordinator)
    counts["offers_answered"] = min(len(sent), 8)
    # one need offered automatically until filled
    auto = next(
        (
            p.shift.need
            for p in proposals[14:]
            if p.status == Proposal.Status.PROPOSED
            and coordinator.pk not in (p.shift.need.created_by_id, p.shift.need.submitted_by_id)
        ),
        None,
    )
    if auto is not None:
        with transaction.atomic():
            AutoOffer.objects.create(need=auto, changed_by=coordinator)
        from matching.refill import offers_auto_round

        counts["offers_automatic"] = offers_auto_round(need_id=auto.pk)
    return counts
