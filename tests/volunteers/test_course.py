import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.volunteers.factories import VolunteerFactory
from volunteers import services
from volunteers.models import CourseSession, CourseSignup, Milestone

TOKEN = "course-token-abcdefghijklmnopqrstuvwxyz0123"


def _session(capacity=2, days=5) -> CourseSession:
    start = timezone.now() + dt.timedelta(days=days)
    return CourseSession.objects.create(
        starts_at=start, ends_at=start + dt.timedelta(hours=2), place="Rådhuset", capacity=capacity
    )


def test_a_volunteer_signs_up_through_their_link_up_to_capacity(client, world):
    session = _session(capacity=1)
    volunteer = VolunteerFactory(district=world.north, token=TOKEN)
    page = client.get(reverse("volunteers:me", args=[TOKEN])).content.decode()
    assert "Rådhuset" in page
    response = client.post(
        reverse("volunteers:me_course", args=[TOKEN]), {"session": session.pk, "action": "join"}
    )
    assert response.status_code == 302
    assert CourseSignup.objects.get().volunteer == volunteer
    other = VolunteerFactory(district=world.north)
    with pytest.raises(services.VolunteerError):
        services.course_signup(volunteer=other, session_id=session.pk)
    client.post(
        reverse("volunteers:me_course", args=[TOKEN]), {"session": session.pk, "action": "leave"}
    )
    assert not CourseSignup.objects.exists()


def test_signing_up_for_another_session_gives_the_first_place_up(world):
    first, second = _session(), _session(days=9)
    volunteer = VolunteerFactory(district=world.north)
    services.course_signup(volunteer=volunteer, session_id=first.pk)
    services.course_signup(volunteer=volunteer, session_id=second.pk)
    assert list(CourseSignup.objects.values_list("session_id", flat=True)) == [second.pk]


def test_a_past_session_takes_no_sign_ups(world):
    session = _session(days=-1)
    with pytest.raises(services.VolunteerError):
        services.course_signup(volunteer=VolunteerFactory(), session_id=session.pk)


def test_attendance_dates_the_introduction_course_milestone(client, world):
    session = _session()
    volunteer = VolunteerFactory(district=world.north)
    services.course_signup(volunteer=volunteer, session_id=session.pk)
    client.force_login(world.volunteer_coordinator)
    response = client.post(
        reverse("volunteers:course_detail", args=[session.pk]), {"attended": [volunteer.pk]}
    )
    assert response.status_code == 302
    milestone = Milestone.objects.get(volunteer=volunteer)
    assert milestone.kind == "introduction_course"
    assert milestone.done_on == timezone.localtime(session.starts_at).date()


def test_the_coordinator_plans_a_session(client, world):
    client.force_login(world.volunteer_coordinator)
    start = timezone.localtime() + dt.timedelta(days=3)
    response = client.post(
        reverse("volunteers:courses"),
        {
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "place": "Rådhuset, møterom 2",
            "capacity": "12",
        },
    )
    assert response.status_code == 302
    assert CourseSession.objects.get().capacity == 12
