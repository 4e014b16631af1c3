"""One row per outgoing message (e-mail now; SMS with the offers). The row is written in the
same transaction as the change that causes it, so a message exists exactly when the change does;
its status makes "sent once" checkable."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeliveryStatus(models.TextChoices):
    """What the provider says became of a message after it took it (delivery receipts)."""

    QUEUED = "queued", _("Queued at the provider")
    SENT = "sent", _("Sent to the phone network")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Not delivered")


# A receipt never moves a message back: "delivered" then a late "sent" stays delivered.
DELIVERY_RANK = {"": 0, "queued": 1, "sent": 2, "delivered": 3, "failed": 3}


class Message(models.Model):
    DeliveryStatus = DeliveryStatus

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    recipient = models.CharField(_("recipient"), max_length=254)
    # What caused the message, as "<app>.<event>" (e.g. "placements.ready"); free text so a new
    # kind needs no migration.
    kind = models.CharField(_("kind"), max_length=64)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("body"))
    html_body = models.TextField(_("HTML body"), blank=True)
    # [{"filename": ..., "content": ..., "mimetype": ...}], text content only (CSV and the like).
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    # The provider's id for the message, for delivery receipts (SMS).
    external_id = models.CharField(_("provider's id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # What the provider reported afterwards (SMS delivery receipts); blank until it reports.
    delivery_status = models.CharField(
        _("delivery"), max_length=10, choices=DeliveryStatus.choices, blank=True
    )
    delivery_error = models.CharField(_("delivery error"), max_length=100, blank=True)
    delivery_updated_at = models.DateTimeField(_("delivery reported"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["status", "created_at"],
                name="outbox_pending_idx",
                condition=Q(status__in=["queued", "sending"]),
            ),
            models.Index(fields=["recipient"], name="outbox_recipient_idx"),
            models.Index(
                fields=["channel", "external_id"],
                name="outbox_external_id_idx",
                condition=~Q(external_id=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"


class InboundMessage(models.Model):
    """One SMS that came in (a reply to an offer, an unknown number, anything). Kept minimal:
    the number only as a keyed hash (to group replies from one number) and its last two
    digits; the text only when it was an answer a handler understood."""

    class Outcome(models.TextChoices):
        HANDLED = "handled", _("Handled")
        NOT_UNDERSTOOD = "not_understood", _("Not understood")
        UNKNOWN_SENDER = "unknown_sender", _("Unknown number")

    provider_id = models.CharField(_("provider's id"), max_length=100, unique=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    sender_hash = models.CharField(max_length=64, editable=False, db_index=True)
    sender_hint = models.CharField(_("number ends in"), max_length=4, blank=True)
    text = models.CharField(_("answer"), max_length=40, blank=True)
    length = models.PositiveIntegerField(_("characters"), default=0)
    handled_by = models.CharField(_("handled by"), max_length=40, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    result = models.CharField(_("result"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("incoming SMS")
        verbose_name_plural = _("incoming SMS")
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"SMS …{self.sender_hint} {self.outcome} ({self.received_at:%Y-%m-%d %H:%M})"
