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
