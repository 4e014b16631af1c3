"""Reads for the coordinator's matching page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Min, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from matching.models import MatchingRun, Offer, Proposal, UnfilledSlot
from matching.offer_messages import message_key
from needs.models import Need
from outbox.models import Message


def _may_see(user) -> bool:
    return user.is_authenticated and user.has_role(Role.COORDINATOR)


def proposal_get_for_user(user, pk: int) -> Proposal:
    """The one door to a proposal by id: coordinators (and administrators) only, else 404."""
    if not _may_see(user):
        raise Http404
    try:
        return Proposal.objects.select_related("worker", "shift__need").get(pk=pk)
    except Proposal.DoesNotExist as exc:
        raise Http404 from exc


def offer_get_for_user(user, pk: int) -> Offer:
    if not _may_see(user):
        raise Http404
    try:
        return Offer.objects.get(pk=pk)
    except Offer.DoesNotExist as exc:
        raise Http404 from exc


def need_get_for_coordinator(user, pk: int) -> Need:
    if not _may_see(user):
        raise Http404
    try:
        return Need.objects.get(pk=pk)
    except Need.DoesNotExist as exc:
        raise Http404 from exc


def needs_with_open_proposals() -> QuerySet[Need]:
    """Submitted needs that have unapproved proposals, offers waiting or unfilled slots."""
    return Need.objects.filter(state=Need.State.SUBMITTED).filter(
        Q(shifts__proposals__status__in=[Proposal.Status.PROPOSED, Proposal.Status.OFFERED])
        | Q(shifts__unfilled_slots__isnull=False)
    )


@dataclass
class NeedGroup:
    need: Need
    proposals: list[Proposal] = field(default_factory=list)
    unfilled: list[UnfilledSlot] = field(default_factory=list)
    offers: list[Offer] = field(default_factory=list)

    @property
    def can_offer(self) -> bool:
        return any(p.status == Proposal.Status.PROPOSED for p in self.proposals)


def proposal_groups(*, page_number: str | int | None) -> tuple[Page, list[NeedGroup]]:
    """Proposals and unfilled slots grouped by need, critical and urgent needs first,
    then the earliest shift; one page of needs at a time."""
    needs = (
        Need.objects.filter(pk__in=needs_with_open_proposals().values("pk"))
        .select_related("unit", "qualification")
        .annotate(first_start=Min("shifts__start"))
        .order_by("-unit__is_critical", "-priority", "first_start", "pk")
    )
    page = Paginator(needs, settings.DUGNAD["PAGE_SIZE"]).get_page(page_number)
    page_ids = [n.pk for n in page.object_list]
    proposals = (
        Proposal.objects.filter(
            status__in=[Proposal.Status.PROPOSED, Proposal.Status.OFFERED],
            shift__need_id__in=page_ids,
        )
        .select_related("worker", "shift")
        .order_by("shift__start", "slot_index", "pk")
    )
    offers = (
        Offer.objects.filter(shift__need_id__in=page_ids)
        .select_related("worker", "shift")
        .order_by("shift__start", "-sent_at", "-pk")
    )
    unfilled = (
        UnfilledSlot.objects.filter(shift__need_id__in=page_ids)
        .select_related("shift")
        .order_by("shift__start", "slot_index", "pk")
    )
    groups = {n.pk: NeedGroup(need=n) for n in page.object_list}
    for p in proposals:
        groups[p.shift.need_id].proposals.append(p)
    for u in unfilled:
        groups[u.shift.need_id].unfilled.append(u)
    waiting: dict[int, Offer] = {}
    for o in offers_attach_delivery(list(offers)):
        groups[o.shift.need_id].offers.append(o)
        if o.status == Offer.Status.PENDING and o.proposal_id is not None:
            waiting[o.proposal_id] = o
    for group in groups.values():
        for p in group.proposals:
            p.pending_offer = waiting.get(p.pk)
    return page, [groups[n.pk] for n in page.object_list]


def offers_for_need(need: Need) -> list[Offer]:
    """Every offer of the need and its answer, for the need's page."""
    return offers_attach_delivery(
        list(
            Offer.objects.filter(shift__need=need)
            .select_related("worker", "shift")
            .order_by("shift__start", "-sent_at", "-pk")
        )
    )


@dataclass(frozen=True)
class Delivery:
    """How an offer's message fared: `failed` when it could not be sent or the provider
    reported it undelivered; the coordinator then calls instead."""

    channel: str
    state: str  # queued, sent, delivered, failed
    error: str = ""

    @property
    def failed(self) -> bool:
        return self.state == "failed"


def offers_attach_delivery(offers: list[Offer]) -> list[Offer]:
    """Set `offer.deliveries` ([Delivery] of the offer message, one per channel) and
    `offer.delivery_failed` (the failed ones) on each offer, in one query."""
    keys: dict[str, list[Offer]] = {}
    for offer in offers:
        offer.deliveries, offer.delivery_failed = [], []
        for channel in (Message.Channel.EMAIL, Message.Channel.SMS):
            # the same offer may be on a page twice (its slot and the history)
            keys.setdefault(message_key(offer, "matching.offer", channel), []).append(offer)
    if not keys:
        return offers
    rows = Message.objects.filter(idempotency_key__in=list(keys)).values_list(
        "idempotency_key", "channel", "status", "delivery_status", "delivery_error"
    )
    for key, channel, status, delivery, error in rows:
        if status == Message.Status.FAILED:
            item = Delivery(channel, "failed", _("could not be sent"))
        elif status == Message.Status.SENT:
            item = Delivery(channel, delivery or "sent", error)
        else:
            item = Delivery(channel, "queued")
        for offer in keys[key]:
            offer.deliveries.append(item)
            if item.failed:
                offer.delivery_failed.append(item)
    return offers


def runs_recent(limit: int = 10) -> list[MatchingRun]:
    return list(MatchingRun.objects.select_related("requested_by").order_by("-pk")[:limit])


WEIGHT_LABELS = {
    "UNFILLED_NORMAL": _("Slot left unfilled, normal priority"),
    "UNFILLED_HIGH": _("Slot left unfilled, high priority"),
    "UNFILLED_CRITICAL": _("Slot left unfilled, critical priority"),
    "CRITICAL_SERVICE_EXTRA": _("Extra for an unfilled slot in a critical service"),
    "SECTION_14_3_PER_HOUR": _(
        "Per hour for agency temps and volunteers (§ 14-3: part-timers who want more hours first)"
    ),
    "REDEPLOYED_PER_HOUR": _("Per hour for redeployed internal staff"),
    "VOLUNTEER_PER_HOUR": _("Per hour for volunteers on a temporary contract (NOK)"),
    "NOT_CONTINUING": _("Someone not already working shifts of the need (continuity)"),
    "OTHER_DISTRICT": _("Someone from another district"),
    "PREFERRED_SKILL_MISSING": _("Per preferred skill missing"),
    "LOAD_PER_BOOKED_HOUR": _("Per hour already booked nearby (fair spread of load)"),
    "MAX_CANDIDATES_PER_SLOT": _("Candidates considered per slot (cheapest first)"),
}


def weights_for_display() -> list[tuple[str, float]]:
    """The objective's weights as (label, value); agency temps also cost their agreement's
    hourly rate."""
    return [
        (WEIGHT_LABELS.get(key, key), value)
        for key, value in settings.DUGNAD["MATCHING_WEIGHTS"].items()
    ]
