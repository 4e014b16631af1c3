from functools import partial

from allauth.account.adapter import DefaultAccountAdapter
from django.core.mail import EmailMessage
from django.utils.translation import get_language

from core.clientip import client_ip
from outbox.services import message_enqueue


class StaffAccountAdapter(DefaultAccountAdapter):
    """Staff accounts are created by administrators; there is no public sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_client_ip(self, request) -> str:
        # The log-in's rate limits count per client behind the trusted proxies, like the
        # volunteer form's.
        return client_ip(request)

    def render_mail(self, template_prefix, email, context, headers=None) -> EmailMessage:
        # allauth's e-mail (a password reset) leaves through the outbox, not inside the request.
        message = super().render_mail(template_prefix, email, context, headers=headers)
        kind = "accounts." + template_prefix.rsplit("/", 1)[-1]
        message.send = partial(_enqueue, message, kind)
        return message


def _enqueue(message: EmailMessage, kind: str, fail_silently: bool = False) -> int:
    html = next(
        (
            body
            for body, mimetype in getattr(message, "alternatives", [])
            if mimetype == "text/html"
        ),
        "",
    )
    for recipient in message.to:
        message_enqueue(
            recipient=recipient,
            kind=kind,
            subject=message.subject,
            body=message.body,
            html_body=html,
            language=get_language() or "",
        )
    return len(message.to)
