"""How the rest of Dugnad asks for a matching run.

Saving a need or a registration must succeed even when the broker is down: the request is sent
after the transaction commits, and a failure to reach the broker is logged, not raised. The
scheduled run picks up whatever was missed.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def request_matching_run(*, trigger: str, requested_by_id: int | None = None) -> None:
    def send() -> None:
        from matching.tasks import matching_run

        try:
            matching_run.delay(trigger, requested_by_id)
        except Exception:  # the broker is down: the scheduled run catches up
            logger.warning("matching run not queued (broker unavailable); trigger=%s", trigger)

    transaction.on_commit(send)
