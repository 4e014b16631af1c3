"""HR hears 30 days ahead about credentials that expire, once per credential and date."""

import datetime as dt

import pytest
from django.utils import translation

from outbox.models import Message
from staffing import capacity
from staffing.models import WorkerQualification, WorkerSkill
from staffing.tasks import credentials_notify_expiring
from tests.matching.factories import employee
from tests.staffing.factories import SkillFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2027, 3, 1)


def test_hr_is_told_once_about_each_credential_within_30_days(world):
    second_hr = UserFactory(email="hr2@dugnad.test", role="hr")
    medication = SkillFactory(name="Legemiddelhåndtering")
    nurse = employee(world, "sykepleier", skills=[medication], last_name="Sykepleier")
    far = employee(world, last_name="Langt")
    WorkerQualification.objects.filter(worker=nurse).update(valid_until=TODAY + dt.timedelta(30))
    WorkerSkill.objects.filter(worker=nurse).update(valid_until=TODAY + dt.timedelta(3))
    WorkerQualification.objects.filter(worker=far).update(valid_until=TODAY + dt.timedelta(31))
    nurse.hpr_valid_until = TODAY + dt.timedelta(10)
    nurse.save()

    with translation.override("en"):
        assert capacity.credentials_notify(today=TODAY) == 3
    messages = Message.objects.filter(kind="staffing.credentials_expiring")
    assert sorted(m.recipient for m in messages) == sorted([world.hr.email, second_hr.email])
    body = messages.first().body
    assert "Legemiddelhåndtering valid until 4 Mar 2027" in body
    assert "health authorisation (HPR) valid until 11 Mar 2027" in body
    assert "Sykepleier valid until 31 Mar 2027" in body
    assert "Langt" not in body
    assert f"/resources/{nurse.pk}/" in body

    # the same day again: nothing new to say, nothing sent again
    assert capacity.credentials_notify(today=TODAY) == 0
    assert messages.count() == 2
    # the next day the 31-day one comes within reach, and only it is announced
    assert capacity.credentials_notify(today=TODAY + dt.timedelta(1)) == 1
    assert "Langt" in messages.order_by("-pk").first().body
    # a renewal that expires again is announced again when it nears its new date
    WorkerSkill.objects.filter(worker=nurse).update(valid_until=TODAY + dt.timedelta(20))
    assert capacity.credentials_notify(today=TODAY + dt.timedelta(2)) == 1


def test_the_beat_task_runs_the_notice_and_a_second_run_the_same_day_sends_nothing(world):
    worker = employee(world)
    today = capacity.local_today()
    WorkerQualification.objects.filter(worker=worker).update(valid_until=today + dt.timedelta(5))

    assert credentials_notify_expiring.delay().get() == 1
    assert credentials_notify_expiring.delay().get() == 0
    assert Message.objects.filter(kind="staffing.credentials_expiring").count() == 1


def test_without_an_hr_officer_nothing_is_marked_as_told(world):
    world.hr.is_active = False
    world.hr.save()
    worker = employee(world)
    WorkerQualification.objects.filter(worker=worker).update(valid_until=TODAY + dt.timedelta(5))

    assert capacity.credentials_notify(today=TODAY) == 0
    assert WorkerQualification.objects.get(worker=worker).expiry_notified_for is None
