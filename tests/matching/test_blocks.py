"""A run hands its large independent blocks to other Celery workers (matching.blocks)."""

import threading
import time

import pytest
from django.core.cache import cache

from matching import blocks
from matching.engine import solver
from matching.models import MatchingRun, Proposal
from matching.services import matching_run_execute
from tests.matching.factories import at, employee, need_with_shifts
from tests.staffing.factories import AvailabilityFactory


def _two_independent_needs(world):
    """Two needs a month apart, each with its own people: two blocks nobody links."""
    early = need_with_shifts(world, shifts=((3, 7), (4, 7), (5, 7)))
    late = need_with_shifts(world, shifts=((30, 7), (31, 7), (32, 7)), qual="sykepleier")
    for _ in range(3):
        worker = employee(world, available=False)
        AvailabilityFactory(worker=worker, start=at(2, 0), end=at(7, 0))
    for _ in range(3):
        nurse = employee(world, "sykepleier", available=False)
        AvailabilityFactory(worker=nurse, start=at(29, 0), end=at(34, 0))
    return early, late


def _proposals():
    return sorted(Proposal.objects.filter(status="proposed").values_list("shift_id", "worker_id"))


@pytest.fixture
def spread(settings, monkeypatch):
    settings.DUGNAD = {
        **settings.DUGNAD,
        "MATCHING_REMOTE_BLOCKS": True,
        "MATCHING_REMOTE_MIN_COLUMNS": 1,
        "MATCHING_REMOTE_PICKUP_SECONDS": 20,
    }
    # every component its own batch, so that this small instance has blocks to hand out
    monkeypatch.setattr(solver, "BATCH_COLUMNS", 1)
    solved: list[str] = []
    real = blocks.block_solve

    def spy(token, index, payload):
        solved.append(threading.current_thread().name)
        return real(token, index, payload)

    monkeypatch.setattr(blocks, "block_solve", spy)
    return solved


@pytest.mark.django_db
def test_a_run_with_blocks_solved_by_tasks_proposes_what_a_run_alone_does(world, spread):
    _two_independent_needs(world)
    alone = matching_run_execute(trigger="manual")
    first = _proposals()
    spread.clear()
    run = matching_run_execute(trigger="manual")

    assert run.status == MatchingRun.Status.SUCCEEDED
    assert spread, "no block was handed out"
    assert _proposals() == first
    assert (run.filled, run.objective) == (alone.filled, alone.objective)


@pytest.mark.django_db
def test_blocks_nobody_picks_up_are_solved_by_the_run(world, settings, monkeypatch):
    settings.DUGNAD = {
        **settings.DUGNAD,
        "MATCHING_REMOTE_BLOCKS": True,
        "MATCHING_REMOTE_MIN_COLUMNS": 1,
        "MATCHING_REMOTE_PICKUP_SECONDS": 0.2,
    }
    monkeypatch.setattr(solver, "BATCH_COLUMNS", 1)
    sent = []
    # a broker that takes the tasks but no worker that runs them
    monkeypatch.setattr("core.tasks_by_name.task_send", lambda name, args=(): sent.append(args))
    _two_independent_needs(world)

    started = time.monotonic()
    run = matching_run_execute(trigger="manual")

    assert sent and run.status == MatchingRun.Status.SUCCEEDED and run.filled == 6
    assert time.monotonic() - started < 30
    # the late task finds the run gone and does nothing
    token, index, payload = sent[0]
    assert blocks.block_solve(token, index, payload) is False
    assert cache.get(blocks._key(token, index, "result")) is None


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_solves_a_block_of_the_run(world, spread):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    _two_independent_needs(world)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        run = matching_run_execute(trigger="manual")

    assert run.status == MatchingRun.Status.SUCCEEDED and run.filled == 6
    # solved by the worker's thread, not by the run's own
    assert spread and all(name != threading.current_thread().name for name in spread)
