"""How the rest of Dugnad asks for a matching run.

Saving a need or a registration must succeed even when the broker is down: the request is sent
after the transaction commits, and a failure to reach the broker is logged, not raised. The
scheduled run picks up whatever was missed.

Several triggers within settings.DUGNAD["MATCHING_DEBOUNCE_SECONDS"] give one run: the first
queues a run that starts after that delay, the others find it queued and do nothing. Manual and
scheduled runs are never delayed, nor are in-process (eager) runs in development.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

DEBOUNCE_KEY = "matching:run-queued"
UNDEBOUNCED = {"manual", "schedule"}


def request_matching_run(*, trigger: str, requested_by_id: int | None = None) -> None:
    def send() -> None:
        try:
            from matching.tasks import matching_run

            delay = int(settings.DUGNAD["MATCHING_DEBOUNCE_SECONDS"])
            # In-process (eager) runs happen at once: there is no queue to wait in.
            if trigger in UNDEBOUNCED or delay <= 0 or matching_run.app.conf.task_always_eager:
                matching_run.apply_async((trigger, requested_by_id))
                return
            # The key lives exactly as long as the countdown, so a trigger that finds it was
            # committed before the queued run starts loading.
            if not cache.add(DEBOUNCE_KEY, trigger, timeout=delay):
                return  # a run is already queued and will see this change
            try:
                matching_run.apply_async((trigger, requested_by_id), countdown=delay)
            except Exception:
                cache.delete(DEBOUNCE_KEY)
                raise
        except Exception:  # the broker is down: the scheduled run catches up
            logger.warning(
                "matching run not queued (broker unavailable); trigger=%s", trigger, exc_info=True
            )

    transaction.on_commit(send)
