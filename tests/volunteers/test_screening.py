import csv
import datetime as dt
import io
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from outbox.models import Message
from staffing.models import Availability, Worker, WorkerSource
from tests.staffing.factories import SkillFactory
from tests.volunteers.factories import VolunteerFactory
from volunteers.models import Event, Milestone, Status, Volunteer
from volunteers.services import VolunteerError, volunteer_admit, volunteer_screen


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("volunteer_coordinator", 200),
        ("admin", 200),
        ("coordinator", 403),
        ("hr", 403),
        ("unit_leader", 403),
    ],
)
def test_only_volunteer_coordinators_and_admins_see_the_queue(client, world, role, status):
    VolunteerFactory(first_name="Synnøve")
    client.force_login(world.users[role])
    response = client.get("/volunteers/")
    assert response.status_code == status
    assert ("Synnøve" in response.content.decode()) == (status == 200)


def test_anonymous_visitor_is_sent_to_login_from_the_queue(client, world):
    response = client.get("/volunteers/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_queue_filters_by_status_qualification_district_and_willingness(client, world):
    nurse = VolunteerFactory(
        first_name="Sykepleier", district=world.north, qualifications=[world.quals["sykepleier"]]
    )
    VolunteerFactory(
        first_name="Lege",
        district=world.south,
        wants_contract=False,
        qualifications=[world.quals["lege"]],
        status=Status.CONTACTED,
    )
    client.force_login(world.volunteer_coordinator)

    def names(**params):
        response = client.get("/volunteers/", params)
        assert response.status_code == 200
        return {v.first_name for v in response.context["page"]}

    assert names() == {"Sykepleier", "Lege"}
    assert names(status="contacted") == {"Lege"}
    assert names(qualification=world.quals["sykepleier"].pk) == {"Sykepleier"}
    assert names(district=world.south.pk) == {"Lege"}
    assert names(wants_contract="true") == {"Sykepleier"}
    assert names(wants_contract="false") == {"Lege"}
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert names(registered_from=tomorrow.isoformat()) == set()
    assert names(available_on=tomorrow.isoformat()) == {"Sykepleier", "Lege"}
    Volunteer.objects.filter(pk=nurse.pk).update(available_from=tomorrow + dt.timedelta(days=5))
    assert names(available_on=tomorrow.isoformat()) == {"Lege"}
    assert names(sort="name") == {"Sykepleier", "Lege"}


def test_bad_filter_values_do_not_break_the_queue(client, world):
    client.force_login(world.volunteer_coordinator)
    response = client.get(
        "/volunteers/", {"status": "bogus", "available_on": "not-a-date", "page": "x"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_queue_runs_a_bounded_number_of_queries(client, world, django_assert_max_num_queries, size):
    for _ in range(size):
        VolunteerFactory(district=world.north, qualifications=[world.quals["sykepleier"]])
    client.force_login(world.volunteer_coordinator)
    with django_assert_max_num_queries(12):
        response = client.get("/volunteers/", {"sort": "-registered"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(size, 25)


@pytest.mark.parametrize("size", [3, 30])
def test_csv_export_of_current_filter_has_bounded_queries_and_logs_access(
    client, world, django_assert_max_num_queries, size
):
    for _ in range(size):
        VolunteerFactory(qualifications=[world.quals["sykepleier"]], first_name="=cmd|x")
    VolunteerFactory(status=Status.NOT_SUITABLE, first_name="Utenfor")
    client.force_login(world.volunteer_coordinator)
    with django_assert_max_num_queries(12):
        response = client.get("/volunteers/export.csv", {"status": "new"})
        # streamed: the rows are read while the body is sent
        body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) == size + 1
    assert rows[1][3] == "'=cmd|x"  # no formula injection
    assert rows[1][6] == "+4791234567"  # phone numbers stay as they are
    assert "Utenfor" not in body
    assert (
        Event.objects.filter(kind=Event.Kind.EXPORTED, by=world.volunteer_coordinator).count()
        == size
    )


def test_opening_a_record_is_logged_without_personal_data_in_the_url(client, world):
    volunteer = VolunteerFactory()
    client.force_login(world.volunteer_coordinator)
    response = client.get(f"/volunteers/{volunteer.pk}/")
    assert response.status_code == 200
    assert volunteer.events.filter(kind=Event.Kind.VIEWED, by=world.volunteer_coordinator).exists()


def test_status_change_records_who_what_when_with_note_and_follow_up(client, world):
    volunteer = VolunteerFactory()
    client.force_login(world.volunteer_coordinator)
    follow_up = timezone.localdate() + dt.timedelta(days=3)

    response = client.post(
        f"/volunteers/{volunteer.pk}/screen/",
        {"status": "contacted", "note": "Ringte, svarte ikke", "follow_up_on": follow_up},
    )

    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.status == Status.CONTACTED
    assert volunteer.follow_up_on == follow_up
    status_event = volunteer.events.get(kind=Event.Kind.STATUS)
    assert (status_event.from_status, status_event.to_status) == (Status.NEW, Status.CONTACTED)
    assert status_event.by == world.volunteer_coordinator
    assert volunteer.events.get(kind=Event.Kind.NOTE).note == "Ringte, svarte ikke"
    assert volunteer.events.filter(kind=Event.Kind.FOLLOW_UP).exists()
    history = client.get(f"/volunteers/{volunteer.pk}/").content.decode()
    assert "Ringte, svarte ikke" in history
    assert world.volunteer_coordinator.email in history


def test_invalid_screening_input_shows_errors_and_changes_nothing(client, world):
    volunteer = VolunteerFactory()
    client.force_login(world.volunteer_coordinator)
    response = client.post(
        f"/volunteers/{volunteer.pk}/screen/", {"status": "bogus", "follow_up_on": "31.31.2026"}
    )
    assert response.status_code == 400
    volunteer.refresh_from_db()
    assert volunteer.status == Status.NEW


def test_admitting_to_the_pool_creates_a_worker_matching_can_use(
    world, django_capture_on_commit_callbacks
):
    language = SkillFactory(code="polsk", name="Polsk", kind="language")
    start = timezone.localdate() + dt.timedelta(days=2)
    volunteer = VolunteerFactory(
        district=world.north,
        hpr_number="7654321",
        available_from=start,
        available_to=start + dt.timedelta(days=6),
        times_of_day="day",
        qualifications=[world.quals["sykepleier"]],
    )
    volunteer.languages.set([language])

    with (
        mock.patch("volunteers.services.request_matching_resolve") as trigger,
        django_capture_on_commit_callbacks(execute=True),
    ):
        worker = volunteer_admit(volunteer=volunteer, by=world.volunteer_coordinator)

    # matching re-solves the part of its instance the new person's windows touch
    trigger.assert_called_once_with(trigger="worker_available", worker_ids=[worker.pk])
    worker = Worker.objects.get(pk=worker.pk)
    assert worker.source == WorkerSource.VOLUNTEER
    assert worker.is_active
    assert worker.hpr_number == "7654321"
    assert worker.hpr_verified_at is None  # HR or the coordinator verifies later
    assert worker.home_district == world.north
    assert list(worker.qualifications.all()) == [world.quals["sykepleier"]]
    assert list(worker.skills.all()) == [language]
    assert Availability.objects.filter(worker=worker).count() == 7
    volunteer.refresh_from_db()
    assert volunteer.status == Status.STAFFING_POOL
    assert volunteer.worker_id == worker.pk
    assert volunteer.events.filter(kind=Event.Kind.ADMITTED).exists()


def test_leaving_the_pool_deactivates_the_worker_and_readmission_reuses_it(world):
    volunteer = VolunteerFactory(qualifications=[world.quals["sykepleier"]])
    worker = volunteer_admit(volunteer=volunteer, by=world.volunteer_coordinator)

    volunteer_screen(
        volunteer=volunteer, by=world.volunteer_coordinator, status=Status.NOT_SUITABLE
    )
    worker.refresh_from_db()
    assert not worker.is_active

    again = volunteer_admit(volunteer=volunteer, by=world.volunteer_coordinator)
    assert again.pk == worker.pk
    assert Worker.objects.get(pk=worker.pk).is_active
    assert Worker.objects.filter(source=WorkerSource.VOLUNTEER).count() == 1


def test_cannot_admit_without_qualification(world):
    volunteer = VolunteerFactory()
    with pytest.raises(VolunteerError):
        volunteer_admit(volunteer=volunteer, by=world.volunteer_coordinator)
    volunteer.refresh_from_db()
    assert volunteer.status == Status.NEW
    assert volunteer.worker is None


def test_coordinator_marking_withdrawn_requires_confirmation_and_erases(client, world):
    volunteer = VolunteerFactory(free_text="hemmelig")
    client.force_login(world.volunteer_coordinator)
    response = client.post(f"/volunteers/{volunteer.pk}/screen/", {"status": "withdrawn"})
    assert response.status_code == 400
    assert Volunteer.objects.get(pk=volunteer.pk).erased_at is None

    response = client.post(
        f"/volunteers/{volunteer.pk}/screen/", {"status": "withdrawn", "confirm_withdraw": "on"}
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.erased_at is not None
    assert volunteer.free_text == "" and volunteer.email == ""


def test_milestones_of_the_volunteer_journey_are_recorded_once_each(client, world):
    volunteer = VolunteerFactory()
    client.force_login(world.volunteer_coordinator)
    url = f"/volunteers/{volunteer.pk}/milestone/"
    client.post(url, {"kind": "introduction_course", "done_on": "2026-11-20"})
    response = client.post(url, {"kind": "introduction_course", "done_on": "2026-11-21"})

    assert response.status_code == 302
    milestone = Milestone.objects.get(volunteer=volunteer)
    assert milestone.done_on == dt.date(2026, 11, 21)
    assert milestone.recorded_by == world.volunteer_coordinator
    assert volunteer.events.filter(kind=Event.Kind.MILESTONE).count() == 2
    bad = client.post(url, {"kind": "nonsense", "done_on": "x"})
    assert bad.status_code == 400


def test_general_volunteer_register_lists_only_general_volunteers(client, world):
    VolunteerFactory(
        first_name="Handler", status=Status.GENERAL_VOLUNTEER, general_tasks="shopping"
    )
    VolunteerFactory(first_name="Ny")
    client.force_login(world.volunteer_coordinator)
    response = client.get("/volunteers/register/", {"general_task": "shopping"})
    assert {v.first_name for v in response.context["page"]} == {"Handler"}
    export = b"".join(client.get("/volunteers/register/export.csv").streaming_content).decode(
        "utf-8-sig"
    )
    assert "Handler" in export and "Ny," not in export


def test_referrals_are_sent_to_the_emergency_clinic_once(
    client, world, settings, django_capture_on_commit_callbacks
):
    doctor = VolunteerFactory(
        first_name="Doktor", status=Status.EMERGENCY_CLINIC, qualifications=[world.quals["lege"]]
    )
    VolunteerFactory(first_name="Foreslått", qualifications=[world.quals["lege"]])  # suggested only
    client.force_login(world.volunteer_coordinator)

    listing = client.get("/volunteers/referrals/").content.decode()
    assert "Doktor" in listing and "Foreslått" not in listing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/volunteers/referrals/send/")
    assert response.status_code == 302

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [settings.DUGNAD["EMERGENCY_CLINIC_EMAIL"]]
    attachment = message.attachments[0][1]
    assert "Doktor" in attachment and "Foreslått" not in attachment
    doctor.refresh_from_db()
    assert doctor.referral_sent_at is not None
    assert doctor.events.filter(kind=Event.Kind.REFERRAL_SENT).exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/volunteers/referrals/send/")
    assert len(mail.outbox) == 1  # nothing new to send

    export = client.get("/volunteers/referrals/export.csv")
    assert "Doktor" in export.content.decode("utf-8-sig")


def test_overdue_follow_ups_are_highlighted_in_the_queue(client, world):
    VolunteerFactory(follow_up_on=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(world.volunteer_coordinator)
    response = client.get("/volunteers/", {"sort": "follow_up"})
    assert 'class="overdue"' in response.content.decode()


def test_referral_list_waits_in_the_outbox_while_the_mail_server_fails(
    client, world, django_capture_on_commit_callbacks
):
    doctor = VolunteerFactory(first_name="Doktor", status=Status.EMERGENCY_CLINIC)
    client.force_login(world.volunteer_coordinator)
    with (
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=OSError("smtp down"),
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post("/volunteers/referrals/send/", follow=True)
    assert response.status_code == 200
    doctor.refresh_from_db()
    assert doctor.referral_sent_at is not None
    message = Message.objects.get(kind="volunteers.referrals")
    assert (message.status, message.attempts) == (Message.Status.QUEUED, 1)
    assert "smtp down" in message.last_error
    assert mail.outbox == []

    # the mail server is back: the retry sends the list once
    call_command("outbox_flush", "--now")
    call_command("outbox_flush", "--now")
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert len(mail.outbox) == 1
    assert "Doktor" in mail.outbox[0].attachments[0][1]
