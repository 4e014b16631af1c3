import datetime as dt
import re

from django.utils import timezone

from inventory.services import inventory_invitations_send, inventory_start
from outbox.models import Message
from staffing.models import WorkerSource
from tests.staffing.factories import EmployeeProfileFactory, WorkerFactory

LINK_RE = re.compile(r"/inventory/([A-Za-z0-9_-]+)/")


def staff(world, unit=None, **kwargs):
    worker = WorkerFactory(source=WorkerSource.EMPLOYEE, home_district=world.north, **kwargs)
    EmployeeProfileFactory(worker=worker, home_unit=unit or world.ward)
    return worker


def started(world, units=None, **kwargs):
    """An inventory started and its links sent (the task's work, done here at once: tests
    run inside a transaction that never commits)."""
    inventory = inventory_start(
        title=kwargs.pop("title", "Kartlegging Nordtun"),
        units=units or [world.home],
        valid_until=kwargs.pop("valid_until", timezone.localdate() + dt.timedelta(days=14)),
        by=world.coordinator,
        **kwargs,
    )
    inventory_invitations_send(inventory_id=inventory.pk)
    return inventory


def link_token(worker, kind="inventory.invitation") -> str:
    message = Message.objects.filter(kind=kind, recipient=worker.email).latest("pk")
    return LINK_RE.search(message.body).group(1)


def answer_data(world, **overrides) -> dict:
    today = timezone.localdate()
    data = {
        "qualifications": [world.quals["helsefagarbeider"].pk],
        "hpr_number": "",
        "experience_years": "4",
        "experience": "Sykehjem, demensavdeling.",
        "skills": [],
        "languages": [],
        "willing": "yes",
        "capacity": "days",
        "weekdays": ["1", "2", "3", "4", "5", "6", "7"],
        "time_from": "07:00",
        "time_to": "19:00",
        "share_percent": "",
        "available_from": today.isoformat(),
        "available_to": (today + dt.timedelta(days=30)).isoformat(),
    }
    data.update(overrides)
    return data
