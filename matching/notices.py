"""Telling the people themselves when their shifts change: registered with needs.hooks, so the
unit's change and the messages commit together (and leave through the outbox afterwards).

A waiting offer on a changed or cancelled shift is withdrawn (matching.services
`proposals_discard_for_shifts`): the person is told first. A person placed on a cancelled
shift is told which shifts are off, and whether their placement has ended.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from matching.models import Offer
from matching.offer_messages import offer_addresses
from matching.offers import offer_tell_withdrawn, person_language
from outbox.models import Message
from outbox.services import message_enqueue
from outbox.sms import sms_text
from placements.models import PlacementShift
from staffing.models import Worker


def person_notify(
    *, worker: Worker, kind: str, template: str, subject: Callable[[], str], context: dict, key: str
) -> int:
    """A message to a person about their shifts, by the channels they chose (an agency temp's
    to the agency's contact), in their language; `matching/email/<template>.txt` and
    `matching/sms/<template>.txt`. Returns how many messages were queued (0: no address)."""
    _channel, email, phone = offer_addresses(worker)
    language = person_language(worker)
    queued = 0
    with translation.override(language):
        context = {**context, "worker": worker}
        if email:
            message_enqueue(
                recipient=email,
                kind=kind,
                subject=subject(),
                body=render_to_string(f"matching/email/{template}.txt", context),
                language=language,
                idempotency_key=key,
            )
            queued += 1
        if phone:
            message_enqueue(
                recipient=phone,
                channel=Message.Channel.SMS,
                kind=kind,
                body=sms_text(render_to_string(f"matching/sms/{template}.txt", context)),
                language=language,
                idempotency_key=f"{key}:sms",
            )
            queued += 1
    return queued


def _tell_waiting_offers(shift_ids: list[int]) -> int:
    waiting = list(
        Offer.objects.pending()
        .filter(shift__in=shift_ids)
        .select_related("worker", "shift__need__unit", "shift__need__qualification")
    )
    for offer in waiting:
        offer_tell_withdrawn(offer, changed=True)
    return len(waiting)


def people_tell_shifts_changed(*, shift_ids: list[int], **_context: object) -> int:
    return _tell_waiting_offers(shift_ids)


def people_tell_shifts_cancelled(*, need, shift_ids: list[int], reason: str, **_context) -> int:
    told = _tell_waiting_offers(shift_ids)
    # placements (registered before matching) has just made these inactive and ended the
    # placements with nothing left; an erased person has no address and is skipped
    rows = list(
        PlacementShift.objects.filter(shift__in=shift_ids)
        .select_related("worker__agency", "placement", "shift")
        .order_by("worker_id", "start")
    )
    by_worker: dict[int, list[PlacementShift]] = defaultdict(list)
    for ps in rows:
        by_worker[ps.worker_id].append(ps)
    still_on = set(
        PlacementShift.objects.filter(
            placement__in={ps.placement_id for ps in rows}, is_active=True
        ).values_list("placement_id", flat=True)
    )
    for worker_id, shifts in by_worker.items():
        worker = shifts[0].worker
        ended = any(ps.placement_id not in still_on for ps in shifts)
        unit = need.unit
        sent = person_notify(
            worker=worker,
            kind="matching.shifts_cancelled",
            template="shifts_cancelled",
            subject=lambda unit=unit: (
                _("Your shift at %(unit)s is cancelled") % {"unit": unit.name}
            ),
            context={
                "unit": unit,
                "shifts": shifts,
                "first": shifts[0],
                "reason": reason,
                "ended": ended,
                "for_agency": worker.source == "agency",
            },
            key=(
                f"matching.shifts_cancelled:{worker_id}:"
                + ",".join(str(ps.shift_id) for ps in shifts)
            ),
        )
        told += 1 if sent else 0
    return told
