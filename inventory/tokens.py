"""The personal link: a random token whose hash alone is stored, and a link derived from that
hash for reminders (the random token cannot be rebuilt). A leaf: selectors find by token,
services issue one."""

import hmac
import re

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

from core.tokens import new_token as new_token
from core.tokens import token_hash as token_hash

LINK_SALT = "inventory.personal-link"
RANDOM_RE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
DERIVED_RE = re.compile(r"^(\d{1,18})x([0-9a-f]{48})$")


def _digest(pk: int, stored_hash: str) -> str:
    return salted_hmac(LINK_SALT, f"{pk}:{stored_hash}", algorithm="sha256").hexdigest()[:48]


def link_token(invitation) -> str:
    return f"{invitation.pk}x{_digest(invitation.pk, invitation.token_hash)}"


def derived_pk(token: str) -> int | None:
    match = DERIVED_RE.match(token)
    return int(match.group(1)) if match else None


def derived_matches(token: str, invitation) -> bool:
    expected = link_token(invitation)
    return hmac.compare_digest(expected, token)


def is_random_token(token: str) -> bool:
    return bool(RANDOM_RE.match(token)) and not DERIVED_RE.match(token)


def link_url(token: str) -> str:
    return settings.SITE_URL + reverse("inventory_link:answer", kwargs={"token": token})
