"""Issue 13.6, self-service: a volunteer in the staffing pool changes their availability
through their own link, and matching runs again."""

from unittest import mock

import pytest
from django.urls import reverse

from staffing.models import Availability
from tests.volunteers.test_registration import form_data
from volunteers import services

pytestmark = pytest.mark.django_db


def test_a_volunteer_changing_availability_through_the_link_triggers_matching(
    client, world, django_capture_on_commit_callbacks
):
    registration = services.volunteer_register(data=_cleaned(world))
    worker = services.volunteer_admit(
        volunteer=registration.volunteer, by=world.volunteer_coordinator
    )
    before = set(Availability.objects.filter(worker=worker).values_list("start", "end"))
    assert before

    url = reverse("volunteers:me", kwargs={"token": registration.token})
    data = form_data(world, weekdays=["6", "7"], times_of_day=["evening"])
    data.pop("email")
    with (
        mock.patch("volunteers.services.request_matching_resolve") as trigger,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(url, data)

    assert response.status_code == 302
    trigger.assert_called_once_with(trigger="worker_available", worker_ids=[worker.pk])
    after = Availability.objects.filter(worker=worker)
    assert set(after.values_list("start", "end")) != before
    assert all(w.start.isoweekday() in (6, 7) for w in after)


def test_a_volunteer_not_yet_in_the_pool_triggers_no_run(client, world):
    registration = services.volunteer_register(data=_cleaned(world))
    url = reverse("volunteers:me", kwargs={"token": registration.token})
    data = form_data(world, weekdays=["6"])
    data.pop("email")
    with mock.patch("volunteers.services.request_matching_resolve") as resolve:
        assert client.post(url, data).status_code == 302
    resolve.assert_not_called()


def _cleaned(world):
    from volunteers.forms import RegistrationForm

    form = RegistrationForm(form_data(world))
    assert form.is_valid(), form.errors
    return form.cleaned_data
