import re

from outbox.models import Message
from rosters.services import calendar_feed_issue
from tests.matching.factories import employee
from tests.placements.factories import make_placement


def placed(world, *, unit=None, **kwargs):
    """A placement (two shifts, a week ahead) of an employee with phone and e-mail."""
    worker = employee(world, phone="+4791234567", email="ingrid@example.test", **kwargs)
    return make_placement(unit=unit or world.home, worker=worker)


def issued_feed(world, worker=None):
    """A live calendar feed and its token, read back from the e-mail as the person would."""
    worker = worker or employee(world, email="kari@example.test")
    feed = calendar_feed_issue(worker=worker, by=world.coordinator)
    message = Message.objects.filter(kind="rosters.calendar_link").latest("pk")
    token = re.search(r"/calendar/([A-Za-z0-9_-]+)/\n", message.body).group(1)
    return feed, token


def placed_on(world, shift, *, ready=False, **kwargs):
    """A placement of a new employee on exactly this shift (its checklist created)."""
    from django.utils import timezone

    from placements.models import PlacementShift

    kwargs.setdefault("phone", "+4791234567")
    worker = employee(world, **kwargs)
    placement = make_placement(unit=shift.need.unit, worker=worker, need=shift.need, shifts=0)
    PlacementShift.objects.create(
        placement=placement, shift=shift, worker=worker, start=shift.start, end=shift.end
    )
    if ready:
        placement.ready_at = timezone.now()
        placement.save(update_fields=["ready_at"])
    return placement
