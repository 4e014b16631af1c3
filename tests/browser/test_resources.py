import datetime as dt
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from staffing.models import PeopleImport, Worker
from tests.browser.conftest import login
from tests.matching.factories import employee
from tests.staffing.factories import AvailabilityFactory

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def browser_world(transactional_db, world, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return world


def test_coordinator_finds_a_person_by_phone_and_sees_the_week(page, browser_world):
    world = browser_world
    for n in range(3):
        employee(world, last_name=f"Annen{n}", phone=f"+479000000{n}")
    wanted = employee(
        world, "sykepleier", last_name="Solberg", phone="+4798765432", available=False
    )
    today = timezone.localdate()
    start = dt.datetime.combine(today, dt.time(8), tzinfo=OSLO)
    AvailabilityFactory(worker=wanted, start=start, end=start + dt.timedelta(hours=7))
    login(page, world.coordinator.email)

    page.goto("/resources/")
    page.fill("input[name=q]", "987 65 432")
    page.locator("form[role=search] button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")

    # Only the path and query: the live server's random port may itself contain "987".
    after_host = urlsplit(page.url)
    assert "987" not in after_host.path + after_host.query
    rows = page.locator("tbody tr[data-worker]")
    assert rows.count() == 1
    rows.first.locator("a").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == wanted.full_name
    assert page.locator("a[href='tel:+4798765432']").is_visible()
    today_row = page.locator(f"tr[data-date='{today.isoformat()}']")
    assert today_row.locator("[data-kind=available]").inner_text().startswith("08:00–15:00")


def test_hr_imports_a_file_with_errors_reads_the_report_fixes_and_applies(
    page, browser_world, tmp_path
):
    world = browser_world
    header = "ansattnummer;fornavn;etternavn;enhet;kompetanse"
    bad = tmp_path / "hr.csv"
    bad.write_text(f"{header}\n1001;Anne;Ås;nordtun;sykepleier\n1002;Bo;Berg;ukjent;\n")
    good = tmp_path / "hr-fixed.csv"
    good.write_text(f"{header}\n1001;Anne;Ås;nordtun;sykepleier\n1002;Bo;Berg;nordtun-a;\n")
    login(page, world.hr.email)

    page.goto("/resources/import/")
    page.set_input_files("input[name=file]", str(bad))
    page.locator("form.card button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    rejected = page.locator("#rejected-rows tbody tr")
    assert rejected.count() == 1
    assert rejected.first.locator("td").first.inner_text() == "3"
    assert "ukjent" in rejected.first.inner_text()
    assert page.locator("form[action$='/apply/']").count() == 0
    assert not Worker.objects.exists()

    page.goto("/resources/import/")
    page.set_input_files("input[name=file]", str(good))
    page.locator("form.card button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-count=new]").inner_text() == "2"
    page.locator("form[action$='/apply/'] button[type=submit]").click()
    page.wait_for_load_state("networkidle")

    assert PeopleImport.objects.latest("pk").status == PeopleImport.Status.APPLIED
    assert sorted(Worker.objects.values_list("last_name", flat=True)) == ["Berg", "Ås"]


def test_a_school_leader_releases_two_staff_for_three_weeks_and_they_appear_available(
    page, browser_world
):
    from staffing.models import Sector
    from tests.staffing.factories import EmployeeProfileFactory, UnitFactory, UserFactory

    world = browser_world
    school = UnitFactory(
        name="Nordby skole", code="nordby", sector=Sector.SCHOOLS, district=world.north
    )
    rektor = UserFactory(email="rektor@dugnad.test", role="unit_leader", led_units=[school])
    teachers = []
    for name in ("Lærer", "Miljøarbeider"):
        worker = employee(world, last_name=name, available=False)
        EmployeeProfileFactory._meta.model.objects.filter(worker=worker).update(home_unit=school)
        teachers.append(worker)
    employee(world, last_name="Annen", available=False)  # not the school's: never listed
    today = timezone.localdate()
    monday = today + dt.timedelta(days=7 - today.weekday())
    login(page, rektor.email)

    page.goto("/resources/staff/")
    rows = page.locator("tbody tr[data-worker]")
    assert rows.count() == 2
    for worker in teachers:
        page.goto("/resources/staff/")
        page.locator(f"tr[data-worker='{worker.pk}'] a").click()
        page.wait_for_load_state("networkidle")
        form = page.locator("#release-form")
        form.locator("input[name=release-starts_on]").fill(monday.isoformat())
        form.locator("input[name=release-ends_on]").fill(
            (monday + dt.timedelta(days=20)).isoformat()
        )
        form.locator("input[name=release-day_from]").fill("08:00")
        form.locator("input[name=release-day_to]").fill("15:30")
        form.locator("button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        assert page.locator("[role=status], .message").first.is_visible()
        assert page.locator("li[data-release]").count() == 1
    assert page.locator("a[href='/resources/']").count() == 0  # never the register

    page.context.clear_cookies()
    login(page, world.coordinator.email)
    wednesday = monday + dt.timedelta(days=16)
    page.goto(
        f"/resources/?available_from={wednesday.isoformat()}&available_to={wednesday.isoformat()}"
    )
    listed = page.locator("tbody tr[data-worker]")
    assert sorted(listed.nth(i).get_attribute("data-worker") for i in range(listed.count())) == (
        sorted(str(w.pk) for w in teachers)
    )
    assert listed.first.locator(".status-free").is_visible()
    listed.first.locator("a").click()
    page.wait_for_load_state("networkidle")
    page.goto(page.url + f"?week={monday.isocalendar()[0]}-W{monday.isocalendar()[1]:02d}")
    day = page.locator(f"tr[data-date='{monday.isoformat()}'] [data-kind=available]")
    assert day.inner_text().startswith("08:00–15:30")
    assert "Nordby skole" in day.inner_text()
