"""A real Celery worker executes a project task through the Redis broker (CI's second pass)."""

import time

import pytest
from django.conf import settings

from config.celery import app
from matching.models import MatchingRun
from matching.tasks import matching_run


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_matching_run_sent_through_redis(world):
    from celery.contrib.testing.worker import start_worker

    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert not app.conf.task_always_eager
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        matching_run.delay("manual", world.coordinator.pk)
        # No result backend: the worker's effect is the recorded run in the database.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            run = MatchingRun.objects.filter(requested_by=world.coordinator).first()
            if run is not None and run.status in {"succeeded", "failed"}:
                break
            time.sleep(0.2)

    assert run is not None, "the worker did not run the task within 60 s"
    assert run.trigger == MatchingRun.Trigger.MANUAL
    assert run.status == MatchingRun.Status.SUCCEEDED
    assert run.requested_by == world.coordinator
