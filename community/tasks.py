from celery import shared_task

from community.services import help_requests_erase_closed, journey_reminders


@shared_task(name="community.tasks.help_requests_erase_closed")
def help_requests_erase_closed_task() -> dict[str, int]:
    return help_requests_erase_closed()


@shared_task(name="community.tasks.journey_reminders")
def journey_reminders_task() -> int:
    return journey_reminders()
