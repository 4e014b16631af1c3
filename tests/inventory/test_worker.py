"""On PostgreSQL + Redis: the links of an inventory go out from a real Celery worker, after
the coordinator's request has committed, and the outbox sends them."""

import time

import pytest

from config.celery import app
from inventory.models import Invitation
from outbox.models import Message
from tests.inventory.factories import staff


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_links_of_a_started_inventory(client, world):
    from celery.contrib.testing.worker import start_worker

    workers = [staff(world) for _ in range(3)]
    client.force_login(world.coordinator)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        response = client.post(
            "/resources/inventories/new/",
            {"title": "Kartlegging", "units": [world.home.pk], "valid_until": _in_days(7)},
        )
        assert response.status_code == 302
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            sent = Message.objects.filter(kind="inventory.invitation", status="sent").count()
            if sent == len(workers):
                break
            time.sleep(0.2)

    assert Invitation.objects.count() == len(workers)
    assert sent == len(workers), "the worker did not send the links within 60 s"


def _in_days(days: int) -> str:
    import datetime as dt

    from django.utils import timezone

    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()
