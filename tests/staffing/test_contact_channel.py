"""The person's choice of channel (e-mail, SMS or both): volunteers choose on the form and on
their own page, HR changes it with the contact details, and the worker carries it."""

import pytest
from django.urls import reverse

from staffing.models import AuditEntry, ContactChannel, Worker
from tests.staffing.factories import WorkerFactory
from tests.volunteers.test_registration import form_data
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def test_a_volunteer_chooses_sms_on_the_registration_form_and_the_worker_keeps_it(client, world):
    from volunteers.services import volunteer_admit

    response = client.post(reverse("volunteers:register"), form_data(world, contact_channel="sms"))
    assert response.status_code == 302
    volunteer = Volunteer.objects.get()
    assert volunteer.contact_channel == ContactChannel.SMS

    worker = volunteer_admit(volunteer=volunteer, by=world.volunteer_coordinator)
    assert worker.contact_channel == ContactChannel.SMS
    assert worker.message_channels() == [("sms", "+4791234567")]


def test_a_registration_without_a_choice_gets_email(client, world):
    client.post(reverse("volunteers:register"), form_data(world))
    assert Volunteer.objects.get().contact_channel == ContactChannel.EMAIL


def test_a_channel_that_is_not_offered_is_a_form_error_in_norwegian(client, world):
    response = client.post(reverse("volunteers:register"), form_data(world, contact_channel="fax"))
    assert response.status_code == 200
    assert "Velg et gyldig valg" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_hr_changes_the_channel_with_the_contact_details_and_it_is_audited(client, world):
    from tests.placements.factories import make_placement

    placement = make_placement(unit=world.home)
    client.force_login(world.hr)
    response = client.post(
        reverse("placements:worker_contact", kwargs={"pk": placement.pk}),
        {"email": placement.worker.email, "phone": "912 34 567", "contact_channel": "both"},
    )
    assert response.status_code == 302
    worker = Worker.objects.get(pk=placement.worker_id)
    assert worker.contact_channel == ContactChannel.BOTH
    assert AuditEntry.objects.filter(object_id=str(worker.pk)).exists()
    page = client.get(reverse("placements:placement_detail", kwargs={"pk": placement.pk}))
    assert 'value="both" selected' in page.content.decode()


@pytest.mark.parametrize(
    ("channel", "email", "phone", "expected"),
    [
        ("email", "a@example.test", "91234567", [("email", "a@example.test")]),
        ("sms", "a@example.test", "91234567", [("sms", "+4791234567")]),
        (
            "both",
            "a@example.test",
            "91234567",
            [("email", "a@example.test"), ("sms", "+4791234567")],
        ),
        # the chosen channel has no address: whatever there is
        ("sms", "a@example.test", "", [("email", "a@example.test")]),
        ("email", "", "91234567", [("sms", "+4791234567")]),
        ("both", "", "ring meg", []),
    ],
)
def test_message_channels_follow_the_choice_and_fall_back(channel, email, phone, expected):
    worker = WorkerFactory.build(contact_channel=channel, email=email, phone=phone)
    assert worker.message_channels() == expected


def test_hr_sets_the_language_of_messages_and_the_next_offer_sms_is_in_it(client, world):
    from matching.offers import offer_send
    from outbox.models import Message
    from tests.matching.factories import proposal_in_home
    from tests.placements.factories import make_placement

    placement = make_placement(unit=world.home)
    client.force_login(world.hr)
    response = client.post(
        reverse("placements:worker_contact", kwargs={"pk": placement.pk}),
        {"email": "", "phone": "912 34 567", "contact_channel": "sms", "language": "en"},
    )
    assert response.status_code == 302
    worker = Worker.objects.get(pk=placement.worker_id)
    assert (worker.language, worker.contact_channel) == ("en", "sms")

    from tests.matching.factories import employee

    person = employee(world, phone="912 34 568", contact_channel="sms", language="en")
    sent, errors = offer_send(
        proposals=[proposal_in_home(world, worker=person)], by=world.coordinator
    )
    assert not errors
    assert sent[0].language == "en"
    assert Message.objects.get(kind="matching.offer").body.startswith("Dugnad: Can you take")


def test_a_language_that_is_not_offered_is_refused(client, world):
    from tests.placements.factories import make_placement

    placement = make_placement(unit=world.home)
    client.force_login(world.hr)
    response = client.post(
        reverse("placements:worker_contact", kwargs={"pk": placement.pk}),
        {"email": "", "phone": "", "contact_channel": "sms", "language": "xx"},
    )
    assert response.status_code == 200
    assert Worker.objects.get(pk=placement.worker_id).language == ""


def test_a_volunteer_changes_the_channel_on_their_own_page(client, world):
    from tests.volunteers.factories import VolunteerFactory

    token = "own-page-token-abcdefghijklmnopqrstuvwxyz012"
    volunteer = VolunteerFactory(
        district=world.north, token=token, qualifications=[world.quals["sykepleier"]]
    )
    url = reverse("volunteers:me", kwargs={"token": token})
    page = client.get(url).content.decode()
    assert 'name="contact_channel"' in page

    data = form_data(world, email=volunteer.email, contact_channel="sms")
    response = client.post(url, data)
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.contact_channel == ContactChannel.SMS
