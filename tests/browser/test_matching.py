import pytest
from playwright.sync_api import expect

from placements.models import Placement
from tests.browser.conftest import login
from tests.matching.factories import employee, need_with_shifts


@pytest.fixture
def matching_world(transactional_db, world, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    need = need_with_shifts(world, shifts=((3, 7), (4, 7)))
    nurse = employee(world, "sykepleier", percent=60, wants_more=True, first_name="Sigrid")
    employee(world, "helsefagarbeider", first_name="Hallvard")
    return world, need, nurse


def test_coordinator_runs_matching_approves_and_the_leader_sees_the_placement(page, matching_world):
    world, need, nurse = matching_world
    login(page, world.coordinator.email)
    page.goto("/matching/")
    page.get_by_role("button", name="Kjør matching nå").click()
    page.wait_for_url("**/matching/")

    row = page.locator("tbody.proposal", has_text=nurse.full_name).first
    row.locator("summary").click()  # the compact row opens
    explanation = row.locator(".explanation").inner_text()
    assert "Sykepleier, dekker helsefagarbeider" in explanation
    assert "deltid 60 % ønsker flere vakter" in explanation
    # the alternatives are checked when the row opens, each free one or with its rule
    expect(
        row.locator(".alternatives-box fieldset, .alternatives-box p.muted").first
    ).to_be_visible()
    row.locator("button[name=approve]").click()
    # in place: the row answers, the page stays
    expect(row.locator(".message.success")).to_contain_text("Godkjent")
    placement = Placement.objects.get()
    assert placement.worker == nurse and placement.need == need

    page.context.clear_cookies()
    login(page, world.leader.email)
    page.goto(f"/needs/{need.pk}/")
    assert nurse.full_name in page.locator("main").inner_text()
