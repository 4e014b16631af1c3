from celery import shared_task

from outbox import services


@shared_task(name="outbox.tasks.message_send", ignore_result=True)
def message_send(message_id: int) -> str:
    return services.message_send(message_id=message_id)


@shared_task(name="outbox.tasks.outbox_redispatch", ignore_result=True)
def outbox_redispatch() -> int:
    return services.messages_redispatch()


@shared_task(name="outbox.tasks.outbox_purge", ignore_result=True)
def outbox_purge() -> int:
    return services.messages_purge()
