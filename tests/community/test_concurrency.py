"""Two volunteers say yes at the same moment: the task's row lock lets exactly one take it."""

import threading

import pytest
from django.db import connection

from community import services
from community.models import Task, TaskOffer
from tests.community.factories import general_volunteer, sent_task

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_yeses_give_the_task_to_exactly_one(world):
    volunteers = [general_volunteer(world) for _ in range(4)]
    task, offers = sent_task(world, volunteers)
    barrier = threading.Barrier(len(offers))
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def say_yes(offer):
        try:
            barrier.wait()
            outcomes.append(services.task_offer_accept(offer=offer).outcome)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=say_yes, args=(offer,)) for offer in offers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    # the losers either queued on the lock and found it taken, or came after and found their
    # own offer closed as taken
    assert outcomes.count("accepted") == 1
    assert set(outcomes) <= {"accepted", "taken", "closed"}
    task.refresh_from_db()
    assert task.status == Task.Status.TAKEN
    accepted = TaskOffer.objects.get(task=task, status=TaskOffer.Status.ACCEPTED)
    assert task.volunteer_id == accepted.volunteer_id
    assert TaskOffer.objects.filter(task=task, status=TaskOffer.Status.TAKEN).count() == 3
