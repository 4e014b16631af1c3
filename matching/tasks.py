from celery import shared_task


@shared_task(name="matching.tasks.matching_run")
def matching_run(trigger: str, requested_by_id: int | None = None) -> int | None:
    """Placeholder until the matching issue lands: records nothing, returns None."""
    return None


@shared_task(name="matching.tasks.matching_run_scheduled")
def matching_run_scheduled() -> int | None:
    return matching_run("schedule")
