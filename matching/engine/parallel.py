"""Threads for the engine: the compiled schedule search (numba, nogil) and HiGHS both
release the GIL, so threads use the machine's cores without copying an instance into
other processes (which would also double the memory).

Results never depend on the number of workers: work is split into independent pieces
(people, blocks) whose answers are put together in a fixed order.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

_LOCK = threading.Lock()
_POOLS: dict[tuple[str, int], ThreadPoolExecutor] = {}


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def resolve(workers: int | None) -> int:
    return default_workers() if not workers or workers < 1 else int(workers)


def pool(kind: str, workers: int) -> ThreadPoolExecutor:
    """One long-lived pool per kind ("blocks", "pricing") and size: pricing runs inside
    block tasks, so the two must not share threads (a block waiting on its pricing would
    hold the thread the pricing needs)."""
    key = (kind, workers)
    with _LOCK:
        if key not in _POOLS:
            _POOLS[key] = ThreadPoolExecutor(workers, thread_name_prefix=f"engine-{kind}")
        return _POOLS[key]
