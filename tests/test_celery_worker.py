"""A real Celery worker executes a project task through the Redis broker (CI's second pass)."""

import pytest
from django.conf import settings

from config.celery import app
from matching.models import MatchingRun
from matching.tasks import matching_run


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_matching_run_sent_through_redis(world):
    import celery.contrib.testing.tasks  # noqa: F401  registers celery.ping for start_worker
    from celery.contrib.testing.worker import start_worker

    assert settings.CELERY_BROKER_URL.startswith("redis://")
    app.conf.result_backend = settings.CELERY_BROKER_URL
    try:
        with start_worker(app, pool="solo", perform_ping_check=True, shutdown_timeout=10):
            result = matching_run.delay("manual", world.coordinator.pk)
            run_id = result.get(timeout=60)
    finally:
        app.conf.result_backend = None

    run = MatchingRun.objects.get(pk=run_id)
    assert run.trigger == MatchingRun.Trigger.MANUAL
    assert run.status == MatchingRun.Status.SUCCEEDED
    assert run.requested_by == world.coordinator
