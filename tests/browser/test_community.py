"""Issue 16's story in a browser: a neighbour asks for weekly shopping for an 80-year-old, the
volunteer coordinator sends the task to three volunteers, one says yes through the link in a
browser of their own, the others are told, the shopping is reported done, and after the
retention period the resident's data is gone."""

import datetime as dt
import re
from urllib.parse import urlparse

from django.utils import timezone

from community import services
from community.models import HelpRequest, Task, TaskOffer
from outbox.models import Message
from tests.browser.conftest import login
from tests.community.factories import general_volunteer


def test_a_neighbour_asks_for_weekly_shopping_and_a_volunteer_takes_it(
    page, chromium, live_server, transactional_db, world, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    volunteers = [general_volunteer(world, first_name=name) for name in ("Kari", "Ola", "Siri")]
    today = timezone.localdate()

    # the neighbour, without an account
    page.goto("/help/")
    assert page.locator("h1").inner_text() == "Be om praktisk hjelp"
    page.get_by_label("Handling", exact=True).check()
    page.get_by_label("Hver uke", exact=True).check()
    page.fill("input[name=wanted_on]", today.isoformat())
    page.select_option("select[name=district]", label="Nord")
    page.fill("input[name=first_name]", "Astrid")
    page.fill("input[name=address]", "Storgata 1, 3015 Drammen")
    page.fill("input[name=phone]", "911 11 111")
    page.get_by_label("Jeg er nabo eller venn").check()
    page.fill("input[name=requester_phone]", "922 22 222")
    page.fill("textarea[name=description]", "Hun er 80 år. Handler på Kiwi på hjørnet.")
    page.check("input[name=consent]")
    page.click("form[action='/help/'] button[type=submit]")
    # the name of the person asking was missing: nothing typed is lost
    assert page.locator("input[name=address]").input_value() == "Storgata 1, 3015 Drammen"
    assert page.locator("input[name=consent]").is_checked()
    page.fill("input[name=requester_name]", "Nina Nabo")
    page.click("form[action='/help/'] button[type=submit]")
    page.wait_for_url("**/help/thanks/")
    request = HelpRequest.objects.get()
    assert request.frequency == "weekly" and request.status == "new"

    # the volunteer coordinator triages and makes a weekly series
    login(page, world.volunteer_coordinator.email)
    page.goto("/community/")
    page.click(f"#request-{request.pk} a")
    assert "Astrid" in page.locator("#contact").inner_text()
    page.fill("#task-form input[name=first_on]", today.isoformat())
    page.fill("#task-form input[name=last_on]", (today + dt.timedelta(weeks=3)).isoformat())
    page.click("#task-form button[type=submit]")
    page.wait_for_url("**/community/tasks/*/")
    task = Task.objects.get()
    assert task.visits.count() == 4

    for volunteer in volunteers:
        page.check(f"#send-form input[name=volunteers][value='{volunteer.pk}']")
    page.click("#send-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Sendt til 3 frivillige" in page.locator(".messages").inner_text()

    offers = Message.objects.filter(kind="community.task_offer")
    assert sorted(m.recipient for m in offers) == sorted(v.email for v in volunteers)
    message = offers.get(recipient=volunteers[1].email)
    assert "Astrid" not in message.body and "Storgata" not in message.body
    link = re.search(r"https?://\S+/task/\S+/", message.body).group(0)

    # Ola answers in a browser of his own
    person = chromium.new_context(locale="nb-NO", base_url=live_server.url)
    answer = person.new_page()
    answer.goto(urlparse(link).path)
    assert "Storgata" not in answer.locator("main").inner_text()
    answer.get_by_label("Ja, jeg kan hjelpe").check()
    answer.get_by_role("button", name="Send svaret mitt").click()
    answer.wait_for_load_state("networkidle")
    details = answer.locator("#resident").inner_text()
    assert "Astrid" in details and "Storgata 1, 3015 Drammen" in details

    # the others are told it is taken
    taken = Message.objects.filter(kind="community.task_taken")
    assert sorted(m.recipient for m in taken) == sorted([volunteers[0].email, volunteers[2].email])
    assert TaskOffer.objects.filter(status="taken").count() == 2

    # the first week's shopping is done
    answer.check("#visits input[name=outcome][value=done]")
    answer.get_by_role("button", name="Meld fra").click()
    answer.wait_for_load_state("networkidle")
    assert "Takk for at du hjalp" in answer.locator(".messages").inner_text()

    # the family takes over: the coordinator closes the request as help given
    page.goto(f"/community/requests/{request.pk}/")
    page.select_option("#close-form select[name=reason]", "completed")
    page.click("#close-form button[type=submit]")
    page.wait_for_url("**/community/")
    task.refresh_from_db()
    assert task.status == Task.Status.CANCELLED
    assert task.visits.filter(status="done").count() == 1

    # Ola's link no longer shows the resident
    answer.reload()
    assert "Storgata" not in answer.locator("main").inner_text()
    person.close()

    # after the retention period (the erasure run with the clock moved on)
    days = settings.DUGNAD["HELP_REQUEST_RETENTION_DAYS"]
    services.help_requests_erase_closed(now=timezone.now() + dt.timedelta(days=days + 1))
    page.goto(f"/community/requests/{request.pk}/")
    main = page.locator("main").inner_text()
    assert "Astrid" not in main and "Storgata" not in main and "911" not in main
    assert "ble slettet" in main
    request.refresh_from_db()
    assert request.first_name == request.address == request.phone == request.requester_name == ""
