from celery import shared_task

from placements import services


@shared_task(name="placements.tasks.onboarding_notify_overdue")
def onboarding_notify_overdue() -> int:
    return services.onboarding_overdue_notify()
