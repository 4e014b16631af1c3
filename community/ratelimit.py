"""A per-address counter in Django's cache for the public help form (as the volunteer form's)."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from core.clientip import client_ip
from volunteers.rules import parse_rate


def _key(request: HttpRequest) -> str:
    return f"community:help:{client_ip(request)}"


def is_limited(request: HttpRequest) -> bool:
    limit, _window = parse_rate(settings.DUGNAD["HELP_REQUEST_RATE_LIMIT"])
    return (cache.get(_key(request)) or 0) >= limit


def hit(request: HttpRequest) -> None:
    _limit, window = parse_rate(settings.DUGNAD["HELP_REQUEST_RATE_LIMIT"])
    key = _key(request)
    if cache.add(key, 1, timeout=window):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
