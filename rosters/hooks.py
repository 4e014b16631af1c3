"""What rosters registers with the apps below it (from RostersConfig.ready())."""

from rosters.services import calendar_feed_worker_erase
from staffing import erasure


def register() -> None:
    erasure.register(calendar_feed_worker_erase)
