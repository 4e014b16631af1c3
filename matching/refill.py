"""A slot's way back after a no, an expiry or a refused yes, and "offer automatically until
filled".

`slot_refill` works on one shift only: it proposes the next best from what the last run
already knew about the shift (its proposals and their ranked alternatives), each re-checked
against every hard rule with the person's current bookings (waiting offers included), so the
next proposal is there within a second of the "no" instead of after a whole run. When nobody
is left on that list it asks for a full run. In automatic mode it then offers straight away:
the candidates in § 14-3 order (part-timers who want more hours, other internal staff,
volunteers, agency temps; cheapest first within a group), up to
DUGNAD["OFFER_MAX_WAITING_PER_SLOT"] offers waiting per open slot.

Locks: proposals are written under the shift's row lock alone; offers go through
`offers.offer_send_one`, which locks worker, shift and proposal in approval's order and checks the
cap there, so two refills of one shift never send more than the cap.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from core.i18n import in_each_language, pick
from core.tasks_by_name import request_matching_resolve, task_send
from matching.adapter import why_not as adapter_why_not
from matching.models import AutoOffer, MatchingRun, Offer, Proposal, ProposalRejection
from matching.offers import TIER_ORDER, offer_send_one, tiers_for
from needs.models import Need, Shift
from placements.models import PlacementShift

logger = logging.getLogger(__name__)

AUTO_ROUND = "matching.tasks.offers_auto_round"


def max_waiting_per_slot() -> int:
    return max(1, int(settings.DUGNAD["OFFER_MAX_WAITING_PER_SLOT"]))


@dataclass
class Candidate:
    worker_id: int
    name: str
    cost: float
    reason: dict | str
    tier: str = ""
    proposal: Proposal | None = None


@dataclass
class Refill:
    proposed: list[int] = field(default_factory=list)
    offered: list[int] = field(default_factory=list)
    run_requested: bool = False


def _busy_elsewhere(shift: Shift, worker_ids: list[int]) -> set[int]:
    """People proposed or offered for another shift at the same time: offering them this one
    would take them from that slot."""
    return set(
        Proposal.objects.filter(
            worker_id__in=worker_ids,
            status__in=[Proposal.Status.PROPOSED, Proposal.Status.OFFERED],
            shift__start__lt=shift.end,
            shift__end__gt=shift.start,
        )
        .exclude(shift=shift)
        .values_list("worker_id", flat=True)
    )


def candidates_for(shift: Shift) -> list[Candidate]:
    """Who could take a slot of this shift, best first in § 14-3 order: the shift's open
    proposals and the alternatives the runs ranked for it, minus anyone already asked, placed,
    said no to, or proposed at the same time elsewhere. Rules are not checked here."""
    proposals = list(
        Proposal.objects.filter(shift=shift).select_related("worker").order_by("-run_id", "-pk")
    )
    excluded = set(
        ProposalRejection.objects.filter(shift=shift).values_list("worker_id", flat=True)
    )
    excluded |= set(
        Offer.objects.filter(shift=shift)
        .exclude(status=Offer.Status.WITHDRAWN)
        .values_list("worker_id", flat=True)
    )
    excluded |= set(
        PlacementShift.objects.filter(shift=shift, is_active=True).values_list(
            "worker_id", flat=True
        )
    )
    out: list[Candidate] = []
    seen = set(excluded)
    for p in proposals:
        if p.status == Proposal.Status.PROPOSED and p.worker_id not in seen:
            seen.add(p.worker_id)
            out.append(Candidate(p.worker_id, p.worker.full_name, p.cost, p.explanations, "", p))
    for p in proposals:
        for alt in p.alternatives or []:
            wid = alt.get("worker")
            if not isinstance(wid, int) or wid in seen:
                continue
            seen.add(wid)
            out.append(
                Candidate(wid, alt.get("name", ""), float(alt.get("cost") or 0), alt.get("reason"))
            )
    if not out:
        return []
    busy = _busy_elsewhere(shift, [c.worker_id for c in out if c.proposal is None])
    out = [c for c in out if c.worker_id not in busy]
    tiers = tiers_for([c.worker_id for c in out])
    for c in out:
        c.tier = tiers.get(c.worker_id, Offer.Tier.INTERNAL)
    out.sort(key=lambda c: (TIER_ORDER.get(c.tier, 9), c.cost))
    return out


def _proposal_for(shift: Shift, cand: Candidate, rest: list[Candidate]) -> Proposal:
    """A proposal row for a candidate from the alternatives, carrying the rest as its own
    alternatives (so a later no still has a list to go on)."""
    run = (
        Proposal.objects.filter(shift=shift).order_by("-run_id").values_list("run_id", flat=True)
    ).first() or MatchingRun.objects.order_by("-pk").values_list("pk", flat=True).first()
    reason = cand.reason
    return Proposal.objects.create(
        run_id=run,
        shift=shift,
        slot_index=0,
        worker_id=cand.worker_id,
        cost=cand.cost,
        explanations=in_each_language(
            lambda: (
                _("Next best after a no or an unanswered offer: %(reason)s")
                % {"reason": pick(reason)}
            )
        ),
        alternatives=[
            {
                "worker": c.worker_id,
                "name": c.name,
                "cost": c.cost,
                "feasible": True,
                "reason": c.reason,
            }
            for c in rest[:6]
        ],
    )


def _open_state(shift_id: int) -> tuple[int, int, int]:
    """(open slots, offers waiting, open proposals) for the shift."""
    shift = Shift.objects.only("headcount").get(pk=shift_id)
    placed = PlacementShift.objects.filter(shift_id=shift_id, is_active=True).count()
    waiting = Offer.objects.pending().filter(shift_id=shift_id).count()
    proposed = Proposal.objects.filter(shift_id=shift_id, status=Proposal.Status.PROPOSED).count()
    return max(0, shift.headcount - placed), waiting, proposed


def _auto_for(need_id: int) -> AutoOffer | None:
    return (
        AutoOffer.objects.filter(need_id=need_id, enabled=True).select_related("changed_by").first()
    )


def slot_refill(
    *, shift_id: int, now: dt.datetime | None = None, request_run: bool = True
) -> Refill:
    """Propose the next best for the open slots of one shift, and in automatic mode offer.
    Doing it twice does no harm: it only fills what is still open."""
    now = now or timezone.now()
    result = Refill()
    shift = Shift.objects.select_related("need").filter(pk=shift_id).first()
    if (
        shift is None
        or shift.cancelled_at is not None
        or shift.need.state != Need.State.SUBMITTED
        or shift.start <= now
    ):
        return result
    auto = _auto_for(shift.need_id)
    open_slots, waiting, proposed = _open_state(shift_id)
    if open_slots == 0:
        return result
    pool = candidates_for(shift)
    if auto is not None and auto.changed_by is not None:
        cap = max_waiting_per_slot()
        for i, cand in enumerate(pool):
            open_slots, waiting, _proposed = _open_state(shift_id)
            if waiting >= open_slots * cap:
                break
            if adapter_why_not(worker_id=cand.worker_id, shift_id=shift_id, now=now) is not None:
                continue
            try:
                with transaction.atomic():
                    proposal = cand.proposal or _proposal_for(shift, cand, pool[i + 1 :])
                    offer = offer_send_one(
                        proposal=proposal,
                        by=auto.changed_by,
                        now=now,
                        automatic=True,
                        max_waiting=cap,
                    )
            except ValidationError as exc:
                logger.info("automatic offer not sent: %s", exc.messages[0] if exc.messages else "")
                continue
            except Proposal.DoesNotExist:  # a run replaced the open proposals meanwhile
                continue
            result.offered.append(offer.pk)
        open_slots, waiting, proposed = _open_state(shift_id)
        if waiting >= open_slots:
            # every open slot has an offer waiting: proposals left over would only confuse
            Proposal.objects.filter(shift_id=shift_id, status=Proposal.Status.PROPOSED).delete()
            return result
    else:
        missing = open_slots - waiting - proposed
        fresh = [c for c in pool if c.proposal is None]
        for i, cand in enumerate(fresh):
            if missing <= 0:
                break
            if adapter_why_not(worker_id=cand.worker_id, shift_id=shift_id, now=now) is not None:
                continue
            with transaction.atomic():
                Shift.objects.select_for_update(of=("self",)).get(pk=shift_id)
                open_slots, waiting, proposed = _open_state(shift_id)
                missing = open_slots - waiting - proposed
                if missing <= 0:
                    break
                result.proposed.append(_proposal_for(shift, cand, fresh[i + 1 :]).pk)
                missing -= 1
        if missing <= 0:
            return result
    if request_run:
        # nobody left on the list: matching looks at everyone who could take the slot, and
        # re-solves only the part of the instance around it (matching.services.matching_resolve)
        request_matching_resolve(trigger=MatchingRun.Trigger.OFFER_ANSWERED, shift_ids=[shift_id])
        result.run_requested = True
    return result


def offers_auto_round(*, need_id: int | None = None, now: dt.datetime | None = None) -> int:
    """Offer the open slots of every need in automatic mode (or of one need): after a run,
    when the mode is switched on, and every few minutes with the expiry (which also catches a
    refill a down broker lost). Never asks for a run itself, so runs and rounds cannot chase
    each other. Returns how many offers were sent."""
    now = now or timezone.now()
    shifts = Shift.objects.open().filter(
        start__gt=now, need__auto_offer__enabled=True, need__auto_offer__changed_by__isnull=False
    )
    if need_id is not None:
        shifts = shifts.filter(need_id=need_id)
    cap = max_waiting_per_slot()
    shifts = shifts.annotate(
        placed=Count("placement_shifts", filter=Q(placement_shifts__is_active=True), distinct=True),
        waiting=Count("offers", filter=Q(offers__status=Offer.Status.PENDING), distinct=True),
    ).order_by("start", "pk")
    sent = 0
    for shift_id, headcount, placed, waiting in shifts.values_list(
        "pk", "headcount", "placed", "waiting"
    ):
        if placed >= headcount or waiting >= (headcount - placed) * cap:
            continue
        sent += len(slot_refill(shift_id=shift_id, now=now, request_run=False).offered)
    return sent


def need_auto_offer_set(*, need: Need, enabled: bool, by: User) -> AutoOffer:
    """Switch "offer automatically until filled" on or off for a need. The offers are sent on
    behalf of the coordinator who switches it on, so the rule that nobody decides on a need
    they submitted holds for them too."""
    if not by.has_role(Role.COORDINATOR):
        raise PermissionDenied
    if enabled and by.pk in (need.created_by_id, need.submitted_by_id):
        raise ValidationError(_("You cannot approve a placement for a need you submitted."))
    if enabled and need.state != Need.State.SUBMITTED:
        raise ValidationError(_("Only a submitted need can be offered automatically."))
    with transaction.atomic():
        auto, _created = AutoOffer.objects.update_or_create(
            need=need, defaults={"enabled": enabled, "changed_by": by, "changed_at": timezone.now()}
        )
        if enabled:
            need_pk = need.pk

            def send() -> None:
                try:
                    task_send(AUTO_ROUND, args=(need_pk,))
                except Exception:
                    logger.warning("automatic offers not queued (broker unavailable)")

            transaction.on_commit(send)
    return auto
