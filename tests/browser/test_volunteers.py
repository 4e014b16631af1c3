import datetime as dt

from django.utils import timezone

from staffing.models import District
from tests.staffing.factories import standard_qualifications
from volunteers.models import Volunteer


def _fill_valid(page, *, email: str, phone: str = "912 34 567") -> None:
    page.fill("input[name=first_name]", "Frida")
    page.fill("input[name=last_name]", "Frivilligsen")
    page.fill("input[name=email]", email)
    page.fill("input[name=phone]", phone)
    page.select_option("select[name=district]", label="Dugnadvik nord")
    page.check(f"input[name=qualifications][value='{_nurse_pk()}']")
    page.fill("input[name=hpr_number]", "1234567")
    start = timezone.localdate() + dt.timedelta(days=2)
    page.fill("input[name=available_from]", start.isoformat())
    page.check("input[name=times_of_day][value=day]")
    page.check("input[name=wants_contract]")
    page.fill("textarea[name=free_text]", "Jeg har jobbet ti år på sykehjem.")


def _nurse_pk() -> int:
    from staffing.models import Qualification

    return Qualification.objects.get(code="sykepleier").pk


def test_volunteer_registers_fixes_errors_and_registering_again_changes_nothing(
    page, transactional_db
):
    District.objects.create(code="nord", name="Dugnadvik nord")
    standard_qualifications()

    page.goto("/volunteer/")
    assert page.locator("h1").inner_text() == "Meld deg som frivillig"
    # first attempt: a bad phone number, no consent
    _fill_valid(page, email="frida@example.test", phone="12")
    page.click("form[action='/volunteer/'] button[type=submit]")

    assert page.url.endswith("/volunteer/")
    errors = page.locator(".errorlist").all_inner_texts()
    assert any("gyldig telefonnummer" in e for e in errors), errors
    assert any("personvernerklæringen" in e for e in errors), errors
    # nothing typed is lost
    assert page.locator("input[name=first_name]").input_value() == "Frida"
    assert page.locator("input[name=email]").input_value() == "frida@example.test"
    assert page.locator("input[name=phone]").input_value() == "12"
    assert page.locator("input[name=wants_contract]").is_checked()
    assert page.locator("textarea[name=free_text]").input_value().startswith("Jeg har jobbet")
    assert Volunteer.objects.count() == 0

    page.fill("input[name=phone]", "+46 70 123 45 67")
    page.check("input[name=consent]")
    page.click("form[action='/volunteer/'] button[type=submit]")
    page.wait_for_url("**/volunteer/thanks/")
    first_message = page.locator(".messages").inner_text()
    assert "er ingenting endret" in first_message
    volunteer = Volunteer.objects.get()
    assert volunteer.phone == "+46701234567"

    # the same e-mail again changes nothing by itself: the owner gets her link by e-mail
    page.goto("/volunteer/")
    _fill_valid(page, email="Frida@Example.test", phone="48 00 00 00")
    page.uncheck("input[name=wants_contract]")
    page.check("input[name=general_tasks][value=phone]")
    page.check("input[name=consent]")
    page.click("form[action='/volunteer/'] button[type=submit]")
    page.wait_for_url("**/volunteer/thanks/")
    assert page.locator(".messages").inner_text() == first_message
    assert Volunteer.objects.count() == 1
    volunteer.refresh_from_db()
    assert volunteer.phone == "+46701234567"
    assert volunteer.wants_contract is True
