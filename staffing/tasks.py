from celery import shared_task

from staffing import services


@shared_task(name="staffing.tasks.onboarding_notify_overdue")
def onboarding_notify_overdue() -> int:
    return services.onboarding_overdue_notify()
