import datetime as dt

import pytest

from placements.models import ChecklistItem, Placement
from placements.services import local_today
from tests.browser.conftest import login
from tests.placements.factories import make_placement


@pytest.fixture
def placement(transactional_db, world, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return make_placement(unit=world.home, systems=["Gerica"], approved_by=world.coordinator)


def test_hr_clears_a_whole_checklist_in_one_go_and_the_unit_leader_sees_it_ready(
    page, world, placement
):
    today = local_today()
    login(page, world.hr.email)

    page.goto("/onboarding/")
    rows = page.locator("tbody tr[data-item]")
    assert rows.count() == placement.checklist_items.count() == 6
    # The queue by person: one row for the person, found by a posted search.
    page.goto("/onboarding/people/")
    page.fill("#id_q", placement.worker.last_name)
    page.locator("main form[role=search] button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.removeprefix(page.url.split("/onboarding")[0]) == "/onboarding/people/"
    person = page.locator(f"tr[data-worker='{placement.worker_id}']")
    assert page.locator("tr[data-worker]").count() == 1
    person.locator("a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#readiness [data-readiness=not-ready]").is_visible()

    # The whole checklist in one go: fill in every item, save once.
    for item in placement.checklist_items.order_by("order", "pk"):
        prefix = f"#id_item-{item.pk}"
        if item.item_type == "police_certificate":
            page.fill(f"{prefix}-issued_on", (today - dt.timedelta(days=14)).isoformat())
            page.fill(f"{prefix}-presented_on", today.isoformat())
            page.check(f"{prefix}-cleared")
        elif item.item_type == "contract":
            page.select_option(f"{prefix}-contract_type", "temporary")
            page.select_option(f"{prefix}-legal_ground", "b")
            page.fill(f"{prefix}-starts_on", today.isoformat())
            page.fill(f"{prefix}-ends_on", (today + dt.timedelta(days=30)).isoformat())
            page.fill(f"{prefix}-signed_on", today.isoformat())
        elif item.item_type == "system_access":
            page.fill(f"{prefix}-ordered_on", today.isoformat())
            page.fill(f"{prefix}-granted_on", today.isoformat())
        else:
            page.select_option(f"{prefix}-status", "done")
    assert page.locator("#readiness [data-readiness=not-ready]").is_visible()
    page.locator("#checklist-form button[name=save]").click()
    page.wait_for_load_state("networkidle")
    for item in placement.checklist_items.all():
        assert page.locator(f"#item-{item.pk} .badge.ok").first.is_visible(), item.item_type

    assert page.locator("#readiness [data-readiness=ready]").is_visible()
    assert not ChecklistItem.objects.filter(placement=placement).open().exists()
    assert Placement.objects.get(pk=placement.pk).ready_at is not None

    page.context.clear_cookies()
    login(page, world.leader.email)
    page.goto("/onboarding/placements/")
    row = page.locator(f"tr[data-placement='{placement.pk}']")
    assert row.locator("[data-readiness=ready]").is_visible()
    if placement.worker.phone:
        assert row.locator("a[data-phone]").inner_text() == placement.worker.phone

    # ...and on the need's own page, every placed shift shows the placement as ready.
    page.goto(f"/needs/{placement.need_id}/")
    cells = page.locator("tr.shift-row td", has_text=placement.worker.full_name)
    assert cells.count() == placement.shifts.count()
    for index in range(cells.count()):
        assert cells.nth(index).locator(".badge.ok").is_visible()
        assert not cells.nth(index).locator(".badge.warn").count()
