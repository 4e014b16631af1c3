"""Every main staff page is usable on a phone: 390 × 844 px, nothing pushes the page
sideways and the header leaves the screen to the content."""

import pytest

from tests.browser.conftest import login
from tests.matching.factories import employee, need_with_shifts, proposal_in_home
from tests.placements.factories import make_placement
from tests.volunteers.factories import VolunteerFactory

PHONE = {"width": 390, "height": 844}
HEADER_MAX_PX = 120


@pytest.fixture
def phone_world(transactional_db, world, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    need = need_with_shifts(world, shifts=((2, 7), (3, 7), (4, 15)), title="Helsefagarbeider helg")
    proposal_in_home(world)
    placement = make_placement(
        unit=world.home, systems=["Gerica", "CosDoc"], approved_by=world.coordinator
    )
    worker = employee(
        world,
        last_name="Kristiansen-Bjørnstad",
        email="a.very.long.address@kommune.example.test",
    )
    VolunteerFactory(qualifications=[world.quals["sykepleier"]])
    return {"need": need, "placement": placement, "worker": worker}


def _pages(role: str, data: dict) -> list[str]:
    need, placement, worker = data["need"], data["placement"], data["worker"]
    return {
        "leader": [
            "/",
            "/needs/",
            f"/needs/{need.pk}/",
            "/needs/new/",
            "/onboarding/placements/",
            "/rosters/",
            "/rosters/day/",
            "/rosters/export/",
            "/rosters/search/",
        ],
        "coordinator": [
            "/",
            "/needs/",
            f"/needs/{need.pk}/",
            "/matching/",
            "/resources/",
            f"/resources/{worker.pk}/",
            "/onboarding/placements/",
            f"/rosters/?unit={need.unit_id}",
            f"/rosters/people/{worker.pk}/calendar-link/",
        ],
        "hr": [
            "/onboarding/",
            "/onboarding/people/",
            f"/onboarding/placements/{placement.pk}/",
            "/onboarding/hpr/",
            "/resources/import/",
        ],
        "volunteers": ["/volunteers/", "/volunteers/register/"],
    }[role]


def _measure(page) -> dict:
    return page.evaluate(
        """() => ({
            scroll: document.documentElement.scrollWidth,
            client: document.documentElement.clientWidth,
            header: document.querySelector('.site-header').getBoundingClientRect().height,
            wide: [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                             && !e.closest('.table-wrap, .scroll-x'))
                .slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id),
        })"""
    )


@pytest.mark.parametrize(
    "role,email",
    [
        ("leader", "leader@dugnad.test"),
        ("coordinator", "coordinator@dugnad.test"),
        ("hr", "hr@dugnad.test"),
        ("volunteers", "volunteers@dugnad.test"),
    ],
)
def test_staff_pages_fit_a_phone(chromium, live_server, phone_world, role, email):
    context = chromium.new_context(locale="nb-NO", base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    try:
        login(page, email)
        for url in _pages(role, phone_world):
            page.goto(url)
            page.wait_for_load_state("networkidle")
            size = _measure(page)
            assert size["scroll"] <= size["client"], (url, size)
            assert size["header"] < HEADER_MAX_PX, (url, size)
    finally:
        context.close()
