"""Plain pytest: the engine tests need no Django, database or settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from matching.engine import Arc, Candidate, Instance, Interval, Params, Slot

OSLO = ZoneInfo("Europe/Oslo")


def oslo(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=OSLO)


def utc(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def slot(sid: str, start: datetime, hours: float, cost: float = 1000.0) -> Slot:
    return Slot(sid, start, start + timedelta(hours=hours), cost)


def one_candidate(
    slots: list[Slot],
    booked: tuple[Interval, ...] = (),
    params: Params | None = None,
    cost: float = 100.0,
) -> Instance:
    return Instance(
        params or Params(),
        tuple(slots),
        (Candidate("c", booked),),
        tuple(Arc(s.id, "c", cost) for s in slots),
    )
