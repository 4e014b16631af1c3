"""Offers: a proposal sent to the person, who answers yes or no on the offer's own page.

Every write here runs in one transaction and locks in the order approval does (worker, shift,
then the offer and its proposal), so an answer and an approval for the same person serialise.
The token in the link is random and only its hash is stored (as the volunteer's personal
link): the link cannot be rebuilt from the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
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
from matching import explain
from matching.adapter import Reason
from matching.adapter import why_not as adapter_why_not
from matching.models import MatchingRun, Offer, Proposal, ProposalRejection
from matching.offer_messages import offer_addresses, offer_notify
from matching.triggers import request_matching_run
from needs.models import Need, Shift
from outbox.services import message_enqueue
from placements.models import Placement, PlacementShift
from placements.services import PlacementOverlap, placement_create_for_approval
from staffing.models import Worker, WorkerSource

logger = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed in an SMS


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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


def _send_one(*, proposal: Proposal, by: User, now: dt.datetime) -> Offer:
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
    )
    proposal.status = Proposal.Status.OFFERED
    proposal.save(update_fields=["status"])
    with translation.override(language):
        subject = _("Can you take a shift at %(unit)s?") % {"unit": need.unit.name}
    offer_notify(
        offer=offer,
        kind="matching.offer",
        template="offer",
        subject=subject,
        context={**_shift_context(offer), "url": offer_url(token)},
    )
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
                offers.append(_send_one(proposal=proposal, by=by, now=timezone.now()))
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


def _slot_back_to_matching(*, offer: Offer, proposal: Proposal | None, reason: str) -> None:
    """The person is not taking the slot: matching never proposes them for it again (as a
    coordinator's rejection) and runs again for it."""
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
    request_matching_run(trigger=MatchingRun.Trigger.OFFER_ANSWERED)


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
        if proposal is not None and proposal.status == Proposal.Status.OFFERED:
            proposal.status = Proposal.Status.PROPOSED
            proposal.save(update_fields=["status"])
        with translation.override(offer.language):
            subject = _("An offer has been withdrawn")
        offer_notify(
            offer=offer,
            kind="matching.offer_withdrawn",
            template="offer_withdrawn",
            subject=subject,
            context=_shift_context(offer),
        )
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
