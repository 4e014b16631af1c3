"""Volunteers who chose SMS get the task by SMS with a short code and answer JA/NEI."""

import pytest

from community.models import Task, TaskOffer
from community.sms import parse_answer
from outbox.models import Message
from outbox.services import sms_inbound_receive
from outbox.sms import MAX_SEGMENTS, sms_segments
from tests.community.factories import general_volunteer, sent_task


def _by_sms(world, phone):
    return general_volunteer(world, contact_channel="sms", phone=phone)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ja", ("yes", None)),
        (" Nei  abcde ", ("no", "ABCDE")),
        ("JA takk K7M2P", ("yes", "K7M2P")),
        ("kanskje", (None, None)),
    ],
)
def test_parse_answer(text, expected):
    assert parse_answer(text) == expected


def test_the_task_goes_by_sms_with_a_code_that_fits_two_segments(world):
    volunteer = _by_sms(world, "+4791200001")
    _task, offers = sent_task(world, [volunteer])
    offer = offers[0]
    offer.refresh_from_db()
    message = Message.objects.get(kind="community.task_offer")
    assert message.channel == "sms" and message.recipient == "+4791200001"
    assert offer.phone == "+4791200001" and offer.code in message.body
    assert "/task/" in message.body
    assert "Astrid" not in message.body and "Storgata" not in message.body
    assert sms_segments(message.body).segments <= MAX_SEGMENTS


def test_ja_by_sms_takes_the_task_and_the_others_are_told(world):
    first = _by_sms(world, "+4791200001")
    second = _by_sms(world, "+4791200002")
    task, _offers = sent_task(world, [first, second])
    code = TaskOffer.objects.get(volunteer=second).code
    sms_inbound_receive(provider_id="in-1", sender="+4791200002", text=f"ja {code}")
    task.refresh_from_db()
    assert task.status == Task.Status.TAKEN and task.volunteer == second
    taken = Message.objects.get(kind="community.task_taken")
    assert taken.channel == "sms" and taken.recipient == "+4791200001"
    assert Message.objects.filter(kind="community.task_accepted", recipient="+4791200002").exists()
    # a late JA from the first is told the task is taken
    sms_inbound_receive(provider_id="in-2", sender="+4791200001", text="JA")
    assert Task.objects.get(pk=task.pk).volunteer == second


def test_nei_by_sms_declines(world):
    volunteer = _by_sms(world, "+4791200003")
    task, offers = sent_task(world, [volunteer])
    sms_inbound_receive(provider_id="in-3", sender="+4791200003", text="nei")
    assert TaskOffer.objects.get(pk=offers[0].pk).status == TaskOffer.Status.DECLINED
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


def test_another_handlers_code_or_an_unknown_number_is_left_alone(world):
    from community.sms import task_sms_answer

    volunteer = _by_sms(world, "+4791200004")
    sent_task(world, [volunteer])
    assert task_sms_answer("+4791200004", "JA ZZZZZ") is None
    assert task_sms_answer("+4791299999", "JA") is None
    reply = task_sms_answer("+4791200004", "kanskje")
    assert reply is not None and not reply.understood
    assert TaskOffer.objects.get().status == TaskOffer.Status.PENDING
