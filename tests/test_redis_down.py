"""With Redis unreachable (cache and broker on a closed port), staff log in, volunteers
register, needs are saved, rate limits still count, and the "run matching now" button says
that the run happens later."""

import os
import subprocess
import sys

import pytest
from django.urls import reverse

from config.celery import app
from matching.models import MatchingRun
from needs.models import Need
from tests.needs.factories import NeedFactory, ShiftFactory, tomorrow_at
from tests.needs.test_views import _formset_data
from tests.volunteers.test_registration import form_data
from volunteers.models import Volunteer

CLOSED = "redis://127.0.0.1:1/0"  # nothing listens there


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {"default": {"BACKEND": "core.cache.FallbackRedisCache", "LOCATION": CLOSED}}
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = CLOSED
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None
    yield
    app.conf.broker_url, app.conf.task_always_eager = previous
    app._pool = None
    app.amqp._producer_pool = None


def test_settings_keep_sessions_out_of_the_cache_and_let_cache_and_broker_differ():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'], "
        "s.CELERY_BROKER_URL, s.SESSION_ENGINE)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "REDIS_URL": "redis://broker:6379/0",
        "CACHE_URL": "redis://cache:6379/1",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == [
        "core.cache.FallbackRedisCache",
        "redis://cache:6379/1",
        "redis://broker:6379/0",
        "django.contrib.sessions.backends.db",
    ]


def test_staff_log_in_with_redis_down(client, world, redis_down):
    response = client.post(
        "/accounts/login/", {"login": "leader@dugnad.test", "password": "dugnad-test"}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.leader.pk)
    assert client.get(reverse("needs:list")).status_code == 200


def test_volunteer_registers_with_redis_down(
    client, world, redis_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/volunteer/", form_data(world))

    assert response.status_code == 302
    assert Volunteer.objects.filter(email="frida@example.test").exists()


def test_registration_limit_still_counts_with_redis_down(client, world, settings, redis_down):
    settings.DUGNAD = {**settings.DUGNAD, "REGISTRATION_RATE_LIMIT": "2/h"}
    for n in range(2):
        assert client.post("/volunteer/", form_data(world, email=f"p{n}@x.test")).status_code == 302

    assert client.post("/volunteer/", form_data(world, email="p3@x.test")).status_code == 429
    assert Volunteer.objects.count() == 2


def test_leader_saves_and_submits_a_need_with_redis_down(
    client, world, redis_down, django_capture_on_commit_callbacks
):
    need = NeedFactory(unit=world.home, created_by=world.leader, state=Need.State.DRAFT)
    shift = ShiftFactory(need=need, start=tomorrow_at(7, days=2))
    data = _formset_data([shift])
    data["submit"] = "1"
    client.force_login(world.leader)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("needs:shifts", kwargs={"pk": need.pk}), data)

    assert response.status_code == 302
    need.refresh_from_db()
    assert need.state == Need.State.SUBMITTED
    assert MatchingRun.objects.count() == 0  # the scheduled run catches up


def test_run_matching_now_says_the_run_happens_later_when_the_queue_is_down(
    client, world, redis_down
):
    client.force_login(world.coordinator)

    response = client.post(reverse("matching:run"), follow=True)

    assert response.status_code == 200
    text = response.content.decode()
    assert "kan ikke starte akkurat nå" in text
    assert "har startet" not in text
    assert MatchingRun.objects.count() == 0
