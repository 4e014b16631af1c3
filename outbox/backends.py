"""How a message of one channel leaves. E-mail goes through Django's mail backends (SMTP, the
demo's files, locmem in tests); SMS providers plug in the same way:

    DUGNAD["OUTBOX_BACKENDS"] = {"email": "outbox.backends.EmailBackend",
                                 "sms": "myprovider.SmsBackend"}

A backend sends one message, raises on failure (the outbox retries with backoff; a
`PermanentSendError` or ImproperlyConfigured marks the message failed at once) and may return
the provider's id of the message (kept for delivery receipts).

SMS backends (DUGNAD_SMS_BACKEND):
- `FileSmsBackend` (the default, for `make run`): each SMS becomes a file under var/sms/.
- `MemorySmsBackend` (tests): a list in memory.
- `TwilioSmsBackend`: Twilio's Messages API over HTTPS (DUGNAD_SMS_API_URL, _ACCOUNT_SID,
  _AUTH_TOKEN, _FROM); its delivery receipts and inbound SMS come back to the webhooks in
  `outbox/webhooks.py`, signed with X-Twilio-Signature.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import secrets
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from outbox.models import Message


logger = logging.getLogger(__name__)


class PermanentSendError(Exception):
    """The provider refused the message for good (an invalid number, a blocked recipient):
    retrying cannot help."""


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


class FileSmsBackend(Backend):
    """The demo's SMS: each one becomes a text file under DUGNAD_SMS_FILE_PATH (var/sms/), and
    the log says only that a file was written (the number and the link stay out of it)."""

    def __init__(self, file_path: str | Path | None = None) -> None:
        self.path = Path(file_path or settings.DUGNAD["SMS_FILE_PATH"])

    def send(self, message: Message) -> str | None:
        self.path.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
        external_id = f"file-{message.pk}-{secrets.token_hex(4)}"
        target = self.path / f"{stamp}-{external_id}.txt"
        target.write_text(f"To: {message.recipient}\nKind: {message.kind}\n\n{message.body}\n")
        logger.info("SMS written to %s", target)
        return external_id


class TwilioSmsBackend(Backend):
    """Twilio's Messages API: POST {api}/2010-04-01/Accounts/{sid}/Messages.json with To,
    From (or MessagingServiceSid), Body and StatusCallback, HTTP basic auth sid:token; 201 and
    the message's `sid` when taken. 4xx other than 429 is permanent; 429, 5xx and network
    errors are retried by the outbox. The outbox's idempotency key goes along as
    `Idempotency-Key` (providers that honour it drop a resent request; the outbox's claim
    already keeps a message from being sent twice)."""

    def __init__(self) -> None:
        conf = settings.DUGNAD
        self.api_url = conf["SMS_API_URL"].rstrip("/")
        self.account_sid = conf["SMS_ACCOUNT_SID"]
        self.auth_token = conf["SMS_AUTH_TOKEN"]
        self.sender = conf["SMS_FROM"]
        self.messaging_service_sid = conf["SMS_MESSAGING_SERVICE_SID"]
        self.timeout = conf["SMS_TIMEOUT_SECONDS"]
        if not (
            self.account_sid and self.auth_token and (self.sender or self.messaging_service_sid)
        ):
            raise ImproperlyConfigured(
                "Twilio SMS needs DUGNAD_SMS_ACCOUNT_SID, DUGNAD_SMS_AUTH_TOKEN and "
                "DUGNAD_SMS_FROM (or DUGNAD_SMS_MESSAGING_SERVICE_SID)"
            )

    def _status_callback(self) -> str:
        from django.urls import reverse

        return settings.SITE_URL + reverse("sms-status")

    def send(self, message: Message) -> str | None:
        fields = {"To": message.recipient, "Body": message.body}
        if self.messaging_service_sid:
            fields["MessagingServiceSid"] = self.messaging_service_sid
        else:
            fields["From"] = self.sender
        fields["StatusCallback"] = self._status_callback()
        credentials = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        request = urllib.request.Request(
            f"{self.api_url}/2010-04-01/Accounts/{self.account_sid}/Messages.json",
            data=urllib.parse.urlencode(fields).encode(),
            method="POST",
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
                "Idempotency-Key": message.idempotency_key,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            detail = _twilio_error(exc)
            if 400 <= exc.code < 500 and exc.code not in (408, 409, 429):
                if exc.code in (401, 403, 404):
                    raise ImproperlyConfigured(
                        f"SMS provider refused our account: {detail}"
                    ) from None
                raise PermanentSendError(detail) from None
            raise ConnectionError(detail) from None
        sid = payload.get("sid")
        if not sid:
            raise ConnectionError("SMS provider answered without a message id")
        return str(sid)


def _twilio_error(exc: urllib.error.HTTPError) -> str:
    # Twilio's error body: {"code": 21211, "message": "...", "status": 400}. Its message may
    # quote the number: it goes into the row's last_error (administrators), never into a log.
    try:
        body = json.loads(exc.read() or b"{}")
    except ValueError:
        body = {}
    return f"HTTP {exc.code} (code {body.get('code', '-')}): {body.get('message', '')}"[:500]


def backend_for(channel: str) -> Backend:
    path = settings.DUGNAD["OUTBOX_BACKENDS"].get(channel)
    if not path:
        raise ImproperlyConfigured(f"no outbox backend for the channel {channel!r}")
    return import_string(path)()
