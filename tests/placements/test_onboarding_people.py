"""HR's queue grouped by person, with a posted search."""

import logging

from django.urls import reverse
from django.utils import formats, timezone

from tests.placements.factories import make_placement
from tests.staffing.factories import WorkerFactory


def test_the_queue_lists_each_person_once_with_their_placements(client, world):
    worker = WorkerFactory(first_name="Ingrid", last_name="Halvorsen", source="volunteer")
    first = make_placement(unit=world.home, worker=worker)
    second = make_placement(unit=world.ward, worker=worker, shifts__start=first.shifts.last().end)
    other = make_placement(unit=world.other)
    client.force_login(world.hr)

    response = client.get(reverse("placements:onboarding_people"))

    assert response.status_code == 200
    people = list(response.context["page_obj"])
    assert [p.pk for p in people].count(worker.pk) == 1
    assert {p.pk for p in people} == {worker.pk, other.worker_id}
    row = next(p for p in people if p.pk == worker.pk)
    assert {p.pk for p in row.active_placements} == {first.pk, second.pk}
    assert row.open_items == first.checklist_items.count() + second.checklist_items.count()
    body = response.content.decode()
    assert reverse("placements:placement_detail", args=[second.pk]) in body


def test_a_person_with_nothing_open_is_not_in_the_queue(client, world):
    placement = make_placement(unit=world.home)
    placement.checklist_items.update(status="done")
    client.force_login(world.hr)

    response = client.get(reverse("placements:onboarding_people"))

    assert list(response.context["page_obj"]) == []


def test_search_is_posted_kept_out_of_the_address_and_the_log(client, world, caplog):
    wanted = make_placement(unit=world.home, worker=WorkerFactory(first_name="Solveig"))
    make_placement(unit=world.home, worker=WorkerFactory(first_name="Torbjørn"))
    client.force_login(world.hr)
    url = reverse("placements:onboarding_people")

    with caplog.at_level(logging.DEBUG):
        response = client.post(url, {"q": "solveig"})
        assert response.status_code == 302
        assert response["Location"] == url
        listed = client.get(response["Location"])

    assert [p.pk for p in listed.context["page_obj"]] == [wanted.worker_id]
    assert "solveig" not in caplog.text.lower()
    client.post(url, {"q": "", "clear": "1"})
    assert len(list(client.get(url).context["page_obj"])) == 2


def test_search_by_phone_written_any_way(client, world):
    wanted = make_placement(unit=world.home, worker=WorkerFactory(phone="+4791234567"))
    make_placement(unit=world.home, worker=WorkerFactory(phone="+4799999999"))
    client.force_login(world.hr)
    url = reverse("placements:onboarding_people")

    client.post(url, {"q": "912 34 567"})

    assert [p.pk for p in client.get(url).context["page_obj"]] == [wanted.worker_id]


def test_the_queue_runs_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    for _ in range(6):
        make_placement(unit=world.home, systems=["Gerica"])
    client.force_login(world.hr)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("placements:onboarding_people"))

    assert len(list(response.context["page_obj"])) == 6


def test_the_leader_sees_the_placed_persons_phone_and_first_shift(client, world):
    placement = make_placement(unit=world.home, worker=WorkerFactory(phone="+4791234567"))
    elsewhere = make_placement(unit=world.other, worker=WorkerFactory(phone="+4798765432"))
    client.force_login(world.leader)

    body = client.get(reverse("placements:placements")).content.decode()

    assert 'href="tel:+4791234567"' in body
    first = placement.shifts.order_by("start").first().start
    assert formats.date_format(timezone.localtime(first), "SHORT_DATETIME_FORMAT") in body
    assert elsewhere.worker.phone not in body
