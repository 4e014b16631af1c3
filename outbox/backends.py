"""How a message of one channel leaves. E-mail goes through Django's mail backends (SMTP, the
demo's files, locmem in tests); SMS providers plug in the same way:

    DUGNAD["OUTBOX_BACKENDS"] = {"email": "outbox.backends.EmailBackend",
                                 "sms": "myprovider.SmsBackend"}

A backend sends one message, raises on failure (the outbox retries with backoff) and may return
the provider's id of the message (kept for delivery receipts)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from outbox.models import Message


class Backend:
    def send(self, message: Message) -> str | None:
        raise NotImplementedError


class EmailBackend(Backend):
    def send(self, message: Message) -> str | None:
        email = EmailMultiAlternatives(
            subject=message.subject, body=message.body, to=[message.recipient]
        )
        if message.html_body:
            email.attach_alternative(message.html_body, "text/html")
        for attachment in message.attachments:
            email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
        email.send()
        return None


class MemorySmsBackend(Backend):
    """Keeps SMS in memory (tests), like Django's locmem mail backend."""

    outbox: ClassVar[list[tuple[str, str]]] = []

    def send(self, message: Message) -> str | None:
        self.outbox.append((message.recipient, message.body))
        return f"memory-{len(self.outbox)}"


def backend_for(channel: str) -> Backend:
    path = settings.DUGNAD["OUTBOX_BACKENDS"].get(channel)
    if not path:
        raise ImproperlyConfigured(f"no outbox backend for the channel {channel!r}")
    return import_string(path)()
