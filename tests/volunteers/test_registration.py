import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from staffing.models import AuditEntry, Worker
from tests.volunteers.factories import VolunteerFactory
from volunteers.models import Event, Route, Status, Volunteer

URL = "/volunteer/"


def form_data(world, **overrides):
    data = {
        "first_name": "Frida",
        "last_name": "Frivilligsen",
        "email": "frida@example.test",
        "phone": "912 34 567",
        "district": world.north.pk,
        "postcode": "",
        "qualifications": [world.quals["sykepleier"].pk],
        "hpr_number": "1234567",
        "available_from": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
        "times_of_day": ["day"],
        "wants_contract": "on",
        "free_text": "Jeg har jobbet på sykehjem.",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_public_registration_creates_volunteer_with_consent_and_sends_personal_link(
    client, world, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data(world))

    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:thanks")
    volunteer = Volunteer.objects.get()
    assert volunteer.phone == "+4791234567"
    assert volunteer.status == Status.NEW
    assert volunteer.suggested_route == Route.STAFFING_POOL
    assert volunteer.consent_version == settings.DUGNAD["PRIVACY_NOTICE_VERSION"]
    assert volunteer.consent_at is not None
    assert list(volunteer.qualifications.all()) == [world.quals["sykepleier"]]
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "/volunteer/me/" in body
    # no personal data in the link: only the random token, stored hashed
    link = body.split("/volunteer/me/")[1].split("/")[0]
    assert "frida" not in link.lower()
    assert volunteer.token_hash and link not in volunteer.token_hash
    assert client.get(f"/volunteer/me/{link}/").status_code == 200


def test_swedish_phone_number_is_accepted_and_stored_as_e164(client, world):
    response = client.post(URL, form_data(world, phone="070-123 45 67"))
    assert response.status_code == 302
    assert Volunteer.objects.get().phone == "+46701234567"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12345", "gyldig telefonnummer"),
        ("email", "not-an-address", "e-post"),
        ("hpr_number", "12ab", "HPR-nummer"),
        ("available_from", "2020-01-01", "fortiden"),
        ("consent", None, "personvernerklæringen"),
    ],
)
def test_invalid_input_gives_field_error_in_norwegian_and_keeps_what_was_typed(
    client, world, field, value, message
):
    data = form_data(world, **{field: value})
    response = client.post(URL, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Frivilligsen"' in html
    assert "Jeg har jobbet på sykehjem." in html
    assert not Volunteer.objects.exists()


def test_at_least_one_way_to_help_is_required(client, world):
    response = client.post(URL, form_data(world, wants_contract=None))
    assert response.status_code == 200
    assert "minst én måte å hjelpe på" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_student_must_give_year_of_study(client, world):
    data = form_data(world, qualifications=[world.quals["sykepleierstudent"].pk])
    response = client.post(URL, data)
    assert response.status_code == 200
    assert not Volunteer.objects.exists()
    data["study_year"] = "2"
    assert client.post(URL, data).status_code == 302
    assert Volunteer.objects.get().study_year == 2


def test_student_year_is_asked_on_its_field(client, world):
    data = form_data(world, qualifications=[world.quals["sykepleierstudent"].pk])
    response = client.post(URL, data)
    assert response.context["form"].errors["study_year"] == ["Skriv hvilket studieår du går i."]
    assert not Volunteer.objects.exists()


def _valid_data(world, **overrides):
    from volunteers.forms import RegistrationForm

    form = RegistrationForm(form_data(world))
    assert form.is_valid(), form.errors
    return {**form.cleaned_data, **overrides}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"wants_contract": False, "general_tasks": []}, "general_tasks"),
        ({"qualifications": "student", "study_year": None}, "study_year"),
        ({"available_to": dt.date(2020, 1, 1)}, "available_to"),
        ({"district": None, "postcode": ""}, "district"),
    ],
)
def test_the_registration_service_keeps_the_rules_for_any_caller(world, overrides, field):
    """Not only the public form: a command, a task or a test calling the service directly."""
    from django.core.exceptions import ValidationError

    from volunteers import services

    if overrides.get("qualifications") == "student":
        overrides["qualifications"] = [world.quals["sykepleierstudent"]]
    with pytest.raises(ValidationError) as caught:
        services.volunteer_register(data=_valid_data(world, **overrides))
    assert list(caught.value.message_dict) == [field]
    assert not Volunteer.objects.exists()


def test_the_volunteers_own_update_keeps_the_rules_too(world):
    from django.core.exceptions import ValidationError

    from volunteers import services

    volunteer = services.volunteer_register(data=_valid_data(world)).volunteer
    with pytest.raises(ValidationError) as caught:
        services.volunteer_update_self(
            volunteer=volunteer, data=_valid_data(world, wants_contract=False, general_tasks=[])
        )
    assert list(caught.value.message_dict) == ["general_tasks"]
    volunteer.refresh_from_db()
    assert volunteer.wants_contract is True


def test_malformed_choices_give_form_errors_not_server_errors(client, world):
    data = form_data(world, qualifications=["abc"], district="999999", weekdays=["9"])
    response = client.post(URL, data)
    assert response.status_code == 200
    assert not Volunteer.objects.exists()


def _admitted_nurse(world):
    from volunteers import services

    volunteer = VolunteerFactory(
        email="nina@example.test",
        first_name="Nina",
        last_name="Nurse",
        phone="+4799999999",
        hpr_number="7654321",
        district=world.north,
        qualifications=[world.quals["sykepleier"]],
        token="nina-original-token-abcdefghijkl",
        language="nb",
    )
    services.volunteer_admit(volunteer=volunteer, by=world.volunteer_coordinator)
    volunteer.refresh_from_db()
    return volunteer


def _snapshot(volunteer):
    volunteer.refresh_from_db()
    worker = Worker.objects.get(pk=volunteer.worker_id)
    return {
        "volunteer": {
            f: getattr(volunteer, f)
            for f in ("first_name", "last_name", "phone", "hpr_number", "token_hash", "status")
        },
        "qualifications": list(volunteer.qualifications.values_list("code", flat=True)),
        "worker": (worker.first_name, worker.last_name, worker.phone, worker.hpr_number),
        "worker_verified": worker.hpr_verified_at,
        "events": volunteer.events.count(),
    }


def test_registering_with_a_known_address_changes_nothing_and_mails_the_owner_her_link(
    client, world, django_capture_on_commit_callbacks
):
    nina = _admitted_nurse(world)
    before = _snapshot(nina)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL,
            form_data(
                world,
                email="NINA@example.test",
                first_name="Mallory",
                last_name="Attacker",
                phone="48 00 00 00",
                hpr_number="1111111",
                qualifications=[world.quals["assistent"].pk],
            ),
            follow=True,
        )

    assert response.status_code == 200
    assert _snapshot(nina) == before
    assert Volunteer.objects.count() == 1
    # the owner, not the attacker, is written to, in her own name, with a link that works
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nina@example.test"]
    assert "Nina" in message.body and "Mallory" not in message.body
    link = message.body.split("/volunteer/me/")[1].split("/")[0]
    assert client.get(f"/volunteer/me/{link}/").status_code == 200
    # and the link she had keeps working
    assert client.get("/volunteer/me/nina-original-token-abcdefghijkl/").status_code == 200


def test_link_sent_again_stops_working_when_the_volunteer_withdraws(
    client, world, django_capture_on_commit_callbacks
):
    from volunteers import services

    nina = _admitted_nurse(world)
    link = services.link_token(nina)
    assert client.get(f"/volunteer/me/{link}/").status_code == 200
    forged = f"{nina.pk}x" + "0" * 48
    assert client.get(f"/volunteer/me/{forged}/").status_code == 404

    services.volunteer_withdraw(volunteer=nina)

    assert client.get(f"/volunteer/me/{link}/").status_code == 404


def test_known_and_unknown_addresses_get_the_same_answer(
    client, world, django_capture_on_commit_callbacks
):
    _admitted_nurse(world)
    mail.outbox.clear()

    def answer(email):
        with django_capture_on_commit_callbacks(execute=True):
            first = client.post(URL, form_data(world, email=email))
        page = client.get(first["Location"]).content.decode()
        return (
            first.status_code,
            first["Location"],
            re.sub(r"[A-Za-z0-9]{64}", "", page),
        )  # CSRF tokens

    known = answer("nina@example.test")
    unknown = answer("someone-new@example.test")

    assert known == unknown
    assert "nothing has been changed" in known[2] or "er ingenting endret" in known[2]
    assert len(mail.outbox) == 2
    assert Volunteer.objects.filter(email="someone-new@example.test").exists()


def test_honeypot_pretends_success_and_stores_nothing(client, world):
    response = client.post(URL, form_data(world, website="http://spam.example"))
    assert response.status_code == 302
    assert not Volunteer.objects.exists()
    assert not mail.outbox


def test_over_the_limit_the_form_keeps_everything_typed_and_explains_with_429(
    client, world, settings
):
    settings.DUGNAD = {**settings.DUGNAD, "REGISTRATION_RATE_LIMIT": "2/h"}
    for n in range(2):
        assert client.post(URL, form_data(world, email=f"p{n}@example.test")).status_code == 302

    response = client.post(URL, form_data(world, email="p3@example.test"))

    assert response.status_code == 429
    html = response.content.decode()
    assert "Ingenting av det du skrev, er borte" in html
    assert 'value="p3@example.test"' in html
    assert 'value="Frivilligsen"' in html
    assert "Jeg har jobbet på sykehjem." in html
    assert Volunteer.objects.count() == 2
    # another address is not affected
    other = client.post(URL, form_data(world, email="p4@example.test"), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302
    assert Volunteer.objects.count() == 3


def test_default_limit_lets_a_registration_drive_on_one_network_through(client, world):
    for n in range(40):
        response = client.post(URL, form_data(world, email=f"drive{n}@example.test"))
        assert response.status_code == 302, n
    assert Volunteer.objects.count() == 40


def test_behind_trusted_proxies_the_limit_counts_per_client_not_per_proxy(client, world, settings):
    settings.DUGNAD = {
        **settings.DUGNAD,
        "REGISTRATION_RATE_LIMIT": "2/h",
        "TRUSTED_PROXY_COUNT": 1,
    }
    proxy = {"REMOTE_ADDR": "172.18.0.5"}

    def post(email, forwarded):
        data = form_data(world, email=email)
        return client.post(URL, data, HTTP_X_FORWARDED_FOR=forwarded, **proxy)

    assert post("a1@example.test", "203.0.113.1").status_code == 302
    assert post("a2@example.test", "203.0.113.1").status_code == 302
    assert post("a3@example.test", "203.0.113.1").status_code == 429
    # other people behind the same proxy are counted apart
    assert post("b1@example.test", "203.0.113.2").status_code == 302
    # a client cannot pick its own address: only the proxy's entry (from the right) counts
    assert post("a4@example.test", "198.51.100.7, 203.0.113.1").status_code == 429
    assert Volunteer.objects.count() == 3


def test_oversized_post_gets_a_friendly_400(client, world):
    data = form_data(world, free_text="x" * (1024 * 1024 + 10))
    response = client.post(URL, data)
    assert response.status_code == 400
    assert "Forespørselen kunne ikke behandles" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_too_many_fields_gets_a_400(client, world):
    data = form_data(world)
    data.update({f"f{n}": "x" for n in range(600)})
    response = client.post(URL, data)
    assert response.status_code == 400
    assert not Volunteer.objects.exists()


def test_volunteer_updates_own_data_through_personal_link(client, world):
    volunteer = VolunteerFactory(token="tok-abcdefghijklmnopqrstuvwxyz", district=world.north)
    url = "/volunteer/me/tok-abcdefghijklmnopqrstuvwxyz/"
    data = form_data(world, email=volunteer.email, phone="+46 70 123 45 67")
    data["available_from"] = volunteer.available_from.isoformat()

    response = client.post(url, data)

    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.phone == "+46701234567"
    assert volunteer.events.filter(kind=Event.Kind.UPDATED).exists()


def test_unknown_or_malformed_token_is_404(client, world):
    assert client.get("/volunteer/me/nope-nope-nope-nope-nope-nope/").status_code == 404
    assert client.get("/volunteer/me/%3Cscript%3E/").status_code == 404


def test_withdrawal_erases_personal_data_and_deactivates_worker(client, world):
    volunteer = VolunteerFactory(
        token="tok-withdraw-abcdefghijklmnop",
        district=world.north,
        hpr_number="1234567",
        free_text="Ring meg etter kl 16",
        qualifications=[world.quals["sykepleier"]],
    )
    from volunteers.services import volunteer_admit, volunteer_screen

    volunteer_screen(volunteer=volunteer, by=world.volunteer_coordinator, note="Snakket med Frida")
    worker = volunteer_admit(volunteer=volunteer, by=world.volunteer_coordinator)
    assert worker.is_active and worker.availability.exists()
    from staffing.services import worker_contact_update

    worker_contact_update(worker=worker, by=world.hr, email="ny.adresse@example.test", phone="")

    response = client.post("/volunteer/me/tok-withdraw-abcdefghijklmnop/withdraw/")

    assert response.status_code == 200
    volunteer.refresh_from_db()
    assert volunteer.status == Status.WITHDRAWN
    assert volunteer.erased_at is not None
    for field in ("first_name", "last_name", "email", "phone", "hpr_number", "free_text"):
        assert getattr(volunteer, field) == "", field
    assert not volunteer.events.exclude(note="").exists()
    # anonymous facts stay for counts
    assert volunteer.qualifications.count() == 1
    assert volunteer.district == world.north
    worker = Worker.objects.get(pk=worker.pk)
    assert not worker.is_active
    assert worker.email == worker.phone == worker.hpr_number == worker.first_name == ""
    assert not worker.availability.exists()
    # the audit trail keeps who changed what when, but not the values
    trail = AuditEntry.objects.filter(object_type="staffing.worker", object_id=worker.pk)
    assert trail.filter(field="email").exists()
    assert not trail.exclude(old_value="", new_value="").exists()
    # the link is dead
    assert client.get("/volunteer/me/tok-withdraw-abcdefghijklmnop/").status_code == 404


def test_pause_deactivates_pool_worker_and_resume_reactivates(client, world):
    volunteer = VolunteerFactory(
        token="tok-pause-abcdefghijklmnopqr", qualifications=[world.quals["sykepleier"]]
    )
    from volunteers.services import volunteer_admit

    worker = volunteer_admit(volunteer=volunteer, by=world.volunteer_coordinator)
    url = "/volunteer/me/tok-pause-abcdefghijklmnopqr/pause/"

    assert client.post(url, {"paused": "1"}).status_code == 302
    worker.refresh_from_db()
    assert not worker.is_active
    assert Volunteer.objects.get(pk=volunteer.pk).is_paused

    client.post(url, {"paused": "0"})
    worker.refresh_from_db()
    assert worker.is_active


def test_volunteer_can_download_own_data(client, world):
    VolunteerFactory(token="tok-export-abcdefghijklmnop", first_name="Åse")
    response = client.get("/volunteer/me/tok-export-abcdefghijklmnop/export/")
    assert response.status_code == 200
    assert response.json()["first_name"] == "Åse"


def test_privacy_notice_shows_its_version(client, settings, db):
    response = client.get("/volunteer/privacy/")
    assert settings.DUGNAD["PRIVACY_NOTICE_VERSION"] in response.content.decode()


def test_consent_box_is_unticked_by_default(client, db):
    html = client.get(URL).content.decode()
    consent = html.split('name="consent"')[1].split(">")[0]
    assert "checked" not in consent


def test_errors_are_in_english_when_english_is_chosen(client, world):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.post(URL, form_data(world, phone="12"))
    assert response.status_code == 200
    assert "Enter a valid phone number" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_race_on_a_new_address_is_answered_like_a_known_address(world, monkeypatch):
    """Two first registrations with one address at once: the second must not be a 500."""
    from django.db import IntegrityError

    from volunteers import services
    from volunteers.forms import RegistrationForm

    form = RegistrationForm(form_data(world))
    assert form.is_valid(), form.errors
    real = services._register
    calls = []

    def racing(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            VolunteerFactory(email="frida@example.test")  # the other request won
            raise IntegrityError("volunteer_unique_email")
        return real(**kwargs)

    monkeypatch.setattr(services, "_register", racing)
    result = services.volunteer_register(data=form.cleaned_data)
    assert not result.created
    assert Volunteer.objects.filter(email="frida@example.test").count() == 1


def test_the_confirmation_is_written_in_the_volunteers_language_and_sent_after_commit(
    client, world, django_capture_on_commit_callbacks
):
    from outbox.models import Message

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data(world))

    assert response.status_code == 302
    message = Message.objects.get(kind="volunteers.confirmation")
    assert message.recipient == Volunteer.objects.get().email
    assert (message.language, message.status) == ("en", Message.Status.SENT)
    assert mail.outbox[0].subject == "Your registration as a volunteer"
    assert "Your personal link" in mail.outbox[0].body


def test_withdrawal_also_erases_messages_to_the_volunteer(client, world):
    from outbox.models import Message

    # registered while the broker was down: the confirmation still waits in the outbox
    client.post(URL, form_data(world))
    volunteer = Volunteer.objects.get()
    assert Message.objects.filter(recipient=volunteer.email).count() == 1

    from volunteers.services import volunteer_withdraw

    volunteer_withdraw(volunteer=volunteer)

    assert not Message.objects.exists()
    assert mail.outbox == []
