import datetime as dt

from django.utils import timezone

from community.models import Frequency, HelpRequest, Kind, Task, TaskOffer
from community.services import help_request_submit, task_create, task_offer_send
from tests.volunteers.factories import VolunteerFactory
from volunteers.models import Status


def help_data(world, **extra) -> dict:
    data = {
        "kind": Kind.SHOPPING,
        "description": "Handler på Kiwi, ringer på døra to ganger.",
        "frequency": Frequency.ONCE,
        "wanted_on": timezone.localdate() + dt.timedelta(days=1),
        "time_of_day": "morning",
        "urgent": False,
        "district": world.north,
        "language": None,
        "first_name": "Astrid",
        "address": "Storgata 1, 3015 Drammen",
        "phone": "+4791111111",
        "relation": "self",
        "requester_name": "",
        "requester_phone": "",
    }
    data.update(extra)
    return data


def help_request(world, **extra) -> HelpRequest:
    return help_request_submit(data=help_data(world, **extra))


def general_volunteer(world, **extra):
    extra.setdefault("district", world.north)
    extra.setdefault("status", Status.GENERAL_VOLUNTEER)
    extra.setdefault("wants_contract", False)
    extra.setdefault("general_tasks", "shopping")
    extra.setdefault("available_from", timezone.localdate())
    return VolunteerFactory(**extra)


def task_for(world, *, request=None, frequency=Frequency.ONCE, days=1, weeks=0) -> Task:
    request = request or help_request(world)
    first = timezone.localdate() + dt.timedelta(days=days)
    return task_create(
        help_request=request,
        by=world.volunteer_coordinator,
        first_on=first,
        frequency=frequency,
        last_on=first + dt.timedelta(weeks=weeks),
    )


def sent_task(world, volunteers, **kwargs) -> tuple[Task, list[TaskOffer]]:
    task = task_for(world, **kwargs)
    offers, refused = task_offer_send(
        task=task, volunteer_ids=[v.pk for v in volunteers], by=world.volunteer_coordinator
    )
    assert not refused, refused
    task.refresh_from_db()
    return task, offers
