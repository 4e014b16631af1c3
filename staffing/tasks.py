from celery import shared_task

from staffing import capacity


@shared_task(name="staffing.tasks.credentials_notify_expiring")
def credentials_notify_expiring() -> int:
    """Daily: tell HR which credentials expire within 30 days (each announced once)."""
    return capacity.credentials_notify()
