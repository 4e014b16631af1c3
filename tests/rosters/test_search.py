"""Search across staff pages: posted, role-aware, paginated, never in an address or a log."""

import logging

from django.urls import reverse

from tests.matching.factories import employee, need_with_shifts
from tests.rosters.factories import placed_on


def _search(client, term: str):
    url = reverse("rosters:search")
    response = client.post(url, {"term": term})
    assert response.status_code == 302
    assert response["Location"] == url
    return client.get(url)


def test_the_term_is_posted_and_never_in_the_address_or_the_log(client, world, caplog):
    employee(world, first_name="Solveig", last_name="Brattli")
    client.force_login(world.coordinator)

    with caplog.at_level(logging.DEBUG):
        response = _search(client, "Brattli")

    assert response.status_code == 200
    assert "brattli" not in caplog.text.lower()
    assert "Brattli" not in response.request["QUERY_STRING"]
    assert [w.last_name for w in response.context["page_obj"]] == ["Brattli"]


def test_a_leader_finds_their_units_needs_and_placements_and_nothing_else(client, world):
    mine = need_with_shifts(world, title="Nattevakt Nordtun")
    theirs = need_with_shifts(world, unit=world.other, title="Nattevakt Sørli")
    placed_on(world, mine.shifts.get(), last_name="Nattvik")
    placed_on(world, theirs.shifts.get(), last_name="Nattvik")
    client.force_login(world.leader)

    response = _search(client, "Nattevakt")
    assert [n.pk for n in response.context["page_obj"]] == [mine.pk]
    assert "people" not in response.context["results"].kinds

    client.post(reverse("rosters:search"), {"term": "Nattvik"})
    response = client.get(reverse("rosters:search") + "?kind=placements")
    found = list(response.context["page_obj"])
    assert [p.unit_id for p in found] == [world.home.pk]
    assert reverse("needs:detail", args=[mine.pk]) in response.content.decode()


def test_hr_finds_placed_people_and_opens_their_checklist_but_no_needs(client, world):
    need = need_with_shifts(world, title="Helsefagarbeider")
    placement = placed_on(world, need.shifts.get(), last_name="Hagen")
    employee(world, last_name="Hagen")  # not placed: HR does not find them
    client.force_login(world.hr)

    response = _search(client, "Hagen")

    assert response.context["results"].kinds == ["people", "placements"]
    assert [w.pk for w in response.context["page_obj"]] == [placement.worker_id]
    url = reverse("placements:placement_detail", args=[placement.pk])
    assert url in response.content.decode()


def test_a_coordinator_finds_anyone_by_phone(client, world):
    wanted = employee(world, phone="+4798765432")
    employee(world, phone="+4790000000")
    client.force_login(world.coordinator)

    response = _search(client, "987 65 432")

    assert [w.pk for w in response.context["page_obj"]] == [wanted.pk]
    assert reverse("resources:person", args=[wanted.pk]) in response.content.decode()


def test_results_are_paginated_with_a_bounded_number_of_queries(
    client, world, settings, django_assert_max_num_queries
):
    settings.DUGNAD = {**settings.DUGNAD, "PAGE_SIZE": 5}
    for n in range(12):
        employee(world, last_name=f"Lund{n:02d}")
    client.force_login(world.coordinator)
    client.post(reverse("rosters:search"), {"term": "Lund"})

    with django_assert_max_num_queries(12):
        response = client.get(reverse("rosters:search") + "?kind=people&page=3")

    assert response.context["results"].counts["people"] == 12
    assert len(list(response.context["page_obj"])) == 2


def test_a_volunteer_coordinator_has_no_staff_search(client, world):
    client.force_login(world.volunteer_coordinator)
    assert client.post(reverse("rosters:search"), {"term": "x"}).status_code == 403
    assert "header-search" not in client.get("/volunteers/").content.decode()


def test_the_header_search_box_posts_to_the_search(client, world):
    client.force_login(world.leader)
    body = client.get(reverse("needs:list")).content.decode()
    assert 'class="header-search"' in body
    assert f'action="{reverse("rosters:search")}" method="post"' in body
