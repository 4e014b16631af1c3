"""The SMS provider calls us here: delivery receipts and incoming SMS. Public URLs, so every
request must carry the provider's signature (Twilio's X-Twilio-Signature: base64 of
HMAC-SHA1, keyed with the auth token, over the URL it called followed by the POST parameters
sorted by name, each name then value). Without a valid one: 403 and nothing is read."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from outbox import services
from outbox.models import Message

logger = logging.getLogger(__name__)

# Twilio's message statuses and what they mean for us (others are ignored).
TWILIO_DELIVERY = {
    "accepted": "queued",
    "scheduled": "queued",
    "queued": "queued",
    "sending": "sent",
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",
    "undelivered": "failed",
    "failed": "failed",
}


def twilio_signature(*, url: str, params: dict[str, str], token: str) -> str:
    payload = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    digest = hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _signed(request: HttpRequest) -> bool:
    token = settings.DUGNAD["SMS_AUTH_TOKEN"]
    given = request.headers.get("X-Twilio-Signature", "")
    if not token or not given:
        return False
    # The URL the provider called, as we told it (SITE_URL): behind a TLS proxy the request
    # itself does not know its public scheme and host.
    url = settings.SITE_URL + request.get_full_path()
    params = {key: request.POST.get(key, "") for key in request.POST}
    expected = twilio_signature(url=url, params=params, token=token)
    return hmac.compare_digest(expected, given)


def _forbidden() -> HttpResponse:
    logger.warning("sms webhook: request without a valid signature refused")
    return HttpResponseForbidden("invalid signature")


@csrf_exempt
@require_POST
def sms_status(request: HttpRequest) -> HttpResponse:
    if not _signed(request):
        return _forbidden()
    status = TWILIO_DELIVERY.get(request.POST.get("MessageStatus", "").lower())
    if status is not None:
        error = request.POST.get("ErrorCode", "")
        services.message_delivery_update(
            channel=Message.Channel.SMS,
            external_id=request.POST.get("MessageSid", "")[:100],
            status=status,
            error=f"error {error}" if error else ("" if status != "failed" else "failed"),
        )
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
def sms_inbound(request: HttpRequest) -> HttpResponse:
    if not _signed(request):
        return _forbidden()
    provider_id = request.POST.get("MessageSid", "") or request.POST.get("SmsSid", "")
    if provider_id:
        services.sms_inbound_receive(
            provider_id=provider_id,
            sender=request.POST.get("From", ""),
            text=request.POST.get("Body", ""),
        )
    # Empty TwiML: our reply, if any, leaves through the outbox like every message.
    return HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?><Response></Response>', content_type="text/xml"
    )
