"""Reads for the coordinator's matching page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Min, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from matching.adapter import Reason
from matching.models import MatchingRun, Offer, Proposal, UnfilledSlot
from matching.offer_messages import message_key
from needs.models import Need
from outbox.models import Message
from staffing.models import Worker


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


def proposals_get_for_user(user, pks: list[int]) -> list[Proposal]:
    """Proposals by id for an action on a selection: coordinators only; unknown ids drop."""
    if not _may_see(user):
        raise Http404
    return list(
        Proposal.objects.filter(pk__in=pks)
        .select_related("worker", "shift__need")
        .order_by("shift__start", "slot_index", "pk")
    )


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


# A page of the list: a few needs, each with its first rows; the need's own page (filtered to
# it) pages all its rows. Kept small so a page stays quick to render and to read.
NEEDS_PER_PAGE = 10
PER_NEED = 5
ROWS_PER_PAGE = 50


@dataclass
class NeedGroup:
    need: Need
    proposals: list[Proposal] = field(default_factory=list)
    unfilled: list[UnfilledSlot] = field(default_factory=list)
    offers: list[Offer] = field(default_factory=list)
    proposals_total: int = 0
    unfilled_total: int = 0
    offers_total: int = 0
    rows_page: Page | None = None

    @property
    def can_offer(self) -> bool:
        return any(p.status == Proposal.Status.PROPOSED for p in self.proposals)

    @property
    def proposals_hidden(self) -> int:
        return self.proposals_total - len(self.proposals)


def _mark_pending_offers(proposals: list[Proposal]) -> None:
    waiting = {
        o.proposal_id: o
        for o in Offer.objects.pending().filter(proposal__in=[p.pk for p in proposals])
    }
    for p in proposals:
        p.pending_offer = waiting.get(p.pk)


def proposal_groups(
    *,
    page_number: str | int | None,
    filterset=None,
    rows_page: str | int | None = None,
) -> tuple[Page, list[NeedGroup]]:
    """Proposals and unfilled slots grouped by need, critical and urgent needs first,
    then the earliest shift; one page of needs at a time, each showing its first PER_NEED
    rows. `filterset` (matching.filters.MatchingFilter) narrows the needs, and its date range
    and state the rows; filtered to one need, its rows are paged instead."""
    needs = Need.objects.filter(pk__in=needs_with_open_proposals().values("pk"))
    rows_q = Q()
    state = ""
    if filterset is not None:
        needs = filterset.filter_queryset(needs) if filterset.is_valid() else needs.none()
        rows_q = filterset.rows_q()
        state = filterset.row_state
    needs = (
        needs.select_related("unit", "qualification")
        .annotate(first_start=Min("shifts__start"))
        .order_by("-unit__is_critical", "-priority", "first_start", "pk")
    )
    page = Paginator(needs, NEEDS_PER_PAGE).get_page(page_number)
    page_ids = [n.pk for n in page.object_list]
    statuses = [Proposal.Status.PROPOSED, Proposal.Status.OFFERED]
    if state == "proposed":
        statuses = [Proposal.Status.PROPOSED]
    elif state == "offered":
        statuses = [Proposal.Status.OFFERED]
    proposals = (
        Proposal.objects.filter(rows_q, status__in=statuses, shift__need_id__in=page_ids)
        .select_related("worker", "shift")
        .order_by("shift__start", "slot_index", "pk")
    )
    if state == "unfilled":
        proposals = proposals.none()
    offers = (
        Offer.objects.filter(rows_q, shift__need_id__in=page_ids)
        .select_related("worker", "shift")
        .order_by("shift__start", "-sent_at", "-pk")
    )
    unfilled = (
        UnfilledSlot.objects.filter(rows_q, shift__need_id__in=page_ids)
        .select_related("shift")
        .order_by("shift__start", "slot_index", "pk")
    )
    if state in ("proposed", "offered"):
        unfilled = unfilled.none()
    groups = {n.pk: NeedGroup(need=n) for n in page.object_list}
    one_need = (
        len(page_ids) == 1
        and filterset is not None
        and filterset.is_valid()
        and (filterset.form.cleaned_data.get("need"))
    )
    if one_need:
        group = groups[page_ids[0]]
        group.rows_page = Paginator(proposals, ROWS_PER_PAGE).get_page(rows_page)
        group.proposals = list(group.rows_page.object_list)
        group.proposals_total = group.rows_page.paginator.count
    else:
        for p in proposals:
            group = groups[p.shift.need_id]
            group.proposals_total += 1
            if len(group.proposals) < PER_NEED:
                group.proposals.append(p)
    for u in unfilled:
        group = groups[u.shift.need_id]
        group.unfilled_total += 1
        if len(group.unfilled) < PER_NEED or one_need:
            group.unfilled.append(u)
    for o in offers:
        group = groups[o.shift.need_id]
        group.offers_total += 1
        if len(group.offers) < PER_NEED or one_need:
            group.offers.append(o)
    offers_attach_delivery([o for g in groups.values() for o in g.offers])
    _mark_pending_offers([p for g in groups.values() for p in g.proposals])
    return page, [groups[n.pk] for n in page.object_list]


def proposal_row(proposal: Proposal) -> Proposal:
    """One proposal as a row of the list shows it (after an action in place)."""
    proposal = Proposal.objects.select_related("worker", "shift__need__unit", "placement").get(
        pk=proposal.pk
    )
    _mark_pending_offers([proposal])
    return proposal


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


# --- fresh checks: alternatives and "why not this person?" ----------------------------------


def eligibility_now(shift, worker_ids: list[int], *, now=None) -> dict[int, Reason | None]:
    """Every hard rule for each worker on the shift, read now (the same predicates a run and
    the approval re-check use), plus what the list knows and the rules do not: the person
    already holds or was offered a slot of this very shift. None: they may take it."""
    from django.utils import timezone

    from matching.adapter import eligibility, params
    from matching.adapter.load import snapshot_load
    from placements.models import PlacementShift

    worker_ids = sorted(set(worker_ids))
    if not worker_ids:
        return {}
    snap = snapshot_load(now=now or timezone.now(), shift_ids=[shift.pk], worker_ids=worker_ids)
    placed = set(
        PlacementShift.objects.filter(
            shift=shift, is_active=True, worker_id__in=worker_ids
        ).values_list("worker_id", flat=True)
    )
    offered = set(
        Offer.objects.pending()
        .filter(shift=shift, worker_id__in=worker_ids)
        .values_list("worker_id", flat=True)
    )
    p = params()
    out: dict[int, Reason | None] = {}
    for wid in worker_ids:
        if wid not in snap.index_of:
            out[wid] = Reason("inactive")
        elif wid in placed:
            out[wid] = Reason("placed_here")
        elif wid in offered:
            out[wid] = Reason("offered_here")
        else:
            out[wid] = eligibility.why_not(snap, p, shift.pk, wid)
    return out


@dataclass
class Alternative:
    worker_id: int
    name: str
    note: str  # the run's words about the person (source, cost)
    reason: Reason | None  # None: free to take the slot now

    @property
    def feasible(self) -> bool:
        return self.reason is None


def alternatives_now(proposal: Proposal) -> list[Alternative]:
    """The run's alternatives for the proposal, each checked again now: someone who has since
    been placed elsewhere, or would now break a rule, is shown with the rule and cannot be
    picked."""
    from core.i18n import pick

    listed = [a for a in proposal.alternatives or [] if a.get("worker")]
    reasons = eligibility_now(proposal.shift, [a["worker"] for a in listed])
    present = set(Worker.objects.filter(pk__in=list(reasons)).values_list("pk", flat=True))
    out = []
    for a in listed:
        wid = a["worker"]
        if wid not in present:  # erased since the run
            continue
        note = pick(a.get("reason")) or ""
        # the stored words end with the run's verdict ("· free"); the fresh verdict replaces it
        note = note.rsplit(" · ", 1)[0] if " · " in note else note
        out.append(Alternative(wid, a.get("name", ""), note, reasons.get(wid)))
    return out


WHY_NOT_RESULTS = 10


def shift_get_for_coordinator(user, pk: int):
    from needs.models import Shift

    if not _may_see(user):
        raise Http404
    try:
        return Shift.objects.select_related("need__unit", "need__qualification").get(pk=pk)
    except Shift.DoesNotExist as exc:
        raise Http404 from exc


def workers_named(term: str) -> list[Worker]:
    """People by name (every word), e-mail or phone (the last eight digits); a few at most.
    The term comes from a POST and is never logged."""
    import re

    term = term.strip()
    words = term.split()
    names = Q()
    for word in words[:4]:
        names &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    condition = (names if words else Q(pk__in=[])) | Q(email__iexact=term)
    digits = re.sub(r"\D", "", term)
    if len(digits) >= 5 and not re.search(r"[^\d\s+()./-]", term):
        condition = Q(phone__contains=digits[-8:]) | Q(email__iexact=term)
    return list(
        Worker.objects.filter(condition)
        .select_related("agency")
        .order_by("last_name", "first_name", "pk")[:WHY_NOT_RESULTS]
    )


@dataclass
class Verdict:
    worker: Worker
    reasons: list  # every rule they fail now (Reason), empty: they may take the shift
    overridable: bool  # every failed rule allows an exception by policy


def why_not_verdicts(shift, workers: list[Worker]) -> list[Verdict]:
    """For each named person: every rule that stops them on the shift, read now."""
    from matching.services import OVERRIDABLE, rules_failed

    fresh = eligibility_now(shift, [w.pk for w in workers])
    out = []
    for w in workers:
        first = fresh.get(w.pk)
        if first is None:
            reasons = []
        elif first.code in ("placed_here", "offered_here", "inactive"):
            reasons = [first]
        else:
            reasons = rules_failed(worker_id=w.pk, shift_id=shift.pk)
        out.append(
            Verdict(w, reasons, bool(reasons) and all(r.code in OVERRIDABLE for r in reasons))
        )
    return out
