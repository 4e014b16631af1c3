"""A per-address counter in Django's cache for the public form."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from volunteers.rules import parse_rate


def _key(request: HttpRequest) -> str:
    # REMOTE_ADDR only: a forwarded header is set by the client unless a trusted proxy
    # rewrites REMOTE_ADDR for us.
    return f"volunteers:register:{request.META.get('REMOTE_ADDR', 'unknown')}"


def is_limited(request: HttpRequest) -> bool:
    limit, _window = parse_rate(settings.DUGNAD["REGISTRATION_RATE_LIMIT"])
    return (cache.get(_key(request)) or 0) >= limit


def hit(request: HttpRequest) -> None:
    _limit, window = parse_rate(settings.DUGNAD["REGISTRATION_RATE_LIMIT"])
    key = _key(request)
    if cache.add(key, 1, timeout=window):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
