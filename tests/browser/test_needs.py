import datetime as dt

from django.utils import timezone

from needs.models import Need
from tests.browser.conftest import login
from tests.staffing.factories import (
    DistrictFactory,
    UnitFactory,
    UserFactory,
    standard_qualifications,
)


def test_leader_creates_a_recurring_need_reviews_shifts_and_submits(page, transactional_db):
    north, south = DistrictFactory(code="nord"), DistrictFactory(code="sor")
    home = UnitFactory(name="Nordtun sykehjem", code="nordtun", district=north)
    other = UnitFactory(name="Sørli hjemmetjeneste", code="sorli", district=south)
    quals = standard_qualifications()
    UserFactory(email="leader@dugnad.test", role="unit_leader", led_units=[home])
    UserFactory(email="leader2@dugnad.test", role="unit_leader", led_units=[other])
    today = timezone.localdate()
    monday = today + dt.timedelta(days=7 - today.weekday())

    login(page, "leader@dugnad.test")
    assert page.url.endswith("/coverage/")  # the leader's start page: their units' coverage
    page.goto("/needs/")
    page.click("a[href='/needs/new/']")
    page.select_option("select[name=unit]", str(home.pk))
    page.select_option("select[name=qualification]", str(quals["helsefagarbeider"].pk))
    page.fill("input[name=title]", "Nattevakt influensa")
    page.fill("input[name=headcount]", "2")
    page.check("input[name=mode][value=pattern]")
    page.fill("input[name=start_time]", "22:00")
    page.fill("input[name=end_time]", "07:00")
    page.fill("input[name=first_day]", monday.isoformat())
    page.fill("input[name=last_day]", (monday + dt.timedelta(days=6)).isoformat())
    for day in ("5", "6"):  # weekend off in this pattern
        page.uncheck(f"input[name=weekdays][value='{day}']")
    page.click("main form button[type=submit]")

    # The expanded shifts are shown for review: Monday to Friday nights, headcount 2.
    page.wait_for_selector("#shift-table")
    rows = page.locator("tr.shift-row")
    assert rows.count() == 5 + 2  # five shifts and two empty rows to add shifts
    assert page.locator("input[name='shifts-0-start_time']").input_value() == "22:00"
    assert page.locator("input[name='shifts-0-end_time']").input_value() == "07:00"
    page.fill("input[name='shifts-4-headcount']", "1")
    page.check("input[name='shifts-3-DELETE']")
    page.click("button[name=submit]")
    page.wait_for_load_state("networkidle")

    need = Need.objects.get()
    assert need.state == Need.State.SUBMITTED
    assert sorted(need.shifts.values_list("headcount", flat=True)) == [1, 2, 2, 2]

    page.goto("/needs/")
    assert page.locator(f"[data-need='{need.pk}']").is_visible()
    assert "Nattevakt influensa" in page.locator("main").inner_text()

    page.context.clear_cookies()
    login(page, "leader2@dugnad.test")
    assert "Nattevakt influensa" not in page.locator("main").inner_text()
    response = page.goto(f"/needs/{need.pk}/")
    assert response.status in (403, 404)
