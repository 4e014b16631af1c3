"""Reads for the coordinator's matching page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from matching.adapter import Reason
from matching.models import MatchingRun, Offer, Proposal, UnfilledSlot
from matching.offer_messages import message_key
from matching.slot_states import ShiftSlots, Slot, SlotState, slot_states_for_needs
from needs.models import Need, Shift
from outbox.models import Message
from placements.models import PlacementShift
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


def _count_of(rows: QuerySet, counted: str = "pk", *, distinct: bool = False) -> Coalesce:
    """How many of `rows` (filtered to the outer row's shift) there are, as a subquery."""
    counted_rows = (
        rows.order_by().values("shift_id").annotate(n=Count(counted, distinct=distinct)).values("n")
    )
    return Coalesce(Subquery(counted_rows[:1]), 0)


def _on_the_shift(*, proposed: bool = True) -> Q:
    """The row's person holds a slot of the row's shift in slot_states' sense: placed there,
    waiting for an answer to an offer of it, or (with `proposed`) proposed for it."""
    shift, worker = OuterRef("shift_id"), OuterRef("worker_id")
    held = Exists(
        PlacementShift.objects.filter(shift_id=shift, worker_id=worker, is_active=True)
    ) | Exists(Offer.objects.pending().filter(shift_id=shift, worker_id=worker))
    if proposed:
        held |= Exists(
            Proposal.objects.filter(
                shift_id=shift, worker_id=worker, status=Proposal.Status.PROPOSED
            )
        )
    return held


CLOSED_SHOWN = [Offer.Status.DECLINED, Offer.Status.EXPIRED]


def offers_shown_on_open_slots(status: str | None = None) -> QuerySet[Offer]:
    """The declined or expired offers that matching.slot_states shows on a slot still open,
    by the same rule, in SQL (for filtering needs: an Exists of this per need).

    slot_states fills a shift's slots, in order, with its active placements, every offer
    waiting for an answer, and its open proposals (one per person not already there), up to
    the headcount; each slot left then shows, newest first, a declined or expired offer of
    someone not on the shift in any of those ways. So such an offer is shown when its shift is
    not cancelled, its person is not on the shift, and the slots left outnumber the shown-kind
    offers newer than it. (A proposal beyond the headcount leaves no slot, so counting every
    proposed person is the same as slot_states' stopping at the headcount.)"""
    shift = OuterRef("shift_id")
    placed = PlacementShift.objects.filter(shift_id=shift, is_active=True)
    waiting = Offer.objects.pending().filter(shift_id=shift)
    proposed = Proposal.objects.filter(shift_id=shift, status=Proposal.Status.PROPOSED).exclude(
        _on_the_shift(proposed=False)
    )
    newer = (
        Offer.objects.filter(shift_id=shift, status__in=CLOSED_SHOWN)
        .filter(
            Q(sent_at__gt=OuterRef("sent_at"))
            | Q(sent_at=OuterRef("sent_at"), pk__gt=OuterRef("pk"))
        )
        .exclude(_on_the_shift())
    )
    return (
        Offer.objects.filter(
            status__in=[status] if status else CLOSED_SHOWN, shift__cancelled_at__isnull=True
        )
        .exclude(_on_the_shift())
        .alias(
            slots_left=F("shift__headcount")
            - _count_of(placed)
            - _count_of(waiting)
            - _count_of(proposed, "worker_id", distinct=True),
            newer_shown=_count_of(newer),
        )
        .filter(slots_left__gt=F("newer_shown"))
    )


_SHOWN_SQL: dict[tuple[str, str], tuple[str, tuple]] = {}


def shifts_showing_closed_offers(status: str | None = None) -> RawSQL:
    """The ids of the shifts with a slot that shows a no (`declined`), no answer (`expired`)
    or either (offers_shown_on_open_slots), as SQL for `pk__in`. Built once per process: the
    expression takes milliseconds to compile and has no part that changes between requests."""
    key = (connection.vendor, status or "")
    if key not in _SHOWN_SQL:
        rows = offers_shown_on_open_slots(status).order_by().values("shift_id")
        _SHOWN_SQL[key] = rows.query.sql_with_params()
    sql, params = _SHOWN_SQL[key]
    return RawSQL(sql, params)


def needs_with_open_proposals() -> QuerySet[Need]:
    """Submitted needs with something for the coordinator: open proposals, offers waiting,
    slots a run could not fill, or a slot still open after a no or no answer."""
    need = OuterRef("pk")
    return Need.objects.filter(state=Need.State.SUBMITTED).filter(
        Exists(
            Proposal.objects.filter(
                shift__need=need,
                status__in=[Proposal.Status.PROPOSED, Proposal.Status.OFFERED],
            )
        )
        | Exists(UnfilledSlot.objects.filter(shift__need=need))
        | Exists(Shift.objects.filter(need=need, pk__in=shifts_showing_closed_offers()))
    )


@dataclass(frozen=True)
class DateWindow:
    """The list's date range (matching.filters.MatchingFilter): a shift is in it when it
    ends after `after` and starts before `before`; None leaves that side open."""

    after: dt.datetime | None = None
    before: dt.datetime | None = None

    def q(self, prefix: str = "shift__") -> Q:
        q = Q()
        if self.after is not None:
            q &= Q(**{f"{prefix}end__gt": self.after})
        if self.before is not None:
            q &= Q(**{f"{prefix}start__lt": self.before})
        return q

    def holds(self, shift: Shift) -> bool:
        return (self.after is None or shift.end > self.after) and (
            self.before is None or shift.start < self.before
        )


# A page of the list: a few needs, each with its first rows; the need's own page (filtered to
# it) pages all its rows. Kept small so a page stays quick to render and to read.
NEEDS_PER_PAGE = 10
PER_NEED = 5
ROWS_PER_PAGE = 50

# the order of the states in a need's summary: the good news first
SUMMARY_ORDER = [
    SlotState.READY,
    SlotState.ACCEPTED,
    SlotState.PLACED,
    SlotState.OFFERED,
    SlotState.PROPOSED,
    SlotState.DECLINED,
    SlotState.EXPIRED,
    SlotState.OPEN,
    SlotState.CANCELLED,
]
OPEN_STATES = {SlotState.DECLINED, SlotState.EXPIRED, SlotState.OPEN}


@dataclass
class OpenSlot:
    """A slot nobody holds (slot_states: declined, expired or open), with the last run's
    reason why nobody fits when it gave one."""

    shift: Shift
    slot: Slot
    reason: str = ""


@dataclass
class StateCount:
    state: str
    n: int

    @property
    def label(self) -> str:
        return str(SlotState.LABELS[self.state])


@dataclass
class NeedGroup:
    need: Need
    proposals: list[Proposal] = field(default_factory=list)
    open_slots: list[OpenSlot] = field(default_factory=list)
    offers: list[Offer] = field(default_factory=list)
    counts: list[StateCount] = field(default_factory=list)
    proposals_total: int = 0
    open_total: int = 0
    offers_total: int = 0
    rows_page: Page | None = None

    @property
    def can_offer(self) -> bool:
        return any(p.status == Proposal.Status.PROPOSED for p in self.proposals)

    @property
    def proposals_hidden(self) -> int:
        return self.proposals_total - len(self.proposals)

    @property
    def open_first(self) -> bool:
        """The open slots are shown unfolded when there is nothing else to act on, or when
        someone said no or did not answer."""
        return not self.proposals or any(
            o.slot.state in (SlotState.DECLINED, SlotState.EXPIRED) for o in self.open_slots
        )


def _mark_pending_offers(proposals: list[Proposal]) -> None:
    waiting = {
        o.proposal_id: o
        for o in Offer.objects.pending().filter(proposal__in=[p.pk for p in proposals])
    }
    for p in proposals:
        p.pending_offer = waiting.get(p.pk)


# what the state filter leaves: (the slots shown as proposal rows, the open slots shown)
ROW_STATES = {
    "": ({SlotState.PROPOSED, SlotState.OFFERED}, OPEN_STATES),
    "proposed": ({SlotState.PROPOSED}, set()),
    "offered": ({SlotState.OFFERED}, set()),
    "unfilled": (set(), OPEN_STATES),
    "declined": (set(), {SlotState.DECLINED}),
    "expired": (set(), {SlotState.EXPIRED}),
}


def _open_slots(shift_slots: ShiftSlots, reasons: list[str], states: set[str]) -> list[OpenSlot]:
    """The shift's slots nobody holds; the run's reasons go to the plain open ones first (a
    declined or expired slot says what happened itself), any left to the others."""
    nobody = [s for s in shift_slots.slots if s.state in OPEN_STATES]
    nobody.sort(key=lambda s: s.state != SlotState.OPEN)
    said = dict(zip(map(id, nobody), reasons, strict=False))
    return [
        OpenSlot(shift_slots.shift, s, said.get(id(s), ""))
        for s in shift_slots.slots
        if s.state in states
    ]


def _page_of(needs: QuerySet[Need], page_number: str | int | None) -> Page:
    """A page of the needs and how many there are, in one query (each row carries the total,
    `total`); Paginator's own way takes a count query first."""
    paginator = Paginator(needs, NEEDS_PER_PAGE)
    try:
        number = max(1, int(page_number or 1))
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * NEEDS_PER_PAGE
    rows = list(needs[start : start + NEEDS_PER_PAGE])
    if not rows and number > 1:  # past the end: the last page, as Paginator.get_page does
        return paginator.get_page(number)
    paginator.__dict__["count"] = rows[0].total if rows else 0  # Paginator.count is cached
    page = paginator.page(number)
    page.object_list = rows
    return page


def proposal_groups(
    *,
    page_number: str | int | None,
    filterset=None,
    rows_page: str | int | None = None,
) -> tuple[Page, list[NeedGroup]]:
    """Proposals and the state of every slot (matching.slot_states) grouped by need, critical
    and urgent needs first, then the earliest shift; one page of needs at a time, each showing
    its first PER_NEED proposals and open slots. `filterset` (matching.filters.MatchingFilter)
    narrows the needs, and its date range and state the rows (the date range the summary of
    states too); filtered to one need, its proposals are paged instead. Bounded: at most eight
    queries for any page (the page of needs, slot_states' four, the runs' reasons for open
    slots, the proposals of offered slots, the offers' deliveries)."""
    needs = needs_with_open_proposals()
    window = DateWindow()
    state = ""
    if filterset is not None:
        needs = filterset.filter_queryset(needs) if filterset.is_valid() else needs.none()
        window = filterset.rows_window()
        state = filterset.row_state
    first_start = Shift.objects.filter(need=OuterRef("pk")).order_by("start").values("start")
    needs = (
        needs.select_related("unit", "qualification")
        .annotate(first_start=Subquery(first_start[:1]), total=Window(Count("pk")))
        .order_by("-unit__is_critical", "-priority", "first_start", "pk")
    )
    page = _page_of(needs, page_number)
    page_ids = [n.pk for n in page.object_list]
    row_states, open_states = ROW_STATES.get(state, ROW_STATES[""])
    one_need = bool(
        len(page_ids) == 1
        and filterset is not None
        and filterset.is_valid()
        and filterset.form.cleaned_data.get("need")
    )
    groups = {n.pk: NeedGroup(need=n) for n in page.object_list}
    states = slot_states_for_needs(page_ids)
    reasons: dict[int, list[str]] = {}
    open_shifts = [
        row.shift.pk
        for rows in states.values()
        for row in rows
        if window.holds(row.shift) and any(s.state in OPEN_STATES for s in row.slots)
    ]
    if open_states and open_shifts:  # the run's reasons for the slots nobody could fill
        for u in (
            UnfilledSlot.objects.filter(shift_id__in=open_shifts)
            .only("shift_id", "slot_index", "reasons")
            .order_by("shift_id", "slot_index", "pk")
        ):
            reasons.setdefault(u.shift_id, []).append(u.reason)
    shown: dict[int, list[Slot]] = {}  # each need's proposal rows: proposed and offered slots
    for need_id, group in groups.items():
        counts: dict[str, int] = {}
        rows: list[Slot] = []
        for row in states[need_id]:
            if not window.holds(row.shift):
                continue
            for slot in row.slots:
                counts[slot.state] = counts.get(slot.state, 0) + 1
                if slot.state in row_states and (slot.proposal or slot.offer.proposal_id):
                    if slot.proposal:
                        slot.proposal.shift = row.shift  # loaded with the slots, not again
                    rows.append(slot)
            if open_states:
                for open_slot in _open_slots(row, reasons.get(row.shift.pk, []), open_states):
                    group.open_total += 1
                    if one_need or len(group.open_slots) < PER_NEED:
                        group.open_slots.append(open_slot)
            shift_offers = [s.offer for s in row.slots if s.state == SlotState.OFFERED]
            shift_offers += row.history
            shift_offers.sort(key=lambda o: (o.sent_at, o.pk), reverse=True)
            for offer in shift_offers:
                group.offers_total += 1
                if one_need or len(group.offers) < PER_NEED:
                    group.offers.append(offer)
        group.counts = [StateCount(s, counts[s]) for s in SUMMARY_ORDER if counts.get(s)]
        group.proposals_total = len(rows)
        if one_need:
            group.rows_page = Paginator(rows, ROWS_PER_PAGE).get_page(rows_page)
            rows = list(group.rows_page.object_list)
        shown[need_id] = rows[:PER_NEED] if not one_need else rows
    # an offered slot shows its offer; its row acts on the proposal the offer was made from
    offered = (
        Proposal.objects.select_related("worker", "shift")
        .defer("alternatives")
        .in_bulk([s.offer.proposal_id for rows in shown.values() for s in rows if not s.proposal])
    )
    for need_id, rows in shown.items():
        for slot in rows:
            proposal = slot.proposal or offered.get(slot.offer.proposal_id)
            if proposal is not None:
                proposal.pending_offer = slot.offer if slot.state == SlotState.OFFERED else None
                groups[need_id].proposals.append(proposal)
    offers_attach_delivery([o for g in groups.values() for o in g.offers])
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
