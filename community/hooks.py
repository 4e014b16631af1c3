from community.sms import task_sms_answer
from outbox.inbound import register_inbound_handler


def register() -> None:
    # answers to residents' tasks by SMS (JA/NEI with the task's code)
    register_inbound_handler("community_tasks", task_sms_answer)
