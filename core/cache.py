"""Redis as Django's cache, with local memory standing in while Redis is unreachable.

The cache holds rate-limit counters (log-in, the volunteer form) and matching's debounce key;
none of it is worth a 500. When Redis refuses or times out, this backend answers from a
per-process local-memory cache for RETRY_SECONDS and then tries Redis again, so rate limits keep
counting (per process) and log-in, registration and saving needs go on working.
"""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 10.0


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params}
        # A Redis that hangs must not hang requests: give up quickly and fall back.
        params["OPTIONS"] = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5} | (
            params.get("OPTIONS") or {}
        )
        super().__init__(server, params)
        self._fallback = LocMemCache(
            f"fallback-{id(self)}", {"TIMEOUT": params.get("TIMEOUT", 300)}
        )
        self._down_until = 0.0

    def _call(self, name: str, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return getattr(self._fallback, name)(*args, **kwargs)
        try:
            return getattr(super(), name)(*args, **kwargs)
        except RedisError as exc:
            logger.warning(
                "cache: Redis unreachable (%s); using local memory for %ss", exc, RETRY_SECONDS
            )
            self._down_until = time.monotonic() + RETRY_SECONDS
            return getattr(self._fallback, name)(*args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self, *args, **kwargs):
        self._fallback.clear()
        return self._call("clear", *args, **kwargs)
