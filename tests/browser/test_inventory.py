"""Issue 13.4: the coordinator starts a competence inventory, the employee answers through the
link from the outbox in a browser of their own, the coordinator sees "answered" and verifies,
and the person is in the register as available with the qualification."""

import datetime as dt
import re
from urllib.parse import urlparse

import pytest
from django.utils import timezone

from inventory.models import Answer
from outbox.models import Message
from tests.browser.conftest import login
from tests.inventory.factories import staff


@pytest.fixture
def inventory_world(transactional_db, world, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    worker = staff(world, world.ward, first_name="Solveig", last_name="Kartlagt")
    return world, worker


def test_inventory_from_start_to_verified_and_available_in_the_register(
    page, chromium, live_server, inventory_world
):
    world, worker = inventory_world
    login(page, world.coordinator.email)
    page.goto("/resources/inventories/new/")
    page.get_by_label("Tittel").fill("Kartlegging Nordtun")
    page.get_by_label(world.home.name, exact=True).check()
    page.get_by_role("button", name="Start og send lenkene").click()
    page.wait_for_url(re.compile(r".*/resources/inventories/\d+/$"))
    progress = page.locator("table.inventory-progress")
    assert world.ward.name in progress.inner_text()

    message = Message.objects.get(kind="inventory.invitation")
    assert message.recipient == worker.email
    link = re.search(r"https?://\S+/inventory/\S+/", message.body).group(0)

    # the employee, in a browser of their own, without an account
    person = chromium.new_context(locale="nb-NO", base_url=live_server.url)
    form = person.new_page()
    form.goto(urlparse(link).path)
    assert "Solveig" in form.locator("h1").inner_text()
    form.get_by_label("Helsefagarbeider", exact=True).check()
    form.get_by_label("Ja, jeg kan omdisponeres").check()
    form.get_by_label("På bestemte ukedager og klokkeslett").check()
    for day in ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"):
        form.get_by_label(day, exact=True).check()
    form.get_by_label("Fra", exact=True).fill("07:00")
    form.get_by_label("Til", exact=True).fill("19:00")
    today = timezone.localdate()
    form.get_by_label("Ledig fra").fill(today.isoformat())
    form.get_by_label("Ledig til").fill((today + dt.timedelta(days=28)).isoformat())
    form.get_by_role("button", name="Send svaret mitt").click()
    form.wait_for_load_state("networkidle")
    assert "Takk!" in form.locator("main").inner_text()
    person.close()

    answer = Answer.objects.get(invitation__worker=worker)
    assert answer.status == Answer.Status.REPORTED
    assert not worker.qualifications.exists()

    page.reload()
    row = page.locator(f"table.inventory-progress tr[data-unit='{world.ward.pk}']")
    assert row.locator("td[data-answered]").inner_text() == "1"
    page.get_by_role("link", name="Rapportert, ikke kontrollert").click()
    page.wait_for_url(f"**/resources/inventories/answers/{answer.pk}/")
    assert page.get_by_label("Helsefagarbeider").is_checked()
    page.get_by_role("button", name="Lagre avgjørelsen").click()
    page.wait_for_url("**/resources/inventories/answers/")
    assert "Kontrollert" in page.locator("main").inner_text()

    answer.refresh_from_db()
    assert answer.status == Answer.Status.VERIFIED
    assert [q.code for q in worker.qualifications.all()] == ["helsefagarbeider"]

    day = (today + dt.timedelta(days=2)).isoformat()
    page.goto(
        f"/resources/?available_from={day}&available_to={day}"
        f"&qualification={world.quals['helsefagarbeider'].pk}"
    )
    register = page.locator("main table").inner_text()
    assert "Kartlagt, Solveig" in register
    assert "Helsefagarbeider" in register
