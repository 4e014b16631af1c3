"""Writes of the outbox: queue a message inside the caller's transaction, send one message
exactly once, and pick up whatever a down broker or a dead worker left behind.

A message leaves like this: `message_enqueue` writes the row and, when the caller's transaction
commits, hands its pk to the Celery task `outbox.tasks.message_send`. The task claims the row
with a conditional UPDATE (queued -> sending; a second delivery of the same pk finds nothing to
claim), sends it with no transaction open and no row locked, and marks it sent. A failure puts
it back in the queue with `not_before` = now + backoff and re-dispatches it with that countdown;
after DUGNAD["OUTBOX_MAX_ATTEMPTS"] it is marked failed. If the broker is down the row simply
stays queued: beat's `outbox_redispatch` (every minute) and `manage.py outbox_flush` send it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from outbox.backends import PermanentSendError, backend_for
from outbox.inbound import inbound_handlers
from outbox.models import DELIVERY_RANK, InboundMessage, Message
from outbox.sms import normalise_number, number_hash

logger = logging.getLogger(__name__)

# Normal dispatch happens at commit; a due message still queued after this long was missed
# (broker down, or a countdown lost) and is sent again by beat.
REDISPATCH_AFTER = dt.timedelta(minutes=1)
KEY_LENGTH = Message._meta.get_field("idempotency_key").max_length


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str
    mimetype: str = "text/plain"


def message_enqueue(
    *,
    recipient: str,
    kind: str,
    body: str,
    subject: str = "",
    channel: str = Message.Channel.EMAIL,
    language: str = "",
    html_body: str = "",
    attachments: Sequence[Attachment] = (),
    idempotency_key: str | None = None,
    not_before: dt.datetime | None = None,
) -> Message:
    """Queue one message inside the caller's transaction; it is dispatched when that commits
    (and never if it rolls back). A second call with the same idempotency key returns the first
    message and queues nothing."""
    if channel == Message.Channel.SMS:
        number = normalise_number(recipient)
        if number is None:
            raise ValidationError("not a valid mobile number", code="sms_number")
        recipient = number
    key = idempotency_key or f"{kind}:{uuid.uuid4().hex}"
    if len(key) > KEY_LENGTH:  # a long address in the key
        key = f"{key[: KEY_LENGTH - 65]}:{hashlib.sha256(key.encode()).hexdigest()}"
    message = Message(
        channel=channel,
        recipient=recipient,
        kind=kind,
        subject=subject[:255],
        body=body,
        html_body=html_body,
        attachments=[
            {"filename": a.filename, "content": a.content, "mimetype": a.mimetype}
            for a in attachments
        ],
        language=language,
        idempotency_key=key,
        not_before=not_before,
    )
    if idempotency_key is None:
        message.save(force_insert=True)  # a fresh random key: no savepoint needed
    else:
        try:
            with transaction.atomic():
                message.save(force_insert=True)
        except IntegrityError:
            existing = Message.objects.filter(idempotency_key=key).first()
            if existing is None:
                raise
            return existing
    transaction.on_commit(partial(message_dispatch, message_id=message.pk))
    return message


def message_dispatch(*, message_id: int, countdown: float | None = None) -> bool:
    """Hand a message to the broker. A broker that is down is logged, not raised: the row stays
    queued for beat or the flush command."""
    from outbox.tasks import message_send

    if countdown and message_send.app.conf.task_always_eager:
        # In-process tasks cannot wait; `outbox_flush` sends the retry when it is due.
        return False
    try:
        message_send.apply_async((message_id,), countdown=countdown)
    except Exception:
        logger.warning("outbox: message %s not dispatched (broker unavailable)", message_id)
        return False
    return True


def retry_delay(attempts: int) -> dt.timedelta:
    base = settings.DUGNAD["OUTBOX_RETRY_SECONDS"]
    cap = settings.DUGNAD["OUTBOX_RETRY_MAX_SECONDS"]
    return dt.timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def message_send(*, message_id: int, ignore_not_before: bool = False) -> str:
    """Send one queued message if this call wins the claim. Returns "sent", "retry", "failed"
    or "skipped" (someone else claimed it, it is already sent, or it is not due yet).

    Call it outside any transaction: the claim must commit before the send starts."""
    now = timezone.now()
    due = Q() if ignore_not_before else Q(not_before__isnull=True) | Q(not_before__lte=now)
    claimed = Message.objects.filter(due, pk=message_id, status=Message.Status.QUEUED).update(
        status=Message.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if claimed != 1:
        return "skipped"
    message = Message.objects.get(pk=message_id)
    pace(message.channel)
    try:
        external_id = backend_for(message.channel).send(message)
    except Exception as exc:
        return _message_failed(message, exc)
    Message.objects.filter(pk=message_id, status=Message.Status.SENDING).update(
        status=Message.Status.SENT,
        sent_at=timezone.now(),
        last_error="",
        not_before=None,
        external_id=(external_id or "")[:100],
    )
    return "sent"


def _message_failed(message: Message, exc: Exception) -> str:
    # The error text may name the address; it is kept in the row (admins only), and the log gets
    # only the message's number and the kind of error.
    error = f"{type(exc).__name__}: {exc}"[:2000]
    permanent = isinstance(exc, ImproperlyConfigured | PermanentSendError)
    if permanent or message.attempts >= settings.DUGNAD["OUTBOX_MAX_ATTEMPTS"]:
        Message.objects.filter(pk=message.pk, status=Message.Status.SENDING).update(
            status=Message.Status.FAILED, last_error=error
        )
        logger.error(
            "outbox: message %s (%s) failed after %s attempts: %s",
            message.pk,
            message.kind,
            message.attempts,
            type(exc).__name__,
        )
        return "failed"
    delay = retry_delay(message.attempts)
    Message.objects.filter(pk=message.pk, status=Message.Status.SENDING).update(
        status=Message.Status.QUEUED, not_before=timezone.now() + delay, last_error=error
    )
    logger.warning(
        "outbox: message %s (%s) not sent, attempt %s, retry in %ss: %s",
        message.pk,
        message.kind,
        message.attempts,
        int(delay.total_seconds()),
        type(exc).__name__,
    )
    message_dispatch(message_id=message.pk, countdown=delay.total_seconds())
    return "retry"


def pace(channel: str) -> None:
    """Hold a send back to DUGNAD_OUTBOX_RATE_PER_SECOND[channel] messages a second across
    every worker (a counter per second in the cache, Redis when there is one): a bulk send of
    offers leaves at the rate the provider takes, instead of meeting its rate limit."""
    rate = settings.DUGNAD["OUTBOX_RATE_PER_SECOND"].get(channel) or 0
    if rate <= 0:
        return
    while True:
        now = time.time()
        key = f"outbox:pace:{channel}:{int(now)}"
        cache.add(key, 0, timeout=5)
        try:
            taken = cache.incr(key)
        except ValueError:  # the key expired between add and incr
            continue
        if taken <= rate:
            return
        time.sleep(int(now) + 1 - now + 0.001)


def message_delivery_update(
    *, channel: str, external_id: str, status: str, error: str = ""
) -> Message | None:
    """A delivery receipt: the provider says what became of a message it took. Receipts come
    out of order and more than once; a later stage is never overwritten by an earlier one."""
    if not external_id or status not in DELIVERY_RANK or not status:
        return None
    with transaction.atomic():
        message = (
            Message.objects.select_for_update()
            .filter(channel=channel, external_id=external_id)
            .first()
        )
        if message is None:
            return None
        if DELIVERY_RANK[status] < DELIVERY_RANK[message.delivery_status]:
            return message
        message.delivery_status = status
        message.delivery_error = error[:100] if status == Message.DeliveryStatus.FAILED else ""
        message.delivery_updated_at = timezone.now()
        message.save(update_fields=["delivery_status", "delivery_error", "delivery_updated_at"])
    return message


def messages_release_stale() -> int:
    """Put back in the queue the messages a worker claimed and never finished (it died while
    sending). Such a message may have left before the worker died: this is the one case where a
    message can go out twice, and it takes a crash mid-send."""
    timeout = dt.timedelta(minutes=settings.DUGNAD["OUTBOX_SENDING_TIMEOUT_MINUTES"])
    return Message.objects.filter(
        status=Message.Status.SENDING, claimed_at__lt=timezone.now() - timeout
    ).update(
        status=Message.Status.QUEUED,
        last_error="The worker stopped while sending; sent again.",
    )


def _due(*, now: dt.datetime, grace: dt.timedelta, ignore_not_before: bool = False):
    queued = Message.objects.filter(status=Message.Status.QUEUED)
    if ignore_not_before:
        return queued
    return queued.filter(
        Q(not_before__isnull=True, created_at__lte=now - grace) | Q(not_before__lte=now - grace)
    )


def messages_redispatch(*, limit: int = 1000) -> int:
    """Beat: hand the broker again every message that should have left a minute ago."""
    messages_release_stale()
    ids = list(
        _due(now=timezone.now(), grace=REDISPATCH_AFTER)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    dispatched = 0
    for message_id in ids:
        if not message_dispatch(message_id=message_id):
            break
        dispatched += 1
    return dispatched


def messages_flush(*, ignore_not_before: bool = False, retry_failed: bool = False) -> Counter:
    """Send every due queued message in this process, without the broker (the command
    `outbox_flush`). With `retry_failed`, failed messages get a fresh set of attempts first."""
    if retry_failed:
        Message.objects.filter(status=Message.Status.FAILED).update(
            status=Message.Status.QUEUED, attempts=0, not_before=None
        )
    messages_release_stale()
    ids = list(
        _due(now=timezone.now(), grace=dt.timedelta(0), ignore_not_before=ignore_not_before)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    outcomes: Counter = Counter()
    for message_id in ids:
        outcomes[message_send(message_id=message_id, ignore_not_before=ignore_not_before)] += 1
    return outcomes


def messages_purge(*, older_than_days: int | None = None) -> int:
    """Delete sent and failed messages after the retention period: they hold addresses and
    personal links, and once delivered they are only a record."""
    days = settings.DUGNAD["OUTBOX_KEEP_DAYS"] if older_than_days is None else older_than_days
    cutoff = timezone.now() - dt.timedelta(days=days)
    deleted, _ = Message.objects.filter(
        status__in=[Message.Status.SENT, Message.Status.FAILED], created_at__lt=cutoff
    ).delete()
    inbound, _ = InboundMessage.objects.filter(received_at__lt=cutoff).delete()
    return deleted + inbound


def messages_erase_for_recipient(*, recipient: str) -> int:
    """Forget every message to an address or number (a person withdrew): the ones waiting are
    not sent."""
    if not recipient:
        return 0
    deleted, _ = Message.objects.filter(recipient__iexact=recipient).delete()
    return deleted


# --- incoming SMS ----------------------------------------------------------------------------


def _both_languages(text_nb: str, text_en: str) -> str:
    return f"{text_nb} / {text_en}"


def sms_inbound_receive(*, provider_id: str, sender: str, text: str) -> InboundMessage | None:
    """One incoming SMS: recorded (minimised), handed to the first handler that knows the
    number, and answered through the outbox. A second delivery of the same provider id does
    nothing. An unknown number or a text that is no answer changes nothing and gets a polite
    reply (to an unknown number at most once a day, so two robots cannot talk forever)."""
    from django.utils import translation
    from django.utils.translation import gettext as _

    number = normalise_number(sender)
    text = (text or "")[:2000]
    now = timezone.now()
    record = InboundMessage(
        provider_id=provider_id[:100],
        received_at=now,
        sender_hash=number_hash(number or sender or "-"),
        sender_hint=(number or "")[-2:],
        length=len(text),
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                record.save(force_insert=True)
        except IntegrityError:
            return None  # the provider sent it again
        reply = None
        if number is not None:
            for name, handler in inbound_handlers():
                reply = handler(number, text)
                if reply is not None:
                    record.handled_by = name[:40]
                    break
        if reply is None:
            record.outcome = InboundMessage.Outcome.UNKNOWN_SENDER
            answered_today = (
                InboundMessage.objects.filter(
                    sender_hash=record.sender_hash,
                    outcome=InboundMessage.Outcome.UNKNOWN_SENDER,
                    received_at__gte=now - dt.timedelta(days=1),
                )
                .exclude(pk=record.pk)
                .exists()
            )
            body = ""
            if not answered_today:
                parts = []
                for language in ("nb", "en"):
                    with translation.override(language):
                        parts.append(
                            _(
                                "Dugnad: we have nothing waiting for an answer from this number, "
                                "so nothing has changed."
                            )
                        )
                body = _both_languages(*parts)
            language = ""
        else:
            record.outcome = (
                InboundMessage.Outcome.HANDLED
                if reply.understood
                else InboundMessage.Outcome.NOT_UNDERSTOOD
            )
            record.result = reply.result[:40]
            record.text = reply.answer[:40]
            body, language = reply.reply, reply.language
        record.save(update_fields=["handled_by", "outcome", "result", "text"])
        if body and number is not None:
            message_enqueue(
                recipient=number,
                channel=Message.Channel.SMS,
                kind="outbox.sms_reply",
                body=body,
                language=language,
                idempotency_key=f"outbox.sms_reply:{record.provider_id}",
            )
    return record
