"""Offers: a proposal sent to the person, who answers yes or no on the offer's own page.

Every write here runs in one transaction and locks in the order approval does (worker, shift,
then the offer and its proposal), so an answer and an approval for the same person serialise.
The token in the link is random and only its hash is stored (as the volunteer's personal
link): the link cannot be rebuilt from the database.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role, User
from core.tasks_by_name import task_send
from core.tokens import token_hash
from matching import explain
from matching.adapter import Reason
from matching.adapter import why_not as adapter_why_not
from matching.models import AutoOffer, Offer, Proposal, ProposalRejection
from matching.offer_messages import offer_addresses, offer_notify
from needs.models import Need, Shift
from outbox.services import message_enqueue
from placements.models import Placement, PlacementShift
from placements.services import PlacementOverlap, placement_create_for_approval
from staffing.models import EmployeeProfile, Worker, WorkerSource

logger = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed in an SMS


def offer_url(token: str) -> str:
    return settings.SITE_URL + reverse("offers:answer", kwargs={"token": token})


def offer_deadline(*, shift_start: dt.datetime, now: dt.datetime) -> dt.datetime:
    """DUGNAD_OFFER_ANSWER_HOURS from now, but at most half the time left before the shift."""
    hours = dt.timedelta(hours=float(settings.DUGNAD["OFFER_ANSWER_HOURS"]))
    return min(now + hours, now + (shift_start - now) / 2)


def _language(worker: Worker) -> str:
    """The person's language of messages (HR sets it with the contact details; a volunteer's
    is the one they registered in), else the default."""
    if worker.language:
        return worker.language
    volunteer = getattr(worker, "volunteer", None)
    if volunteer is not None and volunteer.language:
        return volunteer.language
    return settings.LANGUAGE_CODE


def person_language(worker: Worker) -> str:
    return _language(worker)


def tiers_for(worker_ids: Iterable[int]) -> dict[int, str]:
    """Each worker's § 14-3 group (Offer.Tier): part-timers who want more hours first, then
    other internal staff, volunteers (new temporary hires), agency temps last."""
    worker_ids = list(worker_ids)
    more = set(
        EmployeeProfile.objects.filter(
            worker_id__in=worker_ids, wants_more_hours=True, position_percent__lt=100
        ).values_list("worker_id", flat=True)
    )
    out: dict[int, str] = {}
    for pk, source in Worker.objects.filter(pk__in=worker_ids).values_list("pk", "source"):
        if source == WorkerSource.AGENCY:
            out[pk] = Offer.Tier.AGENCY
        elif source == WorkerSource.VOLUNTEER:
            out[pk] = Offer.Tier.VOLUNTEER
        elif pk in more:
            out[pk] = Offer.Tier.MORE_HOURS
        else:
            out[pk] = Offer.Tier.INTERNAL
    return out


TIER_ORDER = {tier: i for i, tier in enumerate(Offer.Tier.values)}


def offer_context(offer: Offer) -> dict:
    """What the offer's page and e-mails show: shift, unit and address, qualification and
    the contact person at the unit."""
    return _shift_context(offer)


def _shift_context(offer: Offer) -> dict:
    shift = offer.shift
    need = shift.need
    contact = need.submitted_by or need.created_by
    return {
        "offer": offer,
        "worker": offer.worker,
        "shift": shift,
        "need": need,
        "unit": need.unit,
        "contact": contact,
        "for_agency": offer.worker.source == WorkerSource.AGENCY,
    }


# --- sending ---------------------------------------------------------------------------------


def _offer_message(offer: Offer, token: str, *, reminder: bool = False) -> None:
    """The offer with its link, by the offer's channels; a reminder carries a fresh link."""
    need = offer.shift.need
    with translation.override(offer.language):
        if reminder:
            subject = _("Reminder: can you take a shift at %(unit)s?") % {"unit": need.unit.name}
        else:
            subject = _("Can you take a shift at %(unit)s?") % {"unit": need.unit.name}
    offer_notify(
        offer=offer,
        kind="matching.offer_reminder" if reminder else "matching.offer",
        template="offer",
        subject=subject,
        context={**_shift_context(offer), "url": offer_url(token), "reminder": reminder},
        key_suffix=f":{offer.reminders}" if reminder else "",
    )


def offer_send_one(
    *,
    proposal: Proposal,
    by: User,
    now: dt.datetime,
    automatic: bool = False,
    max_waiting: int | None = None,
) -> Offer:
    """Send one offer inside the caller's transaction. With `max_waiting`, refuse when the
    shift already has that many offers waiting per open slot (checked under the shift's
    lock, so two automatic rounds never overshoot)."""
    worker = (
        Worker.objects.select_for_update(of=("self",))
        .select_related("agency")
        .get(pk=proposal.worker_id)
    )
    shift = (
        Shift.objects.select_for_update(of=("self",))
        .select_related("need__unit", "need__qualification")
        .get(pk=proposal.shift_id)
    )
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    need = shift.need
    if proposal.status == Proposal.Status.OFFERED:
        raise ValidationError(_("An offer for this proposal is already waiting for an answer."))
    if proposal.status != Proposal.Status.PROPOSED:
        raise ValidationError(_("This proposal has already been decided."))
    if by.pk in (need.created_by_id, need.submitted_by_id):
        raise ValidationError(_("You cannot approve a placement for a need you submitted."))
    if need.state != Need.State.SUBMITTED or shift.cancelled_at is not None or shift.start <= now:
        raise ValidationError(_("The shift is no longer open."))
    placed = PlacementShift.objects.filter(shift=shift, is_active=True).count()
    if placed >= shift.headcount:
        raise ValidationError(_("The shift is already fully staffed."))
    if max_waiting is not None:
        waiting = Offer.objects.pending().filter(shift=shift).count()
        if waiting >= (shift.headcount - placed) * max_waiting:
            raise ValidationError(_("Enough offers are waiting for an answer on this shift."))
    reason = adapter_why_not(worker_id=worker.pk, shift_id=shift.pk, now=now)
    if reason is not None:
        raise ValidationError(explain.reason_sentence(worker.full_name, reason))
    channel, email, phone = offer_addresses(worker)
    language = _language(worker)
    if not (email or phone):
        raise ValidationError(
            _("%(name)s has no e-mail address or mobile number: call them instead.")
            % {"name": worker.full_name}
        )
    token = secrets.token_urlsafe(32)
    offer = Offer.objects.create(
        proposal=proposal,
        worker=worker,
        shift=shift,
        slot_index=proposal.slot_index,
        channel=channel,
        recipient=email,
        phone=phone,
        language=language,
        token_hash=token_hash(token),
        code="".join(secrets.choice(CODE_ALPHABET) for _i in range(5)),
        sent_by=by,
        sent_at=now,
        deadline=offer_deadline(shift_start=shift.start, now=now),
        tier=tiers_for([worker.pk])[worker.pk],
        automatic=automatic,
    )
    proposal.status = Proposal.Status.OFFERED
    proposal.save(update_fields=["status"])
    _offer_message(offer, token)
    return offer


def offer_send(*, proposals: Iterable[Proposal], by: User) -> tuple[list[Offer], list[str]]:
    """Send an offer for each proposal (one, all of a need, or a selection), each on its own:
    returns the offers sent and, for the others, why not."""
    if not by.has_role(Role.COORDINATOR):
        raise PermissionDenied
    offers: list[Offer] = []
    errors: list[str] = []
    for proposal in proposals:
        try:
            with transaction.atomic():
                offers.append(offer_send_one(proposal=proposal, by=by, now=timezone.now()))
        except ValidationError as exc:
            errors.append(f"{proposal.worker.full_name}: {' '.join(exc.messages)}")
    return offers, errors


def offer_send_for_need(*, need: Need, by: User) -> tuple[list[Offer], list[str]]:
    proposals = (
        Proposal.objects.filter(shift__need=need, status=Proposal.Status.PROPOSED)
        .select_related("worker")
        .order_by("shift__start", "slot_index", "pk")
    )
    return offer_send(proposals=list(proposals), by=by)


# --- answering -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What an answer did: `outcome` is one of accepted, declined, conflict, closed."""

    outcome: str
    message: str
    offer: Offer


def offer_get_by_token(token: str) -> Offer:
    """The person's door to their offer: only the link opens it."""
    if not TOKEN_RE.match(token or ""):
        raise Http404
    offer = (
        Offer.objects.filter(token_hash=token_hash(token))
        .select_related("worker", "shift__need__unit", "shift__need__qualification")
        .select_related("shift__need__submitted_by", "shift__need__created_by")
        .first()
    )
    if offer is None:
        raise Http404
    return offer


def closed_message(offer: Offer, now: dt.datetime | None = None) -> str | None:
    """Why this offer can no longer be answered, or None while it can."""
    now = now or timezone.now()
    if offer.status == Offer.Status.ACCEPTED:
        return _("You have already said yes to this offer. Thank you!")
    if offer.status in (Offer.Status.DECLINED, Offer.Status.CONFLICT):
        return _("You have already answered this offer.")
    if offer.status == Offer.Status.WITHDRAWN:
        return _("This offer has been withdrawn. You do not need to do anything.")
    if offer.status == Offer.Status.EXPIRED or now >= offer.deadline:
        return _("The deadline for answering this offer has passed. Thank you all the same.")
    return None


def _lock(offer: Offer) -> tuple[Worker, Shift, Offer, Proposal | None]:
    worker = Worker.objects.select_for_update().get(pk=offer.worker_id)
    shift = (
        Shift.objects.select_for_update(of=("self",))
        .select_related("need__unit")
        .get(pk=offer.shift_id)
    )
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    proposal = None
    if offer.proposal_id is not None:
        proposal = Proposal.objects.select_for_update().filter(pk=offer.proposal_id).first()
    return worker, shift, offer, proposal


SLOT_REFILL = "matching.tasks.slot_refill"


def slot_refill_request(shift_id: int) -> None:
    """After the commit, ask a worker to propose (and, in automatic mode, offer) the next best
    for this shift only (matching.refill.slot_refill). A broker that is down is logged: the
    expiry task's round every few minutes catches up."""

    def send() -> None:
        try:
            task_send(SLOT_REFILL, args=(shift_id,))
        except Exception:
            logger.warning("slot refill not queued (broker unavailable)", exc_info=True)

    transaction.on_commit(send)


def _slot_back_to_matching(*, offer: Offer, proposal: Proposal | None, reason: str) -> None:
    """The person is not taking the slot: matching never proposes them for it again (as a
    coordinator's rejection) and proposes the next best for this slot only."""
    if proposal is not None and proposal.status == Proposal.Status.OFFERED:
        proposal.status = Proposal.Status.REJECTED
        proposal.decided_at = timezone.now()
        proposal.reject_reason = reason[:300]
        proposal.save(update_fields=["status", "decided_at", "reject_reason"])
    ProposalRejection.objects.update_or_create(
        worker_id=offer.worker_id,
        shift_id=offer.shift_id,
        defaults={"reason": reason[:300], "rejected_by": None},
    )
    slot_refill_request(offer.shift_id)


def _refuse_yes(*, offer: Offer, proposal: Proposal | None, why: str, now: dt.datetime) -> Answer:
    offer.status = Offer.Status.CONFLICT
    offer.answered_at = now
    offer.note = why[:300]
    offer.save(update_fields=["status", "answered_at", "note"])
    _slot_back_to_matching(offer=offer, proposal=proposal, reason=why)
    if offer.sent_by is not None and offer.sent_by.email:
        message_enqueue(
            recipient=offer.sent_by.email,
            kind="matching.offer_conflict",
            subject=_("A yes to an offer could not be placed"),
            body=render_to_string(
                "matching/email/offer_conflict_coordinator.txt",
                {**_shift_context(offer), "why": why},
            ),
            idempotency_key=f"matching.offer_conflict:{offer.pk}",
        )
    return Answer(
        "conflict",
        _(
            "Thank you for saying yes. Unfortunately we can no longer place you on this shift, "
            "so nothing has been booked. The coordinator has been told and may contact you."
        ),
        offer,
    )


def offer_accept(*, offer: Offer) -> Answer:
    """The person says yes: every hard rule is checked again under the worker's row lock,
    as approval does; then the placement is created and its checklist starts."""
    now = timezone.now()
    with transaction.atomic():
        worker, shift, offer, proposal = _lock(offer)
        closed = closed_message(offer, now)
        if closed is not None:
            return Answer("closed", closed, offer)
        need = shift.need
        why = ""
        if need.state != Need.State.SUBMITTED or shift.cancelled_at is not None:
            why = _("The shift is no longer open.")
        elif PlacementShift.objects.filter(shift=shift, is_active=True).count() >= shift.headcount:
            why = _("The shift is already fully staffed.")
        elif offer.sent_by is None:
            why = _("The coordinator who sent the offer no longer has an account.")
        else:
            reason = adapter_why_not(worker_id=worker.pk, shift_id=shift.pk, now=now)
            if reason is not None:
                why = explain.reason_sentence(worker.full_name, reason)
        placement: Placement | None = None
        if not why:
            try:
                with transaction.atomic():
                    placement = placement_create_for_approval(
                        worker=worker, shift=shift, by=offer.sent_by, at=now
                    )
            except PlacementOverlap:  # the exclusion constraint on PostgreSQL
                why = explain.reason_sentence(worker.full_name, Reason("overlap"))
        if placement is None:
            return _refuse_yes(offer=offer, proposal=proposal, why=why, now=now)
        offer.status = Offer.Status.ACCEPTED
        offer.answered_at = now
        offer.placement = placement
        offer.save(update_fields=["status", "answered_at", "placement"])
        if proposal is not None:
            proposal.status = Proposal.Status.APPROVED
            proposal.decided_by = offer.sent_by
            proposal.decided_at = now
            proposal.placement = placement
            proposal.save(update_fields=["status", "decided_by", "decided_at", "placement"])
        offers_close_when_filled(shift=shift, now=now)
        with translation.override(offer.language):
            subject = _("You are booked at %(unit)s") % {"unit": need.unit.name}
        offer_notify(
            offer=offer,
            kind="matching.offer_accepted",
            template="offer_accepted",
            subject=subject,
            context={**_shift_context(offer), "placement": placement},
        )
    return Answer(
        "accepted",
        _(
            "Thank you! You are booked. We have sent you an e-mail with what happens next "
            "before your first shift."
        ),
        offer,
    )


def offer_record_phone_yes(
    *, proposal: Proposal | None, worker: Worker, shift: Shift, placement: Placement, by: User
) -> Offer:
    """A coordinator's approval places the person on a yes they gave by phone (DESIGN.md:
    "Nobody is placed without saying yes ... or from a coordinator recording that the person
    said yes by phone, with who and when"): kept as an accepted offer by phone, so the § 14-3
    record and the slot's state show it as such. Inside the approval's transaction."""
    now = timezone.now()
    offer = Offer.objects.create(
        proposal=proposal,
        worker=worker,
        shift=shift,
        slot_index=proposal.slot_index if proposal is not None else 0,
        status=Offer.Status.ACCEPTED,
        channel=Offer.Channel.PHONE,
        language=_language(worker),
        token_hash=token_hash(secrets.token_urlsafe(32)),  # no link: nothing to answer
        code="".join(secrets.choice(CODE_ALPHABET) for _i in range(5)),
        sent_by=by,
        sent_at=now,
        deadline=now,
        answered_at=now,
        tier=tiers_for([worker.pk])[worker.pk],
        note=_("Said yes by phone; recorded by the coordinator.")[:300],
        placement=placement,
    )
    offers_close_when_filled(shift=shift, now=now)
    return offer


def offers_close_when_filled(*, shift: Shift, now: dt.datetime) -> int:
    """Once the shift has all its people, the offers still waiting on it (several wait per
    slot when DUGNAD["OFFER_MAX_WAITING_PER_SLOT"] > 1) are withdrawn with thanks."""
    placed = PlacementShift.objects.filter(shift=shift, is_active=True).count()
    if placed < shift.headcount:
        return 0
    waiting = list(Offer.objects.pending().filter(shift=shift).select_related("proposal"))
    for other in waiting:
        other.status = Offer.Status.WITHDRAWN
        other.closed_at = now
        other.note = _("The shift was filled by someone else.")[:300]
        other.save(update_fields=["status", "closed_at", "note"])
        if other.proposal is not None and other.proposal.status == Proposal.Status.OFFERED:
            other.proposal.delete()
        offer_tell_withdrawn(other, filled=True)
    return len(waiting)


def offer_tell_withdrawn(offer: Offer, *, filled: bool = False, changed: bool = False) -> None:
    """The person is told the offer no longer stands (and why: filled, or the shift changed)."""
    with translation.override(offer.language):
        subject = _("An offer has been withdrawn")
    offer_notify(
        offer=offer,
        kind="matching.offer_withdrawn",
        template="offer_withdrawn",
        subject=subject,
        context={**_shift_context(offer), "filled": filled, "changed": changed},
    )


def offer_decline(*, offer: Offer, reason: str = "") -> Answer:
    """The person says no: the slot goes back to matching, which proposes the next best."""
    reason = (reason or "").strip()[:300]
    now = timezone.now()
    with transaction.atomic():
        _worker, _shift, offer, proposal = _lock(offer)
        closed = closed_message(offer, now)
        if closed is not None:
            return Answer("closed", closed, offer)
        offer.status = Offer.Status.DECLINED
        offer.answered_at = now
        offer.decline_reason = reason
        offer.save(update_fields=["status", "answered_at", "decline_reason"])
        _slot_back_to_matching(
            offer=offer,
            proposal=proposal,
            reason=_("Declined the offer: %(reason)s") % {"reason": reason}
            if reason
            else _("Declined the offer."),
        )
    return Answer("declined", _("Thank you for answering. You have said no to this offer."), offer)


def offer_withdraw(*, offer: Offer, by: User) -> Offer:
    """The coordinator takes the offer back: the link stops working and the proposal is open
    for a decision again."""
    if not by.has_role(Role.COORDINATOR):
        raise PermissionDenied
    with transaction.atomic():
        _worker, _shift, offer, proposal = _lock(offer)
        if offer.status != Offer.Status.PENDING:
            raise ValidationError(_("This offer is no longer waiting for an answer."))
        offer.status = Offer.Status.WITHDRAWN
        offer.closed_by = by
        offer.closed_at = timezone.now()
        offer.save(update_fields=["status", "closed_by", "closed_at"])
        if is_automatic(offer.shift.need_id):
            # In automatic mode the proposal would be offered again at once: the coordinator's
            # withdrawal counts as a no to this person for this slot, and the next best is asked.
            _slot_back_to_matching(
                offer=offer, proposal=proposal, reason=_("Offer withdrawn by the coordinator.")
            )
        elif proposal is not None and proposal.status == Proposal.Status.OFFERED:
            proposal.status = Proposal.Status.PROPOSED
            proposal.save(update_fields=["status"])
        offer_tell_withdrawn(offer)
    return offer


def is_automatic(need_id: int) -> bool:
    return AutoOffer.objects.filter(need_id=need_id, enabled=True).exists()


def offer_remind(*, offer: Offer, by: User) -> Offer:
    """Ask again. The link is sent anew: only the token's hash is stored, so the reminder
    carries a fresh token and the earlier link stops working."""
    if not by.has_role(Role.COORDINATOR):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        _worker, _shift, offer, _proposal = _lock(offer)
        if offer.status != Offer.Status.PENDING or now >= offer.deadline:
            raise ValidationError(_("This offer is no longer waiting for an answer."))
        if not (offer.by_email or offer.by_sms):
            raise ValidationError(_("There is no address to remind: call instead."))
        token = secrets.token_urlsafe(32)
        offer.token_hash = token_hash(token)
        offer.reminders += 1
        offer.reminded_at = now
        offer.save(update_fields=["token_hash", "reminders", "reminded_at"])
        _offer_message(offer, token, reminder=True)
    return offer


def offers_expire(*, now: dt.datetime | None = None) -> int:
    """Offers nobody answered by the deadline: each slot goes back to matching."""
    now = now or timezone.now()
    expired = 0
    due = Offer.objects.pending().filter(deadline__lte=now).only("pk", "worker_id", "shift_id")
    for due_offer in list(due):
        with transaction.atomic():
            _worker, _shift, offer, proposal = _lock(due_offer)
            if offer.status != Offer.Status.PENDING or offer.deadline > now:
                continue  # answered in the meantime
            offer.status = Offer.Status.EXPIRED
            offer.closed_at = now
            offer.save(update_fields=["status", "closed_at"])
            _slot_back_to_matching(
                offer=offer, proposal=proposal, reason=_("No answer by the deadline.")
            )
            expired += 1
    return expired
