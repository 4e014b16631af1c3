"""Messages about an offer go to the person by the channels the offer went by (their choice:
e-mail, SMS or both), in their language. Each message has its template twice:
`matching/email/<name>.txt` and `matching/sms/<name>.txt` (one or two SMS segments; the test
`tests/matching/test_offer_sms.py` renders every SMS template in every language and counts)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from matching.models import Offer
from outbox.models import Message
from outbox.services import message_enqueue
from outbox.sms import sms_text
from staffing.models import Worker, WorkerSource


def offer_addresses(worker: Worker) -> tuple[str, str, str]:
    """(channel, e-mail, mobile number) an offer to this worker goes by. An agency temp's offer
    goes to the agency's contact by e-mail; everyone else's by their own choice."""
    if worker.source == WorkerSource.AGENCY and worker.agency and worker.agency.contact_email:
        return Offer.Channel.EMAIL, worker.agency.contact_email, ""
    channels = dict(worker.message_channels())
    email, phone = channels.get("email", ""), channels.get("sms", "")
    if email and phone:
        return Offer.Channel.BOTH, email, phone
    if phone:
        return Offer.Channel.SMS, "", phone
    return Offer.Channel.EMAIL, email, ""


def message_key(offer: Offer, kind: str, channel: str, suffix: str = "") -> str:
    """The outbox's idempotency key of a message about an offer: one per offer, kind and
    channel, so a repeated call never queues it twice (and the coordinator's pages find it).
    `suffix` tells apart messages of one kind sent more than once (the n-th reminder)."""
    key = f"{kind}:{offer.pk}{suffix}"
    return key if channel == Message.Channel.EMAIL else f"{key}:sms"


def offer_notify(
    *, offer: Offer, kind: str, template: str, subject: str, context: dict, key_suffix: str = ""
) -> list[Message]:
    """Queue the message `kind` about `offer` by each of its channels, in the offer's language.
    `subject` is translated by the caller inside `translation.override(offer.language)`."""
    sent: list[Message] = []
    with translation.override(offer.language):
        if offer.by_email:
            sent.append(
                message_enqueue(
                    recipient=offer.recipient,
                    kind=kind,
                    subject=subject,
                    body=render_to_string(f"matching/email/{template}.txt", context),
                    language=offer.language,
                    idempotency_key=message_key(offer, kind, Message.Channel.EMAIL, key_suffix),
                )
            )
        if offer.by_sms:
            sent.append(
                message_enqueue(
                    recipient=offer.phone,
                    channel=Message.Channel.SMS,
                    kind=kind,
                    body=sms_text(render_to_string(f"matching/sms/{template}.txt", context)),
                    language=offer.language,
                    idempotency_key=message_key(offer, kind, Message.Channel.SMS, key_suffix),
                )
            )
    return sent
