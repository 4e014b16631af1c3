"""Who else holds a person: the apps above staffing register here what to do when a worker
is erased, and what keeps a worker from being erased by the retention job.

Staffing sits below placements and matching and may not import them; `worker_erase` calls
every registered eraser instead, inside its transaction. Each app registers in its
`AppConfig.ready()`, so one call reaches every table that holds the person.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

# eraser(*, worker, by) -> None: called before the worker row itself is anonymised, so it can
# still read the person's name (to scrub it from stored texts).
Eraser = Callable[..., None]
_erasers: list[Eraser] = []
# in_use() -> queryset of worker ids that must be kept (e.g. on an active placement)
_in_use: list[Callable[[], QuerySet]] = []


def register(fn: Eraser) -> Eraser:
    if fn not in _erasers:
        _erasers.append(fn)
    return fn


def register_in_use(fn: Callable[[], QuerySet]) -> Callable[[], QuerySet]:
    if fn not in _in_use:
        _in_use.append(fn)
    return fn


def erase_everywhere(*, worker: Any, by: Any = None) -> None:
    for eraser in _erasers:
        eraser(worker=worker, by=by)


def workers_in_use() -> list[QuerySet]:
    """Querysets of worker ids another app still needs (exclude each with `__in`)."""
    return [fn() for fn in _in_use]
