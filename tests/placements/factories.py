import datetime as dt

import factory
from django.utils import timezone

from accounts.models import Role
from needs.models import Need, Shift
from placements.models import Placement, PlacementShift
from placements.services import placement_checklist_create
from staffing.models import WorkerSource
from tests.staffing.factories import (
    AgencyFactory,
    ITSystemFactory,
    QualificationFactory,
    UnitFactory,
    UserFactory,
    WorkerFactory,
)


class PlacementFactory(factory.django.DjangoModelFactory):
    """A placement with one need and `shifts` shifts; use `make_placement` to add a checklist."""

    class Meta:
        model = Placement
        skip_postgeneration_save = True

    worker = factory.SubFactory(WorkerFactory, source=WorkerSource.VOLUNTEER)
    unit = factory.SubFactory(UnitFactory)
    need = factory.LazyAttribute(
        lambda o: Need.objects.create(
            unit=o.unit,
            qualification=QualificationFactory(),
            title="Sykepleier til helg",
            requires_police_certificate=o.requires_police_certificate,
            state=Need.State.SUBMITTED,
            created_by=o.approved_by,
        )
    )
    approved_by = factory.SubFactory(UserFactory, role=Role.COORDINATOR)
    approved_at = factory.LazyFunction(timezone.now)

    class Params:
        requires_police_certificate = True

    @factory.post_generation
    def shifts(self, create, extracted, **kwargs):
        if not create:
            return
        # shifts=N (default 2) daily shifts from shifts__start (default a week ahead)
        count = extracted if extracted is not None else 2
        start = kwargs.get("start") or (timezone.now() + dt.timedelta(days=7)).replace(
            hour=6, minute=30, second=0, microsecond=0
        )
        for day in range(count):
            begin = start + dt.timedelta(days=day)
            shift = Shift.objects.create(
                need=self.need, start=begin, end=begin + dt.timedelta(hours=8)
            )
            PlacementShift.objects.create(
                placement=self, shift=shift, worker=self.worker, start=shift.start, end=shift.end
            )


def make_placement(*, source=WorkerSource.VOLUNTEER, unit, systems=(), checklist=True, **kwargs):
    """A placement of a new worker from `source` at `unit` (which needs `systems`), with its
    checklist created through the service."""
    if systems:
        unit.it_systems.add(*[ITSystemFactory(name=name) for name in systems])
    worker_kwargs = {"source": source}
    if source == WorkerSource.AGENCY:
        worker_kwargs["agency"] = AgencyFactory()
    worker = kwargs.pop("worker", None) or WorkerFactory(**worker_kwargs)
    placement = PlacementFactory(worker=worker, unit=unit, **kwargs)
    if checklist:
        placement_checklist_create(placement=placement)
        placement.refresh_from_db()
    return placement
