from celery import shared_task

from volunteers.services import volunteers_erase_inactive


@shared_task(name="volunteers.tasks.volunteers_retention")
def volunteers_retention() -> dict[str, int]:
    return volunteers_erase_inactive()
