"""What the apps above needs do when shifts change, and what they count per shift.

Needs sits below placements and matching and may not import them (docs/architecture.md), yet
cancelling a shift must end its placements and drop matching's open proposals for it, and a
need's page shows how many people are proposed, approved and ready per shift. The apps above
register here in their `AppConfig.ready()`; needs calls the registered functions inside its own
transaction, so a cancelled shift and its ended placements commit together.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch, QuerySet

# fn(*, need, shift_ids: list[int], reason: str) -> None
_on_shifts_cancelled: list[Callable[..., Any]] = []
# fn(*, shift_ids: list[int]) -> None: the shifts now ask for something else (times,
# qualification, skills), so what was proposed for them no longer holds.
_on_shifts_changed: list[Callable[..., Any]] = []
# name -> fn() returning rows with a `shift` foreign key, counted per shift
_counters: dict[str, Callable[[], QuerySet]] = {}
# fn() -> Prefetch on Shift, for the shift table of a need's page
_shift_prefetches: list[Callable[[], Prefetch]] = []
# fn(*, request, need) -> str: a rendered part of a need's page below its shifts (matching shows
# the state of every slot there), or "" to show nothing
_need_sections: list[Callable[..., str]] = []


def on_shifts_cancelled(fn: Callable[..., Any]) -> Callable[..., Any]:
    if fn not in _on_shifts_cancelled:
        _on_shifts_cancelled.append(fn)
    return fn


def on_shifts_changed(fn: Callable[..., Any]) -> Callable[..., Any]:
    if fn not in _on_shifts_changed:
        _on_shifts_changed.append(fn)
    return fn


def register_counter(name: str, rows: Callable[[], QuerySet]) -> None:
    _counters[name] = rows


def register_shift_prefetch(fn: Callable[[], Prefetch]) -> None:
    if fn not in _shift_prefetches:
        _shift_prefetches.append(fn)


def register_need_section(fn: Callable[..., str]) -> Callable[..., str]:
    if fn not in _need_sections:
        _need_sections.append(fn)
    return fn


def need_sections(*, request: Any, need: Any) -> list[str]:
    return [html for fn in _need_sections if (html := fn(request=request, need=need))]


def shifts_cancelled(*, need: Any, shift_ids: list[int], reason: str) -> None:
    for fn in _on_shifts_cancelled:
        fn(need=need, shift_ids=shift_ids, reason=reason)


def shifts_changed(*, shift_ids: list[int]) -> None:
    if shift_ids:
        for fn in _on_shifts_changed:
            fn(shift_ids=shift_ids)


def counter_rows(name: str) -> QuerySet | None:
    """The rows counted as `name` ("proposed", "approved", "ready"), or None if no app
    registered that count."""
    rows = _counters.get(name)
    return rows() if rows is not None else None


def shift_prefetches() -> list[Prefetch]:
    return [fn() for fn in _shift_prefetches]
