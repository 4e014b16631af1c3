"""Names of qualifications, skills and checklist items, and dates, in the reader's language."""

import datetime as dt

from django.urls import reverse
from django.utils import formats, timezone, translation

from placements.models import ChecklistItem
from tests.placements.factories import make_placement
from tests.staffing.factories import SkillFactory


def test_dates_are_unambiguous_in_english_and_norwegian_in_bokmal():
    moment = dt.datetime(2026, 12, 1, 7, 30)
    with translation.override("en"):
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "1 Dec 2026 07:30"
        assert formats.date_format(moment.date(), "SHORT_DATE_FORMAT") == "1 Dec 2026"
    with translation.override("nb"):
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "1.12.2026 07:30"
        assert formats.date_format(moment.date(), "SHORT_DATE_FORMAT") == "1.12.2026"


def test_qualification_and_skill_names_follow_the_language(world):
    nurse = world.quals["sykepleier"]
    nurse.name_en = "Nurse"
    nurse.save()
    skill = SkillFactory(name="Sårstell", name_en="Wound care")
    unnamed = SkillFactory(name="Tegnspråk", name_en="")
    with translation.override("en"):
        assert (str(nurse), str(skill), str(unnamed)) == ("Nurse", "Wound care", "Tegnspråk")
    with translation.override("nb"):
        assert (str(nurse), str(skill)) == (nurse.name, "Sårstell")


def test_checklist_items_are_named_in_the_readers_language_whoever_created_them(world):
    with translation.override("en"):
        placement = make_placement(unit=world.home, systems=["Gerica"])
    item = placement.checklist_items.get(item_type="hr_registration")
    access = placement.checklist_items.get(item_type="system_access")
    assert item.title == "Registration in HR/payroll"  # stored as created
    with translation.override("nb"):
        bokmal = translation.gettext("Registration in HR/payroll")
        assert bokmal != item.title
        assert item.label == bokmal
        assert access.label == f"{translation.gettext('System access')}: Gerica"
    custom = ChecklistItem(title="Omvisning på avdelingen", item_type="introduction")
    assert custom.label == "Omvisning på avdelingen"


def test_an_english_reader_sees_english_names_and_dates_on_the_checklist(client, world):
    placement = make_placement(unit=world.home)
    client.force_login(world.hr)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    body = client.get(reverse("placements:placement_detail", args=[placement.pk])).content.decode()

    assert "Registration in HR/payroll" in body
    first = placement.shifts.order_by("start").first().start
    with translation.override("en"):
        assert formats.date_format(timezone.localtime(first), "SHORT_DATETIME_FORMAT") in body
