"""The client's address behind the configured number of trusted reverse proxies."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or with DUGNAD_TRUSTED_PROXY_COUNT = n > 0 the n-th address of
    X-Forwarded-For counted from the right: each trusted proxy appends the address it saw, so
    that one was written by our own outermost proxy, and whatever a client puts further left
    is ignored. A request that did not pass all proxies falls back to REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    count = settings.DUGNAD["TRUSTED_PROXY_COUNT"]
    if count <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
