"""Issue 11, items 8 and 9 for volunteers: what is stored is what the person meant."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.volunteers.factories import VolunteerFactory
from tests.volunteers.test_registration import URL, form_data
from volunteers.models import Milestone, Volunteer
from volunteers.services import VolunteerError, milestone_record, volunteer_screen


@pytest.mark.parametrize(
    ("hpr", "postcode"),
    [
        ("١٢٣٤٥٦٧", "٠١٥٠"),  # Arabic-Indic
        ("۱۲۳۴۵۶۷", "۰۱۵۰"),  # Persian (extended Arabic-Indic)
        ("１２３ ４５６７", "０１５０"),  # full-width, with a space between groups
    ],
)
def test_hpr_number_and_postcode_in_other_digits_are_stored_as_ascii(client, world, hpr, postcode):
    response = client.post(URL, form_data(world, hpr_number=hpr, postcode=postcode))
    assert response.status_code == 302
    volunteer = Volunteer.objects.get()
    assert (volunteer.hpr_number, volunteer.postcode) == ("1234567", "0150")


def test_postcode_with_letters_that_look_like_digits_is_refused(client, world):
    response = client.post(URL, form_data(world, postcode="O15O"))  # capital O, not zero
    assert response.status_code == 200
    assert "fire sifre" in response.content.decode()
    assert not Volunteer.objects.exists()


@pytest.mark.parametrize(
    "name",
    ["Frida\nHansen", "Frida\r\nHansen", "Frida\u2028Hansen", "\u202eadirF", "Fri\u2066da\u2069"],
)
def test_name_with_a_line_break_or_direction_override_is_refused(client, world, name):
    response = client.post(URL, form_data(world, first_name=name))
    assert response.status_code == 200
    assert response.context["form"].has_error("first_name")
    assert not Volunteer.objects.exists()


def test_name_is_stored_trimmed_with_single_spaces_and_without_invisible_marks(client, world):
    response = client.post(
        URL, form_data(world, first_name="  Anne   \u200fMarie ", last_name="Ås")
    )
    assert response.status_code == 302
    volunteer = Volunteer.objects.get()
    assert (volunteer.first_name, volunteer.last_name) == ("Anne Marie", "Ås")


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_follow_up_date_far_off_is_refused_by_the_form(client, world, day):
    volunteer = VolunteerFactory()
    client.force_login(world.volunteer_coordinator)
    response = client.post(
        f"/volunteers/{volunteer.pk}/screen/", {"status": volunteer.status, "follow_up_on": day}
    )
    assert response.status_code == 400
    assert "Skriv inn en dato" in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.follow_up_on is None


def test_follow_up_date_in_year_one_is_refused_by_the_service(world):
    volunteer = VolunteerFactory()
    with pytest.raises(VolunteerError):
        volunteer_screen(
            volunteer=volunteer, by=world.volunteer_coordinator, follow_up_on=dt.date(1, 1, 1)
        )
    volunteer.refresh_from_db()
    assert volunteer.follow_up_on is None


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_milestone_date_far_off_is_refused(client, world, day):
    volunteer = VolunteerFactory()
    client.force_login(world.volunteer_coordinator)
    response = client.post(
        f"/volunteers/{volunteer.pk}/milestone/", {"kind": "introduction_course", "done_on": day}
    )
    assert response.status_code == 400
    assert not Milestone.objects.exists()
    with pytest.raises(VolunteerError):
        milestone_record(
            volunteer=volunteer,
            kind="introduction_course",
            done_on=dt.date.fromisoformat(day),
            by=world.volunteer_coordinator,
        )
    assert not Milestone.objects.exists()


def test_availability_far_ahead_is_refused(client, world):
    late = timezone.localdate().replace(year=timezone.localdate().year + 20)
    response = client.post(URL, form_data(world, available_to=late.isoformat()))
    assert response.status_code == 200
    assert response.context["form"].has_error("available_to")
    assert not Volunteer.objects.exists()


def test_a_qualification_id_beyond_64_bits_is_refused_not_a_server_error(client, world):
    response = client.post(URL, form_data(world, qualifications=["9" * 30]))
    assert response.status_code == 200
    assert response.context["form"].has_error("qualifications")
    assert not Volunteer.objects.exists()
