import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from matching.models import Offer
from matching.services import matching_run_execute
from outbox.models import Message
from placements.models import Placement
from tests.browser.conftest import login
from tests.matching.factories import employee, need_with_shifts


@pytest.fixture
def offer_world(transactional_db, world, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    need = need_with_shifts(world)
    worker = employee(world, first_name="Sigrid")
    matching_run_execute(trigger="manual")
    return world, need, worker


def test_the_coordinator_offers_the_person_says_yes_the_leader_sees_it_and_hr_the_checklist(
    page, chromium, live_server, offer_world
):
    world, need, worker = offer_world
    login(page, world.coordinator.email)
    page.goto("/matching/")
    page.get_by_role("button", name="Send tilbud for alle forslagene i dette behovet").click()
    # in place: the list answers without leaving the page
    expect(page.locator(f"#need-{need.pk}")).to_contain_text("Tilbudt")

    message = Message.objects.get(kind="matching.offer")
    assert message.recipient == worker.email
    link = re.search(r"https?://\S+/offer/\S+/", message.body).group(0)

    # the person, in a browser of their own, without an account
    person = chromium.new_context(locale="nb-NO", base_url=live_server.url)
    answer = person.new_page()
    answer.goto(urlparse(link).path)
    assert "Nordtun sykehjem" in answer.locator("main").inner_text()
    answer.get_by_label("Ja, jeg tar den").check()
    answer.get_by_role("button", name="Send svaret mitt").click()
    answer.wait_for_load_state("networkidle")
    assert "Du er satt opp" in answer.locator("main").inner_text()
    person.close()

    offer = Offer.objects.get()
    assert offer.status == Offer.Status.ACCEPTED
    placement = Placement.objects.get()
    assert placement.worker == worker

    # the unit's leader sees the slot accepted, and who said yes
    page.context.clear_cookies()
    login(page, world.leader.email)
    page.goto(f"/needs/{need.pk}/")
    slot = page.locator("tr.slot").first
    assert "takket ja" in slot.inner_text()
    assert "Sigrid" in slot.inner_text()

    page.context.clear_cookies()
    login(page, world.hr.email)
    page.goto(f"/onboarding/placements/{placement.pk}/")
    items = list(placement.checklist_items.all())
    assert items
    for item in items:
        assert page.locator(f"#item-{item.pk}").is_visible()
