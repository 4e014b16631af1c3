"""Personal links: only a hash of the token is stored. A leaf, so that selectors (find by
token) and services (issue a token) both use it without importing each other."""

from django.utils.crypto import salted_hmac

from core.tokens import token_hash as token_hash

LINK_SALT = "volunteers.personal-link"


def link_token(volunteer) -> str:
    """A personal link for someone registered already, without replacing the link they have.

    Only the hash of the random token is stored, so it cannot be sent again; this one is derived
    from that hash with the secret key and stops working with it (withdrawal, erasure)."""
    digest = salted_hmac(LINK_SALT, f"{volunteer.pk}:{volunteer.token_hash}", algorithm="sha256")
    return f"{volunteer.pk}x{digest.hexdigest()[:48]}"


def link_token_volunteer_pk(token: str) -> int | None:
    """The pk a derived link names, if the token is one; its signature is checked by the caller
    against the row's current hash (volunteers.selectors.volunteer_get_by_token)."""
    pk, sep, digest = token.partition("x")
    if not sep or not pk.isdigit() or len(digest) != 48 or len(pk) > 18:
        return None
    return int(pk)
