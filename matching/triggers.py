"""How the rest of Dugnad asks for a matching run: see `core.tasks_by_name`, which apps below
matching use too (they may not import this module)."""

import logging

from core.tasks_by_name import (
    DEBOUNCE_KEY,
    MATCHING_RUN,
    UNDEBOUNCED,
    request_matching_resolve,
    request_matching_run,
    task_send,
)

__all__ = [
    "DEBOUNCE_KEY",
    "UNDEBOUNCED",
    "matching_run_request_now",
    "request_matching_resolve",
    "request_matching_run",
]

logger = logging.getLogger(__name__)


def matching_run_request_now(*, requested_by_id: int | None) -> bool:
    """The coordinator's button: queue a run now and say whether the broker took it (when it
    did not, the scheduled run after the broker is back catches up)."""
    try:
        task_send(MATCHING_RUN, args=("manual", requested_by_id))
    except Exception:
        logger.warning("manual matching run not queued (broker unavailable)", exc_info=True)
        return False
    return True
