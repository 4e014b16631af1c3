"""Reading what a request asks for, defensively."""

from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

# A local path with its query string never comes near this; longer is tampering.
MAX_NEXT_LENGTH = 2000


def safe_next(request: HttpRequest, fallback: str, *, field: str = "next") -> str:
    """Where to go after a form: the posted (or queried) `next` if it is a path or URL on this
    site, else `fallback` (a URL or a URL name). An address on another host, another scheme
    (`javascript:`), a control character or an absurd length falls back silently: the person
    who clicked did nothing wrong, the link was tampered with."""
    source = request.POST if request.method == "POST" else request.GET
    candidate = source.get(field, "")
    if (
        candidate
        # A path or an absolute URL; a bare word would be taken for a URL name by redirect().
        and candidate.startswith(("/", "http://", "https://"))
        and len(candidate) <= MAX_NEXT_LENGTH
        and candidate.isprintable()
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return resolve_url(fallback)
