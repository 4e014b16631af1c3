"""A person's shifts as an iCal feed behind a secret link they (or a coordinator) can stop."""

import logging

import icalendar
from django.urls import reverse

from outbox.models import Message
from placements.models import PlacementShift
from rosters.models import CalendarFeed
from staffing.services import worker_erase
from tests.matching.factories import employee, need_with_shifts
from tests.rosters.factories import issued_feed, placed_on


def test_the_link_is_sent_through_the_outbox_and_only_its_hash_is_stored(client, world):
    worker = employee(world, email="kari@example.test")
    client.force_login(world.coordinator)

    response = client.post(reverse("rosters:feed_issue", args=[worker.pk]))

    assert response.status_code == 302
    message = Message.objects.get(kind="rosters.calendar_link")
    assert message.recipient == "kari@example.test"
    feed = CalendarFeed.objects.get(worker=worker)
    token = message.body.split("/calendar/")[1].split("/")[0]
    assert len(token) >= 40
    assert feed.token_hash != token and token not in feed.token_hash
    assert client.get(reverse("calendar:feed", args=[token])).status_code == 200


def test_the_feed_lists_the_persons_shifts_and_cancelled_ones_as_cancelled(client, world):
    need = need_with_shifts(world, shifts=((3, 7), (4, 7)))
    first, second = need.shifts.order_by("start")
    placement = placed_on(world, first, email="kari@example.test")
    other = placed_on(world, second, email="other@example.test")
    _feed, token = issued_feed(world, placement.worker)
    PlacementShift.objects.filter(placement=placement).update(is_active=False)

    response = client.get(reverse("calendar:feed", args=[token]))

    assert response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"]
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    assert events[0]["summary"] == world.home.name
    assert events[0].decoded("dtstart") == first.start
    assert str(events[0]["status"]) == "CANCELLED"
    assert other.worker.last_name not in response.content.decode()


def test_revoking_through_the_link_makes_it_404(client, world):
    feed, token = issued_feed(world)

    page = client.get(reverse("calendar:revoke", args=[token]))
    assert page.status_code == 200
    assert client.post(reverse("calendar:revoke", args=[token])).status_code == 200

    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert client.get(reverse("calendar:feed", args=[token])).status_code == 404
    assert client.get(reverse("calendar:revoke", args=[token])).status_code == 404


def test_a_coordinator_stops_the_link_or_sends_a_new_one_and_the_old_one_404s(client, world):
    feed, token = issued_feed(world)
    client.force_login(world.coordinator)

    client.post(reverse("rosters:feed_issue", args=[feed.worker_id]))
    assert client.get(reverse("calendar:feed", args=[token])).status_code == 404
    assert CalendarFeed.objects.live().filter(worker_id=feed.worker_id).count() == 1

    client.post(reverse("rosters:feed_revoke", args=[feed.worker_id]))
    assert not CalendarFeed.objects.live().filter(worker_id=feed.worker_id).exists()


def test_a_person_without_e_mail_gets_no_link_and_a_clear_message(client, world):
    worker = employee(world, email="")
    client.force_login(world.coordinator)

    response = client.post(reverse("rosters:feed_issue", args=[worker.pk]), follow=True)

    assert not CalendarFeed.objects.exists()
    assert "e-post" in response.content.decode() or "e-mail" in response.content.decode()


def test_unknown_or_garbage_tokens_are_404(client, world):
    issued_feed(world)
    for token in ("x", "A" * 43, "a" * 200, "%00", "..", "ÆØÅ" * 10):
        response = client.get(f"/calendar/{token}/")
        assert response.status_code == 404, token


def test_the_token_never_reaches_the_log(client, world, caplog):
    feed, token = issued_feed(world)
    feed.revoked_at = feed.created_at
    feed.save()

    with caplog.at_level(logging.DEBUG):
        client.get(reverse("calendar:feed", args=[token]))

    assert "Not Found" in caplog.text
    assert token not in caplog.text


def test_erasing_the_person_deletes_their_feed(client, world):
    feed, token = issued_feed(world)

    worker_erase(worker_id=feed.worker_id, by=world.admin)

    assert not CalendarFeed.objects.filter(pk=feed.pk).exists()
    assert client.get(reverse("calendar:feed", args=[token])).status_code == 404
