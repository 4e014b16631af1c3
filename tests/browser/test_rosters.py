"""A unit leader opens the week, goes to a day and prints the daily roster."""

import pytest
from django.utils import timezone

from tests.browser.conftest import login
from tests.matching.factories import need_with_shifts
from tests.rosters.factories import placed_on


@pytest.fixture
def roster(transactional_db, world, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    need = need_with_shifts(world, shifts=((2, 7), (2, 15)), title="Helg")
    early, late = need.shifts.order_by("start")
    late.headcount = 2
    late.save(update_fields=["headcount"])
    ready = placed_on(world, early, ready=True, last_name="Morgenstjerne", phone="+4791111111")
    onboarding = placed_on(world, late, last_name="Kveldsro", phone="+4792222222")
    elsewhere = need_with_shifts(world, unit=world.other, shifts=((2, 7),)).shifts.get()
    placed_on(world, elsewhere, last_name="Andrested")
    return {"early": early, "late": late, "ready": ready, "onboarding": onboarding}


def test_a_leader_prints_the_daily_roster(page, world, roster):
    early, late = roster["early"], roster["late"]
    day = timezone.localtime(early.start).date()
    login(page, world.leader.email)

    page.goto("/rosters/")
    page.fill("#id_week", f"{day.isocalendar()[0]}-W{day.isocalendar()[1]:02d}")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    card = page.locator(f".day-card[data-date='{day.isoformat()}']")
    assert card.locator(f"[data-shift='{early.pk}'] [data-state=ready]").is_visible()
    assert "Andrested" not in page.content()

    card.locator("h2 a").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-print]").is_visible()

    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator("form.filters").is_visible()
    assert page.locator("#roster h1").is_visible()
    rows = page.locator("#roster tbody tr[data-shift]")
    assert rows.count() == 3  # one slot early, two late (one of them open)
    early_row = page.locator(f"#roster tr[data-shift='{early.pk}']")
    assert "Morgenstjerne" in early_row.inner_text()
    assert "+4791111111" in early_row.inner_text()
    late_rows = page.locator(f"#roster tr[data-shift='{late.pk}']")
    assert late_rows.nth(0).get_attribute("data-state") == "placed"
    assert late_rows.nth(1).get_attribute("data-state") == "open"
    assert "Andrested" not in page.content()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
