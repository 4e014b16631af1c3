import datetime as dt

import factory
from django.utils import timezone

from needs.models import Need, Shift
from placements.models import Placement, PlacementShift
from tests.staffing.factories import (
    QualificationFactory,
    UnitFactory,
    UserFactory,
    WorkerFactory,
)


def tomorrow_at(hour: int, minute: int = 0, days: int = 1) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    unit = factory.SubFactory(UnitFactory)
    qualification = factory.SubFactory(QualificationFactory)
    title = factory.Sequence(lambda n: f"Behov {n}")
    state = Need.State.SUBMITTED
    created_by = factory.SubFactory(UserFactory)
    submitted_at = factory.LazyFunction(timezone.now)


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift

    need = factory.SubFactory(NeedFactory)
    start = factory.LazyFunction(lambda: tomorrow_at(7, 30))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=8))
    headcount = 1


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    worker = factory.SubFactory(WorkerFactory)
    need = factory.SubFactory(NeedFactory)
    unit = factory.LazyAttribute(lambda o: o.need.unit)
    approved_by = factory.SubFactory(UserFactory)
    approved_at = factory.LazyFunction(timezone.now)


def place(shift: Shift, *, worker=None, placement=None, ready: bool = False) -> PlacementShift:
    """An approved placement of a worker on a shift (what matching's approval creates)."""
    if placement is None:
        placement = PlacementFactory(
            need=shift.need,
            worker=worker or WorkerFactory(),
            ready_at=timezone.now() if ready else None,
        )
    return PlacementShift.objects.create(
        placement=placement,
        shift=shift,
        worker=placement.worker,
        start=shift.start,
        end=shift.end,
    )
