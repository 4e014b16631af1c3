import pytest
from django.core.cache import cache
from django.db import transaction

from config.celery import app
from matching import tasks
from matching.models import MatchingRun, Proposal
from matching.triggers import request_matching_run
from tests.matching.factories import employee, need_with_shifts

pytestmark = pytest.mark.django_db


def _reset_pool():
    """Drop pooled broker connections so the next publish connects to the current URL."""
    app._pool = None
    app.amqp._producer_pool = None


def test_a_trigger_runs_matching_after_commit(world, django_capture_on_commit_callbacks):
    need_with_shifts(world)
    employee(world)
    with django_capture_on_commit_callbacks(execute=True):
        request_matching_run(trigger="need_changed", requested_by_id=world.leader.pk)
    run = MatchingRun.objects.get()
    assert run.trigger == "need_changed" and run.requested_by == world.leader
    assert run.status == MatchingRun.Status.SUCCEEDED and Proposal.objects.count() == 1


def test_several_triggers_within_the_debounce_window_queue_one_delayed_run(
    world, settings, monkeypatch, django_capture_on_commit_callbacks
):
    app.conf.task_always_eager = False  # restored by the autouse fixture
    settings.DUGNAD = {**settings.DUGNAD, "MATCHING_DEBOUNCE_SECONDS": 7}
    sent = []
    monkeypatch.setattr(
        tasks.matching_run, "apply_async", lambda args, **kw: sent.append((args, kw))
    )
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(4):
            request_matching_run(trigger="need_changed")
        request_matching_run(trigger="worker_available")
        request_matching_run(trigger="manual", requested_by_id=world.coordinator.pk)
    assert sent == [
        (("need_changed", None), {"countdown": 7}),
        (("manual", world.coordinator.pk), {}),
    ]


def test_runs_never_overlap(world):
    need_with_shifts(world)
    cache.add(tasks.LOCK_KEY, "someone-else", timeout=60)

    assert tasks.matching_run_scheduled() is None
    assert MatchingRun.objects.count() == 0
    assert cache.get(tasks.RERUN_KEY) == "schedule"

    cache.delete(tasks.LOCK_KEY)
    run_pk = tasks.matching_run("manual", world.coordinator.pk)
    # the deferred request is honoured once the lock is free
    assert MatchingRun.objects.count() == 2
    assert MatchingRun.objects.get(pk=run_pk).trigger == "schedule"
    assert cache.get(tasks.LOCK_KEY) is None


def test_with_the_broker_down_saving_succeeds_and_the_scheduled_run_catches_up(
    world, caplog, django_capture_on_commit_callbacks
):
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    app.conf.task_always_eager = False
    _reset_pool()
    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            need = need_with_shifts(world)
            request_matching_run(trigger="need_changed", requested_by_id=world.leader.pk)
    finally:
        app.conf.broker_url, app.conf.task_always_eager = previous
        _reset_pool()
    employee(world)
    assert "not queued" in caplog.text  # the publish really failed
    assert need.pk and MatchingRun.objects.count() == 0
    assert cache.get("matching:run-queued") is None  # the next trigger may try again

    tasks.matching_run_scheduled()

    run = MatchingRun.objects.get()
    assert run.trigger == "schedule" and run.filled == 1
    assert Proposal.objects.filter(shift__need=need).count() == 1


def test_a_run_whose_worker_died_is_marked_failed_and_the_next_run_starts(client, world):
    import datetime as dt

    from django.utils import timezone

    need_with_shifts(world)
    employee(world)
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    dead = MatchingRun.objects.create(
        trigger="manual",
        status=MatchingRun.Status.RUNNING,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )
    # its lock expired with its heartbeat; the watchdog (beat) finds the run

    assert tasks.matching_watchdog() == 1

    dead.refresh_from_db()
    assert dead.status == MatchingRun.Status.FAILED and dead.finished_at
    assert dead.error
    latest = MatchingRun.objects.exclude(pk=dead.pk).get()
    assert latest.status == MatchingRun.Status.SUCCEEDED and latest.filled == 1
    client.force_login(world.coordinator)
    page = client.get("/matching/").content.decode()
    assert dead.error in page


def test_a_live_run_is_not_taken_for_a_dead_one(world):
    from django.utils import timezone

    alive = MatchingRun.objects.create(
        trigger="manual", status=MatchingRun.Status.RUNNING, started_at=timezone.now()
    )

    assert tasks.matching_watchdog() == 0

    alive.refresh_from_db()
    assert alive.status == MatchingRun.Status.RUNNING


def test_the_heartbeat_keeps_a_long_run_locked_and_a_dead_runs_lock_expires(world, monkeypatch):
    import time

    from matching import services

    monkeypatch.setattr(tasks, "HEARTBEAT_SECONDS", 0.05)
    monkeypatch.setattr(tasks, "LOCK_SECONDS", 1)  # whole seconds: Redis rounds down
    seen = []

    def slow_run(**kwargs):
        time.sleep(2.2)  # longer than the lock would live without a heartbeat
        seen.append(cache.get(tasks.LOCK_KEY))
        return MatchingRun.objects.create(trigger="manual", status=MatchingRun.Status.SUCCEEDED)

    monkeypatch.setattr(services, "matching_run_execute", slow_run)
    tasks.matching_run("manual")
    assert seen and seen[0] is not None  # still held at the end of the run
    assert cache.get(tasks.LOCK_KEY) is None  # and released after

    # a worker that dies holding the lock stops refreshing it: it frees itself
    cache.add(tasks.LOCK_KEY, "dead-worker", timeout=tasks.LOCK_SECONDS)
    assert tasks.matching_run("manual") is None  # deferred while the lock lives
    time.sleep(1.3)
    assert tasks.matching_run("manual") is not None


def test_celery_redelivers_a_dead_workers_task_only_after_any_run_could_have_finished(
    settings,
):
    assert settings.CELERY_TASK_ACKS_LATE is True
    limit = settings.DUGNAD["MATCHING_TIME_LIMIT_SECONDS"]
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > 3 * limit
    assert tasks.LOCK_SECONDS <= 120 and tasks.STALE_SECONDS <= 120
    assert settings.CELERY_BEAT_SCHEDULE["matching-watchdog"]["schedule"] <= 60
