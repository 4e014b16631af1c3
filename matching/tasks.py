"""Matching runs as Celery tasks: never two at once, and a burst of triggers gives one run."""

import logging
import uuid

from celery import shared_task
from django.core.cache import cache

logger = logging.getLogger(__name__)

LOCK_KEY = "matching:run-lock"
RERUN_KEY = "matching:rerun-requested"
# Longer than any run should take; a crashed worker's lock expires by itself.
LOCK_TIMEOUT_S = 30 * 60


def _run_locked(trigger: str, requested_by_id: int | None) -> int | None:
    from accounts.models import User
    from matching.services import matching_run_execute

    token = uuid.uuid4().hex
    if not cache.add(LOCK_KEY, token, timeout=LOCK_TIMEOUT_S):
        # Another run is busy; it reruns when done so this change is not lost.
        cache.set(RERUN_KEY, trigger, timeout=LOCK_TIMEOUT_S)
        logger.info("matching run deferred: another run is in progress (trigger=%s)", trigger)
        return None
    try:
        requested_by = User.objects.filter(pk=requested_by_id).first() if requested_by_id else None
        run = matching_run_execute(trigger=trigger, requested_by=requested_by)
        rerun = cache.get(RERUN_KEY)
        if rerun:
            cache.delete(RERUN_KEY)
            run = matching_run_execute(trigger=rerun)
        return run.pk
    finally:
        if cache.get(LOCK_KEY) == token:
            cache.delete(LOCK_KEY)


@shared_task(name="matching.tasks.matching_run")
def matching_run(trigger: str, requested_by_id: int | None = None) -> int | None:
    return _run_locked(trigger, requested_by_id)


@shared_task(name="matching.tasks.matching_run_scheduled")
def matching_run_scheduled() -> int | None:
    return _run_locked("schedule", None)
