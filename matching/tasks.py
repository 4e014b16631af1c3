"""Matching runs as Celery tasks: never two at once, and a burst of triggers gives one run.

The lock lives only as long as its run shows signs of life: a heartbeat thread refreshes it (and
the run's heartbeat_at) every HEARTBEAT_SECONDS while the run loads and solves. A worker killed
mid-run stops the heartbeat, so its lock expires within LOCK_SECONDS, and the watchdog (beat,
every WATCHDOG_SECONDS) marks the run failed and starts the next one: matching is blocked for a
minute or two, not for half an hour.
"""

import logging
import threading
import uuid

from celery import shared_task
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)

LOCK_KEY = "matching:run-lock"
RERUN_KEY = "matching:rerun-requested"
HEARTBEAT_SECONDS = 10
LOCK_SECONDS = 60  # a lock nobody refreshes frees itself after this
STALE_SECONDS = 60  # a running run without a heartbeat this long belonged to a dead worker
WATCHDOG_SECONDS = 30
RERUN_SECONDS = 30 * 60


class _Heartbeat:
    """Keeps the lock and the runs started under it alive while the run works."""

    def __init__(self, token: str):
        self.token = token
        self.since = timezone.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="matching-heartbeat", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=HEARTBEAT_SECONDS)

    def _beat(self) -> None:
        from matching.models import MatchingRun

        try:
            while not self._stop.wait(HEARTBEAT_SECONDS):
                try:
                    if cache.get(LOCK_KEY) == self.token:
                        cache.touch(LOCK_KEY, LOCK_SECONDS)
                    MatchingRun.objects.filter(
                        status=MatchingRun.Status.RUNNING, started_at__gte=self.since
                    ).update(heartbeat_at=timezone.now())
                except Exception:  # a missed beat is retried; the run itself goes on
                    logger.warning("matching heartbeat failed", exc_info=True)
        finally:
            connection.close()  # this thread's own database connection


def _run_locked(trigger: str, requested_by_id: int | None) -> int | None:
    from accounts.models import User
    from matching.services import matching_run_execute, matching_runs_fail_stale

    token = uuid.uuid4().hex
    if not cache.add(LOCK_KEY, token, timeout=LOCK_SECONDS):
        # Another run is busy; it reruns when done so this change is not lost.
        cache.set(RERUN_KEY, trigger, timeout=RERUN_SECONDS)
        logger.info("matching run deferred: another run is in progress (trigger=%s)", trigger)
        return None
    try:
        # Holding the lock, any run still marked running is one whose worker died.
        matching_runs_fail_stale(stale_after_s=STALE_SECONDS)
        with _Heartbeat(token):
            requested_by = (
                User.objects.filter(pk=requested_by_id).first() if requested_by_id else None
            )
            run = matching_run_execute(trigger=trigger, requested_by=requested_by)
            rerun = cache.get(RERUN_KEY)
            if rerun:
                cache.delete(RERUN_KEY)
                run = matching_run_execute(trigger=rerun)
        _auto_round_after_run()
        return run.pk
    finally:
        if cache.get(LOCK_KEY) == token:
            cache.delete(LOCK_KEY)


def _auto_round_after_run() -> None:
    """New proposals appeared: needs in automatic mode offer them straight away."""
    from matching.refill import offers_auto_round

    try:
        offers_auto_round()
    except Exception:  # the proposals are saved; the next round (beat) offers them
        logger.exception("automatic offers after a run failed")


def _resolve_locked(
    trigger: str, shift_ids: list[int], worker_ids: list[int], freed_shift_ids: list[int]
) -> int | None:
    """The incremental re-solve, under the same lock as a full run (both write proposals). When
    a run is busy, it runs again when done, and that run sees this change too. When the
    re-solve fails or finds the proposals moved under it, a full run takes over."""
    from matching.services import (
        ResolveConflict,
        matching_resolve,
        matching_run_execute,
        matching_runs_fail_stale,
    )

    token = uuid.uuid4().hex
    if not cache.add(LOCK_KEY, token, timeout=LOCK_SECONDS):
        cache.set(RERUN_KEY, trigger, timeout=RERUN_SECONDS)
        logger.info("matching re-solve deferred to a full run: a run is in progress")
        return None
    try:
        matching_runs_fail_stale(stale_after_s=STALE_SECONDS)
        with _Heartbeat(token):
            try:
                run = matching_resolve(
                    trigger=trigger,
                    shift_ids=shift_ids,
                    worker_ids=worker_ids,
                    freed_shift_ids=freed_shift_ids,
                )
            except ResolveConflict:
                logger.info("matching re-solve was stale; a full run takes over")
                run = matching_run_execute(trigger=trigger)
            except Exception:
                logger.exception("matching re-solve failed; a full run takes over")
                run = matching_run_execute(trigger=trigger)
        if run is not None:
            _auto_round_after_run()
        return run.pk if run is not None else None
    finally:
        if cache.get(LOCK_KEY) == token:
            cache.delete(LOCK_KEY)


@shared_task(name="matching.tasks.matching_resolve")
def matching_resolve(
    trigger: str,
    shift_ids: list[int] | None = None,
    worker_ids: list[int] | None = None,
    freed_shift_ids: list[int] | None = None,
) -> int | None:
    return _resolve_locked(trigger, shift_ids or [], worker_ids or [], freed_shift_ids or [])


@shared_task(name="matching.tasks.matching_block_solve", acks_late=False)
def matching_block_solve(token: str, index: int, payload: dict) -> bool:
    """Solve one block of another worker's run (matching.blocks): JSON in, JSON out through
    the cache; nothing here touches the database."""
    from matching.blocks import block_solve

    return block_solve(token, index, payload)


@shared_task(name="matching.tasks.matching_run")
def matching_run(trigger: str, requested_by_id: int | None = None) -> int | None:
    return _run_locked(trigger, requested_by_id)


@shared_task(name="matching.tasks.matching_run_scheduled")
def matching_run_scheduled() -> int | None:
    return _run_locked("schedule", None)


@shared_task(name="matching.tasks.matching_watchdog")
def matching_watchdog() -> int:
    """Fail runs whose worker died and start the next run at once."""
    from matching.services import matching_runs_fail_stale

    failed = matching_runs_fail_stale(stale_after_s=STALE_SECONDS)
    if failed:
        matching_run_scheduled.apply_async()
    return failed


@shared_task(name="matching.tasks.offers_expire")
def offers_expire() -> int:
    from matching.offers import offers_expire as expire
    from matching.refill import offers_auto_round

    expired = expire()
    offers_auto_round()  # also catches a refill that a down broker lost
    return expired


@shared_task(name="matching.tasks.slot_refill")
def slot_refill(shift_id: int) -> int:
    """After a no, an expiry or a refused yes: the next best for this shift only."""
    from matching.refill import slot_refill as refill

    result = refill(shift_id=shift_id)
    return len(result.proposed) + len(result.offered)


@shared_task(name="matching.tasks.offers_auto_round")
def offers_auto_round(need_id: int | None = None) -> int:
    from matching.refill import offers_auto_round as auto_round

    return auto_round(need_id=need_id)


@shared_task(name="matching.tasks.shift_reminders")
def shift_reminders() -> int:
    from matching.reminders import shift_reminders_send

    return shift_reminders_send()
