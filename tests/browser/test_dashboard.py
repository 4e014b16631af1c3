"""The coverage grid on a phone: 16 columns scroll inside their own box, the page stays put,
and a cell opens the matching list for that unit and day."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.conftest import login
from tests.matching.factories import employee, need_with_shifts, offer_sent
from tests.staffing.factories import UnitFactory

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def grid_world(transactional_db, world, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from matching.models import MatchingRun, Proposal

    run = MatchingRun.objects.create(trigger="manual", status="succeeded")
    unit = UnitFactory(name="Langtidsavdelingen ved Kristiansen-Bjørnstad bo- og behandlingssenter")
    need = need_with_shifts(world, unit=unit, shifts=((1, 7), (5, 15), (12, 7)))
    first = need.shifts.order_by("start").first()
    offer_sent(
        world, proposal=Proposal.objects.create(run=run, shift=first, worker=employee(world))
    )
    need_with_shifts(world, shifts=((0, 22), (2, 7)))
    return unit


def test_grid_scrolls_inside_its_box_on_a_phone(chromium, live_server, grid_world):
    context = chromium.new_context(locale="nb-NO", base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    try:
        login(page, "coordinator@dugnad.test")
        for by in ("district", "sector", "unit"):
            page.goto(f"/coverage/?by={by}")
            size = page.evaluate(
                """() => {
                    const box = document.querySelector('.cov-wrap');
                    return {page: document.documentElement.scrollWidth,
                            client: document.documentElement.clientWidth,
                            box: box.scrollWidth, boxClient: box.clientWidth};
                }"""
            )
            assert size["page"] <= size["client"], (by, size)
            assert size["box"] > size["boxClient"], (by, size)  # the grid scrolls, not the page
        tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
        page.click(f'.cov-grid a[href*="unit={grid_world.pk}&date_from={tomorrow}"]')
        page.wait_for_load_state("networkidle")
        assert (
            f"/matching/?unit={grid_world.pk}&date_from={tomorrow}&date_to={tomorrow}" in page.url
        )
        assert page.locator("h1").count() == 1
    finally:
        context.close()
    assert not refused, refused
