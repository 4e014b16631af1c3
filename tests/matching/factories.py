import datetime as dt
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from matching.models import MatchingRun, Proposal
from needs.models import Need, Priority, Shift
from staffing.models import WorkerSource
from tests.staffing.factories import (
    AvailabilityFactory,
    EmployeeProfileFactory,
    UnitFactory,
    UserFactory,
    WorkerFactory,
)

OSLO = ZoneInfo("Europe/Oslo")


def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    """An Oslo wall-clock time `days` from today."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), OSLO)


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need
        skip_postgeneration_save = True

    unit = factory.SubFactory(UnitFactory)
    qualification = None
    title = factory.Sequence(lambda n: f"Behov {n}")
    priority = Priority.NORMAL
    state = Need.State.SUBMITTED
    created_by = factory.SubFactory(UserFactory, role="unit_leader")
    submitted_by = factory.SelfAttribute("created_by")
    submitted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def required_skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.required_skills.set(extracted)

    @factory.post_generation
    def preferred_skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.preferred_skills.set(extracted)


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift

    need = factory.SubFactory(NeedFactory)
    start = factory.LazyFunction(lambda: at(3, 7, 30))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=8))
    headcount = 1


def need_with_shifts(world, qual="helsefagarbeider", shifts=((3, 7),), hours=8, **kwargs):
    """A submitted need in the leader's unit with shifts at (days, hour) Oslo time."""
    need = NeedFactory(
        unit=kwargs.pop("unit", world.home),
        qualification=world.quals[qual],
        created_by=world.leader,
        submitted_by=world.leader,
        **kwargs,
    )
    for days, hour in shifts:
        start = at(days, hour)
        ShiftFactory(need=need, start=start, end=start + dt.timedelta(hours=hours))
    return need


def employee(
    world,
    qual="helsefagarbeider",
    *,
    percent=100,
    wants_more=False,
    district=None,
    skills=(),
    available=True,
    verified=True,
    **kwargs,
):
    worker = WorkerFactory(
        source=WorkerSource.EMPLOYEE,
        qualifications=[world.quals[qual]],
        skills=list(skills),
        home_district=district or world.north,
        verified_hpr=verified,
        **kwargs,
    )
    EmployeeProfileFactory(
        worker=worker, home_unit=world.ward, position_percent=percent, wants_more_hours=wants_more
    )
    if available:
        AvailabilityFactory(worker=worker)
    return worker


def proposal_in_home(world, worker=None, **kwargs) -> Proposal:
    """An open proposal for a shift of a need in the leader's unit."""
    need = need_with_shifts(world)
    shift = need.shifts.get()
    run = MatchingRun.objects.create(trigger="manual", status="succeeded")
    worker = worker or employee(world)
    return Proposal.objects.create(run=run, shift=shift, worker=worker, **kwargs)


def offer_sent(world, proposal=None, **kwargs):
    """Send an offer through the service and return (offer, token); the token is read back
    from the queued e-mail, as the person would."""
    import re

    from matching.offers import offer_send
    from outbox.models import Message

    proposal = proposal or proposal_in_home(world, **kwargs)
    sent, errors = offer_send(proposals=[proposal], by=world.coordinator)
    assert not errors, errors
    message = Message.objects.filter(kind="matching.offer").order_by("-pk").first()
    token = re.search(r"/offer/([A-Za-z0-9_-]+)/", message.body).group(1)
    return sent[0], token
