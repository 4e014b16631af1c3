"""Starting work of an app above you without importing it: Celery tasks sent by name.

Apps are layered (docs/architecture.md): `needs`, `staffing` and `volunteers` sit below
`matching` and may not import it, yet a changed need or a newly available worker must ask for a
matching run. They call `request_matching_run` here, which knows only the task's name.

Saving a need or a registration must succeed even when the broker is down: the request is sent
after the transaction commits, and a failure to reach the broker is logged, not raised. The
scheduled run picks up whatever was missed.

Several triggers within settings.DUGNAD["MATCHING_DEBOUNCE_SECONDS"] give one run: the first
queues a run that starts after that delay, the others find it queued and do nothing. Manual and
scheduled runs are never delayed, nor are in-process (eager) runs in development.
"""

import logging

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

MATCHING_RUN = "matching.tasks.matching_run"
DEBOUNCE_KEY = "matching:run-queued"
UNDEBOUNCED = {"manual", "schedule"}


def task_send(name: str, *, args: tuple = (), countdown: float | None = None) -> None:
    """Send the task `name` now. In eager mode (no broker configured) it runs in-process, so
    the tasks' modules are imported if nothing has imported them yet."""
    app = current_app
    if name not in app.tasks:
        app.loader.import_default_modules()  # Celery's autodiscovery of `<app>/tasks.py`
    options = {} if countdown is None else {"countdown": countdown}
    task = app.tasks.get(name)
    if task is None:
        app.send_task(name, args=args, **options)
    else:
        task.apply_async(args, **options)


def is_eager() -> bool:
    return bool(current_app.conf.task_always_eager)


def request_matching_run(*, trigger: str, requested_by_id: int | None = None) -> None:
    """Ask for a matching run once the current transaction commits."""

    def send() -> None:
        try:
            args = (trigger, requested_by_id)
            delay = int(settings.DUGNAD["MATCHING_DEBOUNCE_SECONDS"])
            # In-process (eager) runs happen at once: there is no queue to wait in.
            if trigger in UNDEBOUNCED or delay <= 0 or is_eager():
                task_send(MATCHING_RUN, args=args)
                return
            # The key lives exactly as long as the countdown, so a trigger that finds it was
            # committed before the queued run starts loading.
            if not cache.add(DEBOUNCE_KEY, trigger, timeout=delay):
                return  # a run is already queued and will see this change
            try:
                task_send(MATCHING_RUN, args=args, countdown=delay)
            except Exception:
                cache.delete(DEBOUNCE_KEY)
                raise
        except Exception:  # the broker is down: the scheduled run catches up
            logger.warning(
                "matching run not queued (broker unavailable); trigger=%s", trigger, exc_info=True
            )

    transaction.on_commit(send)


MATCHING_RESOLVE = "matching.tasks.matching_resolve"


def request_matching_resolve(
    *,
    trigger: str,
    shift_ids: list[int] | tuple[int, ...] = (),
    worker_ids: list[int] | tuple[int, ...] = (),
    freed_shift_ids: list[int] | tuple[int, ...] = (),
) -> None:
    """Ask matching to re-solve only what one change touches, once the current transaction
    commits: `shift_ids`, open shifts with a slot back to matching (an offer declined or
    expired); `worker_ids`, workers whose availability changed; `freed_shift_ids`, cancelled
    shifts whose proposed people are free again. Not debounced: it takes a fraction of a
    second, and a full run busy at the time runs again and covers it. Without a broker the
    scheduled run catches up."""
    args = (trigger, list(shift_ids), list(worker_ids), list(freed_shift_ids))

    def send() -> None:
        try:
            task_send(MATCHING_RESOLVE, args=args)
        except Exception:
            logger.warning(
                "matching re-solve not queued (broker unavailable); trigger=%s",
                trigger,
                exc_info=True,
            )

    transaction.on_commit(send)
