"""What the inventory registers with the apps below it."""

from staffing import erasure


def register() -> None:
    from inventory.services import invitations_erase_for_worker

    erasure.register(invitations_erase_for_worker)
