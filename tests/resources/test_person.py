import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone, translation

from staffing.models import AuditEntry, WorkerSource
from tests.matching.factories import employee, proposal_in_home
from tests.placements.factories import make_placement
from tests.staffing.factories import AvailabilityFactory

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def _next_monday() -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=7 - today.weekday())


def test_coordinator_opens_a_person_and_sees_the_week_and_placements(client, world):
    worker = employee(world, "sykepleier", available=False, wants_more=True)
    monday = _next_monday()
    tuesday_7 = dt.datetime.combine(monday + dt.timedelta(days=1), dt.time(7), tzinfo=OSLO)
    AvailabilityFactory(worker=worker, start=tuesday_7, end=tuesday_7 + dt.timedelta(hours=8))
    thursday_15 = dt.datetime.combine(monday + dt.timedelta(days=3), dt.time(15), tzinfo=OSLO)
    placement = make_placement(
        unit=world.home,
        worker=worker,
        source=WorkerSource.EMPLOYEE,
        shifts=1,
        shifts__start=thursday_15,
    )
    proposal_in_home(world, worker=worker)
    client.force_login(world.coordinator)

    year, week, _ = monday.isocalendar()
    response = client.get(f"/resources/{worker.pk}/", {"week": f"{year}-W{week:02d}"})

    assert response.status_code == 200
    days = response.context["week"]
    assert [day["date"] for day in days] == [monday + dt.timedelta(days=n) for n in range(7)]
    tuesday, thursday = days[1]["stretches"], days[3]["stretches"]
    assert [(s.kind, s.start, s.end) for s in tuesday] == [("available", dt.time(7), dt.time(15))]
    assert [(s.kind, s.label, s.detail) for s in thursday] == [
        ("shift", world.home.name, "in onboarding")
    ]
    assert days[0]["stretches"] == []
    [row] = response.context["placements"]
    assert row["placement"] == placement and not row["readiness"].ready
    assert response.context["proposals"].count() == 1
    html = response.content.decode()
    assert f'href="tel:{worker.phone}"' in html and f'href="mailto:{worker.email}"' in html
    assert f'href="sms:{worker.phone}"' in html
    entry = AuditEntry.objects.get(object_id=worker.pk, field="record_opened")
    assert entry.actor == world.coordinator


def test_a_night_shift_is_shown_on_both_days(client, world):
    worker = employee(world, available=False)
    monday = _next_monday()
    night = dt.datetime.combine(monday, dt.time(22), tzinfo=OSLO)
    AvailabilityFactory(worker=worker, start=night, end=night + dt.timedelta(hours=9))
    client.force_login(world.coordinator)
    year, week, _ = monday.isocalendar()
    days = client.get(f"/resources/{worker.pk}/", {"week": f"{year}-W{week:02d}"}).context["week"]
    assert [(s.start, s.end) for s in days[0]["stretches"]] == [(dt.time(22), dt.time(23, 59))]
    assert [(s.start, s.end) for s in days[1]["stretches"]] == [(dt.time(0), dt.time(7))]


@pytest.mark.parametrize("week", ["2026-W60", "yesterday", "2026-W1"])
def test_a_bad_week_is_refused_and_nothing_is_logged(client, world, week):
    worker = employee(world)
    client.force_login(world.coordinator)
    response = client.get(f"/resources/{worker.pk}/", {"week": week})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(field="record_opened").exists()


def test_unit_leaders_never_open_a_person_even_their_own_staff(client, world):
    worker = employee(world)  # home unit: the leader's ward
    for leader in (world.leader, world.leader2):
        client.force_login(leader)
        assert client.get(f"/resources/{worker.pk}/").status_code == 403
    assert not AuditEntry.objects.filter(field="record_opened").exists()


def test_an_unknown_person_is_not_found(client, world):
    client.force_login(world.coordinator)
    assert client.get("/resources/999999/").status_code == 404
