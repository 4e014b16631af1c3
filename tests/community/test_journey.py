import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import JourneyStep, VolunteerContact
from outbox.models import Message
from tests.community.factories import general_volunteer
from tests.staffing.factories import UserFactory
from volunteers.models import CourseSession, Milestone
from volunteers.services import course_signup


@pytest.fixture
def placed(world):
    contact = UserFactory(email="kontakt@dugnad.test", role="unit_leader", led_units=[world.home])
    services.contact_person_set(unit=world.home, user=contact, by=world.volunteer_coordinator)
    volunteer = general_volunteer(world, first_name="Vera")
    activity = services.activity_place(
        volunteer=volunteer,
        unit=world.home,
        description="Høytlesning",
        starts_on=timezone.localdate() + dt.timedelta(days=14),
        by=world.volunteer_coordinator,
    )
    return contact, volunteer, activity


def test_placing_a_volunteer_plans_the_journey_and_tells_the_contact_person(world, placed):
    contact, volunteer, activity = placed
    steps = {s.kind: s.planned_on for s in activity.steps.all()}
    start = activity.starts_on
    assert steps == {
        "first_meeting": start - dt.timedelta(days=7),
        "introduction_course": None,
        "first_assignment": start,
        "follow_up_call": start + dt.timedelta(days=28),
    }
    message = Message.objects.get(kind="community.volunteer_placed")
    assert message.recipient == contact.email
    assert "Vera" in message.body and volunteer.phone in message.body


def test_the_contact_person_is_reminded_once_per_planned_date(world, placed):
    contact, _volunteer, activity = placed
    meeting = activity.steps.get(kind="first_meeting")
    day_before = meeting.planned_on - dt.timedelta(days=1)
    assert services.journey_reminders(today=day_before - dt.timedelta(days=5)) == 0
    assert services.journey_reminders(today=day_before) == 1
    assert services.journey_reminders(today=day_before) == 0  # not twice
    reminder = Message.objects.get(kind="community.journey_reminder")
    assert reminder.recipient == contact.email
    # a moved date is reminded again
    services.journey_step_update(
        step=meeting,
        by=contact,
        planned_on=meeting.planned_on + dt.timedelta(days=1),
        done_on=None,
    )
    assert services.journey_reminders(today=day_before + dt.timedelta(days=1)) == 1


def test_the_course_reminder_uses_the_session_the_volunteer_chose(world, placed):
    _contact, volunteer, _activity = placed
    start = timezone.now() + dt.timedelta(days=3)
    session = CourseSession.objects.create(
        starts_at=start, ends_at=start + dt.timedelta(hours=2), place="Rådhuset", capacity=10
    )
    course_signup(volunteer=volunteer, session_id=session.pk)
    today = timezone.localtime(start).date() - dt.timedelta(days=1)
    services.journey_reminders(today=today)
    kinds = [
        JourneyStep.objects.get(pk=pk).kind
        for pk in JourneyStep.objects.exclude(reminded_for=None).values_list("pk", flat=True)
    ]
    assert "introduction_course" in kinds


def test_a_done_step_becomes_the_volunteers_milestone(world, placed):
    contact, volunteer, activity = placed
    step = activity.steps.get(kind="first_meeting")
    services.journey_step_update(
        step=step, by=contact, planned_on=step.planned_on, done_on=timezone.localdate()
    )
    milestone = Milestone.objects.get(volunteer=volunteer)
    assert milestone.kind == "first_meeting" and milestone.recorded_by == contact


def test_the_contact_person_records_through_the_page_and_another_leader_cannot(
    client, world, placed
):
    contact, _volunteer, activity = placed
    step = activity.steps.get(kind="first_meeting")
    client.force_login(contact)
    assert client.get(reverse("community:journey_detail", args=[activity.pk])).status_code == 200
    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("community:journey_step", args=[activity.pk, step.pk]),
        {f"step{step.pk}-planned_on": today, f"step{step.pk}-done_on": today},
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.done_on == timezone.localdate()

    client.force_login(world.leader2)
    assert client.get(reverse("community:journey_detail", args=[activity.pk])).status_code == 404
    listing = client.get(reverse("community:journey_list"))
    assert list(listing.context["page"]) == []


def test_only_active_staff_can_be_contact_persons(world):
    inactive = UserFactory(is_active=False, role="hr")
    with pytest.raises(services.CommunityError):
        services.contact_person_set(unit=world.home, user=inactive, by=world.volunteer_coordinator)
    services.contact_person_set(unit=world.home, user=world.hr, by=world.volunteer_coordinator)
    services.contact_person_set(unit=world.home, user=None, by=world.volunteer_coordinator)
    assert not VolunteerContact.objects.exists()


def test_journey_list_has_a_bounded_number_of_queries(
    client, world, placed, django_assert_max_num_queries
):
    for _ in range(10):
        services.activity_place(
            volunteer=general_volunteer(world),
            unit=world.home,
            description="Tur",
            starts_on=timezone.localdate(),
            by=world.volunteer_coordinator,
        )
    client.force_login(world.volunteer_coordinator)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("community:journey_list"))
    assert len(response.context["page"]) == 11
