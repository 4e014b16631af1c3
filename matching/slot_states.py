"""The state of every slot of a need, computed one way for every page that shows it (DESIGN.md:
"Every page that shows a slot shows this state the same way").

A shift × headcount gives its slots. They are filled, in this order, by the people placed on
the shift (ready when their checklist is clear; accepted when they said yes to an offer; placed
when the coordinator recorded a yes given by phone), the offers waiting for an answer, the
open proposals, and what is left is open; an open slot whose latest offer got a no or no answer
shows that (declined with the reason, expired) until someone new is proposed. Every offer that
is no longer waiting stays in the shift's history (the § 14-3 record).

Bounded: four queries for any number of needs (shifts, placement shifts, offers, proposals).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from matching.models import Offer, Proposal
from needs.models import Shift
from placements.models import PlacementShift
from staffing.models import Worker, WorkerSource


class SlotState:
    OPEN = "open"
    PROPOSED = "proposed"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    PLACED = "placed"
    READY = "ready"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"

    LABELS = {
        OPEN: _("open"),
        PROPOSED: _("proposed"),
        OFFERED: _("offered"),
        ACCEPTED: _("accepted"),
        PLACED: _("placed"),
        READY: _("ready"),
        DECLINED: _("declined"),
        EXPIRED: _("expired"),
        CANCELLED: _("cancelled"),
    }
    BADGES = {
        OPEN: "bad",
        PROPOSED: "",
        OFFERED: "warn",
        ACCEPTED: "ok",
        PLACED: "ok",
        READY: "ok",
        DECLINED: "bad",
        EXPIRED: "bad",
        CANCELLED: "bad",
    }


@dataclass
class Slot:
    state: str
    worker: Worker | None = None
    offer: Offer | None = None
    proposal: Proposal | None = None
    placement_shift: PlacementShift | None = None

    @property
    def label(self) -> str:
        return str(SlotState.LABELS[self.state])

    @property
    def badge(self) -> str:
        return SlotState.BADGES[self.state]

    @property
    def since(self) -> dt.datetime | None:
        return self.offer.sent_at if self.offer and self.state == SlotState.OFFERED else None

    @property
    def deadline(self) -> dt.datetime | None:
        return self.offer.deadline if self.offer and self.state == SlotState.OFFERED else None

    @property
    def reason(self) -> str:
        if self.offer is None:
            return ""
        return self.offer.decline_reason or self.offer.note

    @property
    def phone(self) -> str:
        """Whom to call about this slot: the person, or an agency temp's agency."""
        worker = self.worker
        if worker is None:
            return ""
        if worker.source == WorkerSource.AGENCY and worker.agency and worker.agency.contact_phone:
            return worker.agency.contact_phone
        return worker.phone


@dataclass
class ShiftSlots:
    shift: Shift
    slots: list[Slot] = field(default_factory=list)
    history: list[Offer] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for slot in self.slots:
            out[slot.state] += 1
        return dict(out)


CLOSED_SHOWN = {Offer.Status.DECLINED: SlotState.DECLINED, Offer.Status.EXPIRED: SlotState.EXPIRED}


def slot_states_for_needs(
    need_ids: Iterable[int], *, shift_ids: Iterable[int] | None = None
) -> dict[int, list[ShiftSlots]]:
    """{need id: its shifts, earliest first, each with its slots and its offers' history}.

    `shift_ids`: only those of the needs' shifts (a roster's week of a long recurring need),
    so the work follows the shifts shown, not every shift the needs ever had."""
    need_ids = list(need_ids)
    shift_qs = Shift.objects.filter(need_id__in=need_ids)
    if shift_ids is not None:
        shift_qs = shift_qs.filter(pk__in=list(shift_ids))
    shifts = list(shift_qs.order_by("start", "pk"))
    shift_ids = [s.pk for s in shifts]
    placed: dict[int, list[PlacementShift]] = defaultdict(list)
    for ps in (
        PlacementShift.objects.filter(shift_id__in=shift_ids, is_active=True)
        .select_related("placement", "worker__agency")
        .order_by("pk")
    ):
        placed[ps.shift_id].append(ps)
    offers: dict[int, list[Offer]] = defaultdict(list)
    for offer in (
        Offer.objects.filter(shift_id__in=shift_ids)
        .select_related("worker__agency", "shift", "sent_by", "closed_by")
        .order_by("-sent_at", "-pk")
    ):
        offers[offer.shift_id].append(offer)
    proposed: dict[int, list[Proposal]] = defaultdict(list)
    for proposal in (
        Proposal.objects.filter(shift_id__in=shift_ids, status=Proposal.Status.PROPOSED)
        .select_related("worker__agency")
        .order_by("slot_index", "cost", "pk")
    ):
        proposed[proposal.shift_id].append(proposal)

    out: dict[int, list[ShiftSlots]] = {pk: [] for pk in need_ids}
    for shift in shifts:
        row = ShiftSlots(shift=shift)
        shift_offers = offers[shift.pk]
        row.history = [o for o in shift_offers if o.status != Offer.Status.PENDING]
        if shift.cancelled_at is not None:
            row.slots = [Slot(SlotState.CANCELLED) for _i in range(shift.headcount)]
            out[shift.need_id].append(row)
            continue
        said_yes = {
            o.worker_id: o
            for o in shift_offers
            if o.status == Offer.Status.ACCEPTED and o.channel != Offer.Channel.PHONE
        }
        present: set[int] = set()
        for ps in placed[shift.pk]:
            if ps.placement.is_ready:
                state = SlotState.READY
            elif ps.worker_id in said_yes:
                state = SlotState.ACCEPTED
            else:
                state = SlotState.PLACED
            row.slots.append(
                Slot(state, ps.worker, offer=said_yes.get(ps.worker_id), placement_shift=ps)
            )
            present.add(ps.worker_id)
        for offer in reversed(shift_offers):  # the longest waiting first
            if offer.status == Offer.Status.PENDING:
                row.slots.append(Slot(SlotState.OFFERED, offer.worker, offer=offer))
                present.add(offer.worker_id)
        for proposal in proposed[shift.pk]:
            if len(row.slots) >= shift.headcount:
                break
            if proposal.worker_id not in present:
                row.slots.append(Slot(SlotState.PROPOSED, proposal.worker, proposal=proposal))
                present.add(proposal.worker_id)
        # an open slot tells what happened last: the latest no or unanswered offer
        closed = [o for o in row.history if o.status in CLOSED_SHOWN and o.worker_id not in present]
        while len(row.slots) < shift.headcount:
            last = closed.pop(0) if closed else None
            if last is None:
                row.slots.append(Slot(SlotState.OPEN))
            else:
                row.slots.append(Slot(CLOSED_SHOWN[last.status], last.worker, offer=last))
        out[shift.need_id].append(row)
    return out


def slot_states_for_need(need) -> list[ShiftSlots]:
    return slot_states_for_needs([need.pk])[need.pk]
