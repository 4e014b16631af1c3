"""A matching run's large independent blocks solved by other Celery workers.

The engine hands over the blocks it may solve elsewhere as JSON payloads (matching.engine.remote:
the block's slots, candidates with bookings and arcs, nothing from the database). Here each
payload becomes one task; the worker that takes it solves it and puts the JSON result in the
cache (Redis, shared by every worker; there is no Celery result backend), where the run
gathers the results in the blocks' order. The answer does not depend on which worker solved
what.

A block nobody picks up within MATCHING_REMOTE_PICKUP_SECONDS (every other worker busy, or
a single worker process: the one running the run) or whose worker does not answer in time is
solved by the run itself, and the late task finds the run gone and does nothing.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

KEY = "matching:block:{token}:{index}:{what}"
# results and markers outlive any run by far, and then go by themselves
TTL_SECONDS = 3600
# how long past its own time limit a started block may take (loading, pickling, the cache)
GRACE_SECONDS = 30


def _key(token: str, index: int | str, what: str) -> str:
    return KEY.format(token=token, index=index, what=what)


def block_solve(token: str, index: int, payload: dict[str, Any]) -> bool:
    """The worker's side. False when the run no longer waits for this block."""
    from matching.engine.worker import solve_payload

    if cache.get(_key(token, "all", "done")):
        return False
    cache.set(_key(token, index, "started"), True, TTL_SECONDS)
    result = solve_payload(payload)
    cache.set(_key(token, index, "result"), result, TTL_SECONDS)
    return True


def celery_block_map(payloads: list[dict[str, Any]]) -> list[dict[str, Any] | None]:
    """The run's side: a BlockMap that sends each payload as a task and gathers the results
    (None for a block nobody solved in time: the engine then solves it itself)."""
    from core.tasks_by_name import task_send

    token = uuid.uuid4().hex
    n = len(payloads)
    for i, payload in enumerate(payloads):
        task_send("matching.tasks.matching_block_solve", args=(token, i, payload))
    pickup = float(settings.DUGNAD["MATCHING_REMOTE_PICKUP_SECONDS"])
    t0 = time.monotonic()
    limits = [float(p["time_limit_s"]) + GRACE_SECONDS for p in payloads]
    results: list[dict[str, Any] | None] = [None] * n
    waiting = set(range(n))
    try:
        while waiting:
            found = cache.get_many([_key(token, i, "result") for i in waiting])
            for i in list(waiting):
                value = found.get(_key(token, i, "result"))
                if value is not None:
                    results[i] = value
                    waiting.discard(i)
            if not waiting:
                break
            elapsed = time.monotonic() - t0
            started = cache.get_many([_key(token, i, "started") for i in waiting])
            late = [
                i
                for i in waiting
                if (elapsed > pickup and _key(token, i, "started") not in started)
                or elapsed > limits[i]
            ]
            if late and len(late) == len(waiting):
                logger.info("matching blocks %s not solved elsewhere in time", sorted(late))
                break
            time.sleep(0.05)
    finally:
        cache.set(_key(token, "all", "done"), True, TTL_SECONDS)
    return results
