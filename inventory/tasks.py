from celery import shared_task

from inventory.services import (
    inventories_send_pending,
    inventory_invitations_send,
    inventory_reminders_send,
)


@shared_task(name="inventory.tasks.inventory_send")
def inventory_send(inventory_id: int) -> int:
    return inventory_invitations_send(inventory_id=inventory_id)


@shared_task(name="inventory.tasks.inventory_remind")
def inventory_remind(inventory_id: int, round_no: int) -> int:
    return inventory_reminders_send(inventory_id=inventory_id, round_no=round_no)


@shared_task(name="inventory.tasks.inventory_send_pending")
def inventory_send_pending() -> int:
    return inventories_send_pending()
