"""SMS through the outbox: segment counting, the file and Twilio backends (against the fake
provider on loopback), pacing, delivery receipts and incoming SMS by signed webhook."""

import datetime as dt
import logging
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from config.celery import app
from outbox import services
from outbox.backends import FileSmsBackend, MemorySmsBackend
from outbox.fake_sms_provider import FakeSmsProvider
from outbox.inbound import InboundReply, _handlers, register_inbound_handler
from outbox.models import InboundMessage, Message
from outbox.sms import normalise_number, number_hash, sms_segments, sms_text
from outbox.tasks import message_send
from outbox.webhooks import twilio_signature

pytestmark = pytest.mark.django_db

NUMBER = "+4791234567"
TOKEN = "test-auth-token"


@pytest.fixture
def provider(settings):
    """The fake Twilio on loopback, and the settings that point the Twilio backend at it."""
    with FakeSmsProvider(auth_token=TOKEN) as fake:
        settings.DUGNAD = {
            **settings.DUGNAD,
            "OUTBOX_BACKENDS": {
                **settings.DUGNAD["OUTBOX_BACKENDS"],
                "sms": "outbox.backends.TwilioSmsBackend",
            },
            "SMS_API_URL": fake.url,
            "SMS_ACCOUNT_SID": fake.account_sid,
            "SMS_AUTH_TOKEN": TOKEN,
            "SMS_FROM": "+4759440000",
        }
        settings.SITE_URL = "https://dugnad.example"
        yield fake


@pytest.fixture
def signed(settings):
    settings.DUGNAD = {**settings.DUGNAD, "SMS_AUTH_TOKEN": TOKEN}
    settings.SITE_URL = "https://dugnad.example"

    def post(client, name, params, *, token=TOKEN, signature=None):
        url = reverse(name)
        if signature is None:
            signature = twilio_signature(url=settings.SITE_URL + url, params=params, token=token)
        return client.post(url, params, HTTP_X_TWILIO_SIGNATURE=signature)

    return post


def _sms(**overrides) -> Message:
    data = {
        "recipient": "912 34 567",
        "channel": Message.Channel.SMS,
        "kind": "tests.sms",
        "body": "Dugnad: Kan du ta en vakt? Svar JA eller NEI.",
    }
    data.update(overrides)
    return services.message_enqueue(**data)


# --- counting and numbers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("", "GSM-7", 0),
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("æøå ÆØÅ" * 20, "GSM-7", 1),  # 140 characters, Norwegian letters are GSM-7
        ("€" * 80, "GSM-7", 1),  # the extension table costs two septets each
        ("€" * 81, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("š" + "a" * 69, "UCS-2", 1),  # one character outside GSM-7 turns the text UCS-2
        ("š" + "a" * 70, "UCS-2", 2),
        ("😀" * 35, "UCS-2", 1),  # outside the BMP: two units each
        ("😀" * 36, "UCS-2", 2),
    ],
)
def test_segments_are_counted_as_the_phone_network_splits(text, encoding, segments):
    counted = sms_segments(text)
    assert (counted.encoding, counted.segments) == (encoding, segments)


def test_sms_text_keeps_norwegian_text_in_gsm7():
    text = sms_text("  Dugnad \u2013 \u00abvakt\u00bb\u2026  \n\n  Svar JA  \n")
    assert text == 'Dugnad - "vakt"...\nSvar JA'
    assert sms_segments(text).encoding == "GSM-7"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("912 34 567", "+4791234567"),
        ("+47 912 34 567", "+4791234567"),
        ("0047 91234567", "+4791234567"),
        ("+46 70 123 45 67", "+46701234567"),
        ("12", None),
        ("ring meg", None),
        ("", None),
    ],
)
def test_numbers_are_read_into_e164(raw, expected):
    assert normalise_number(raw) == expected


def test_an_sms_to_a_number_that_is_no_number_is_refused_at_enqueue():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _sms(recipient="not a number")
    assert not Message.objects.exists()


# --- backends --------------------------------------------------------------------------------


def test_sms_is_queued_in_e164_and_sent_once_by_the_memory_backend(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        message = _sms()
    message.refresh_from_db()
    assert message.recipient == NUMBER
    assert message.status == Message.Status.SENT
    assert message.external_id == "memory-1"
    assert MemorySmsBackend.outbox == [(NUMBER, message.body)]


def test_the_file_backend_writes_one_file_per_sms_and_logs_no_number(tmp_path, caplog):
    message = Message.objects.create(
        channel="sms", recipient=NUMBER, kind="tests.sms", body="Svar JA", idempotency_key="k1"
    )
    with caplog.at_level(logging.INFO):
        external_id = FileSmsBackend(tmp_path).send(message)

    files = list(tmp_path.iterdir())
    assert len(files) == 1 and external_id in files[0].name
    assert files[0].read_text().startswith(f"To: {NUMBER}\n")
    assert "Svar JA" in files[0].read_text()
    assert "91234567" not in caplog.text and "SMS written to" in caplog.text


def test_twilio_backend_sends_through_the_provider_over_http(provider):
    message = _sms()
    outcome = services.message_send(message_id=message.pk)

    message.refresh_from_db()
    assert outcome == "sent" and message.status == Message.Status.SENT
    assert len(provider.taken) == 1
    taken = provider.taken[0]
    assert taken.to == NUMBER and taken.body == message.body
    assert taken.sender == "+4759440000"
    assert taken.status_callback == "https://dugnad.example/sms/status/"
    assert taken.idempotency_key == message.idempotency_key
    assert message.external_id == taken.sid


def test_a_provider_that_is_down_delays_the_sms_and_loses_nothing(provider, caplog):
    provider.failure_rate = 1.0
    message = _sms()

    with caplog.at_level(logging.WARNING):
        assert services.message_send(message_id=message.pk) == "retry"
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED and message.attempts == 1
    assert message.not_before > timezone.now()
    assert "HTTP 503" in message.last_error
    assert provider.taken == []
    assert "91234567" not in caplog.text

    provider.failure_rate = 0.0
    call_command("outbox_flush", "--now")
    call_command("outbox_flush", "--now")  # a second flush finds nothing to send
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.attempts == 2
    assert len(provider.taken) == 1 and provider.doubled() == 0


def test_an_invalid_number_at_the_provider_fails_at_once(provider):
    # A number we take as valid that the provider refuses (HTTP 400): retrying cannot help.
    with mock.patch.object(provider, "_handle", return_value=(400, {"code": 21211})):
        message = _sms()
        assert services.message_send(message_id=message.pk) == "failed"
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED and "21211" in message.last_error


def test_wrong_credentials_fail_at_once_and_say_so(provider, settings):
    settings.DUGNAD = {**settings.DUGNAD, "SMS_AUTH_TOKEN": "wrong"}
    message = _sms()
    assert services.message_send(message_id=message.pk) == "failed"
    message.refresh_from_db()
    assert "refused our account" in message.last_error
    assert provider.taken == [] and provider.refused == 1


def test_a_twilio_backend_without_settings_fails_the_message_and_says_what_is_missing(settings):
    settings.DUGNAD = {
        **settings.DUGNAD,
        "OUTBOX_BACKENDS": {"email": "x", "sms": "outbox.backends.TwilioSmsBackend"},
        "SMS_ACCOUNT_SID": "",
    }
    message = _sms()
    assert services.message_send(message_id=message.pk) == "failed"
    message.refresh_from_db()
    assert "DUGNAD_SMS_ACCOUNT_SID" in message.last_error


def test_sms_waits_in_the_outbox_while_the_broker_is_down(provider):
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with (
            mock.patch.object(
                message_send, "apply_async", side_effect=OperationalError("Connection refused")
            ),
            transaction.atomic(),
        ):
            message = _sms()
        # the transaction committed; the dispatch failed quietly
    finally:
        app.conf.task_always_eager = previous
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED and provider.taken == []

    call_command("outbox_flush")
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert [m.idempotency_key for m in provider.taken] == [message.idempotency_key]


def test_many_retries_against_a_flaky_provider_never_send_one_sms_twice(provider):
    provider.failure_rate = 0.3
    messages = [_sms(body=f"Melding {i}") for i in range(40)]
    for _round in range(10):
        call_command("outbox_flush", "--now")
    assert set(Message.objects.values_list("status", flat=True)) == {Message.Status.SENT}
    assert provider.failures > 0
    assert len(provider.taken) == len(messages) == provider.distinct_keys()
    assert provider.doubled() == 0


def test_sends_are_paced_to_the_rate_of_the_channel(settings):
    settings.DUGNAD = {**settings.DUGNAD, "OUTBOX_RATE_PER_SECOND": {"sms": 5}}
    messages = [_sms(body=f"Melding {i}") for i in range(11)]
    admitted = []  # the second (window) each send was let through in
    real_incr = services.cache.incr

    def counted_incr(key, *args, **kwargs):
        taken = real_incr(key, *args, **kwargs)
        if taken <= 5:
            admitted.append(key)
        return taken

    with mock.patch.object(services.cache, "incr", counted_incr):
        for message in messages:
            services.message_send(message_id=message.pk)
    # never more than five in one second: 11 sends span at least three seconds
    per_second = {key: admitted.count(key) for key in admitted}
    assert len(admitted) == 11
    assert max(per_second.values()) <= 5
    assert len(per_second) >= 3
    assert len(MemorySmsBackend.outbox) == 11


# --- delivery receipts -----------------------------------------------------------------------


def _sent_sms(external_id="SM1") -> Message:
    message = _sms()
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENT, external_id=external_id
    )
    return message


@pytest.mark.parametrize(
    "signature", [None, "", "bm90IHRoZSByaWdodCBvbmU=", "wrong-token"], ids=str
)
def test_a_receipt_without_a_valid_signature_is_refused_and_changes_nothing(
    client, signed, signature
):
    message = _sent_sms()
    params = {"MessageSid": "SM1", "MessageStatus": "failed"}
    if signature is None:
        response = client.post(reverse("sms-status"), params)
    elif signature == "wrong-token":
        response = signed(client, "sms-status", params, token="another-token")
    else:
        response = signed(client, "sms-status", params, signature=signature)
    assert response.status_code == 403
    message.refresh_from_db()
    assert message.delivery_status == ""


def test_a_tampered_receipt_is_refused(client, signed, settings):
    message = _sent_sms()
    params = {"MessageSid": "SM1", "MessageStatus": "delivered"}
    url = reverse("sms-status")
    signature = twilio_signature(url=settings.SITE_URL + url, params=params, token=TOKEN)
    response = client.post(
        url, {**params, "MessageStatus": "failed"}, HTTP_X_TWILIO_SIGNATURE=signature
    )
    assert response.status_code == 403
    message.refresh_from_db()
    assert message.delivery_status == ""


def test_webhooks_are_refused_when_no_token_is_configured(client, settings):
    settings.DUGNAD = {**settings.DUGNAD, "SMS_AUTH_TOKEN": ""}
    params = {"MessageSid": "SM1", "MessageStatus": "failed"}
    signature = twilio_signature(
        url=settings.SITE_URL + reverse("sms-status"), params=params, token=""
    )
    response = client.post(reverse("sms-status"), params, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 403


def test_webhooks_take_only_post(client, signed):
    assert client.get(reverse("sms-status")).status_code == 405
    assert client.get(reverse("sms-inbound")).status_code == 405


def test_receipts_move_a_message_forward_never_back(client, signed):
    message = _sent_sms()
    for status, expected in [
        ("queued", "queued"),
        ("sent", "sent"),
        ("delivered", "delivered"),
        ("sent", "delivered"),  # late and out of order
        ("queued", "delivered"),
    ]:
        response = signed(client, "sms-status", {"MessageSid": "SM1", "MessageStatus": status})
        assert response.status_code == 204
        message.refresh_from_db()
        assert message.delivery_status == expected
    assert message.delivery_updated_at is not None


def test_an_undelivered_sms_is_recorded_with_the_providers_error(client, signed):
    message = _sent_sms()
    response = signed(
        client,
        "sms-status",
        {"MessageSid": "SM1", "MessageStatus": "undelivered", "ErrorCode": "30003"},
    )
    assert response.status_code == 204
    message.refresh_from_db()
    assert message.delivery_status == Message.DeliveryStatus.FAILED
    assert message.delivery_error == "error 30003"


def test_a_receipt_for_an_unknown_message_or_status_changes_nothing(client, signed):
    message = _sent_sms()
    assert (
        signed(client, "sms-status", {"MessageSid": "SM999", "MessageStatus": "failed"})
    ).status_code == 204
    assert (
        signed(client, "sms-status", {"MessageSid": "SM1", "MessageStatus": "exploded"})
    ).status_code == 204
    message.refresh_from_db()
    assert message.delivery_status == ""


def test_the_fake_provider_sends_signed_receipts_that_the_webhook_takes(provider, live_server):
    from django.conf import settings

    settings.SITE_URL = live_server.url
    message = _sms()
    services.message_send(message_id=message.pk)
    taken = provider.taken[0]
    assert taken.status_callback == f"{live_server.url}/sms/status/"

    assert provider.receipt(taken, "delivered") == 204
    message.refresh_from_db()
    assert message.delivery_status == Message.DeliveryStatus.DELIVERED


# --- incoming SMS ----------------------------------------------------------------------------


@pytest.fixture
def handler():
    """A handler for one number, as an app would register it."""
    seen = []

    def answer(number, text):
        if number != "+4798765432":
            return None
        seen.append((number, text))
        if text.strip().upper() == "JA":
            return InboundReply(reply="Takk!", result="tests_yes", answer="JA", language="nb")
        return InboundReply(reply="Svar JA eller NEI.", result="tests_what", understood=False)

    register_inbound_handler("tests", answer)
    yield seen
    _handlers[:] = [h for h in _handlers if h[0] != "tests"]


def _inbound(client, signed, *, sid="SMin1", sender="+4798765432", body="JA"):
    return signed(
        client,
        "sms-inbound",
        {"MessageSid": sid, "From": sender, "To": "+4759440000", "Body": body},
    )


def test_an_inbound_sms_without_a_valid_signature_is_refused_and_not_recorded(
    client, signed, handler
):
    response = client.post(
        reverse("sms-inbound"), {"MessageSid": "SMx", "From": "+4798765432", "Body": "JA"}
    )
    assert response.status_code == 403
    response = signed(
        client,
        "sms-inbound",
        {"MessageSid": "SMx", "From": "+4798765432", "Body": "JA"},
        token="not-ours",
    )
    assert response.status_code == 403
    assert not InboundMessage.objects.exists() and handler == []


def test_an_answer_goes_to_the_handler_that_knows_the_number_and_is_replied_to(
    client, signed, handler, caplog
):
    with caplog.at_level(logging.INFO):
        response = _inbound(client, signed, body=" ja ")
    assert response.status_code == 200 and b"<Response>" in response.content
    assert handler == [("+4798765432", " ja ")]
    record = InboundMessage.objects.get()
    assert record.outcome == InboundMessage.Outcome.HANDLED
    assert (record.handled_by, record.result, record.text) == ("tests", "tests_yes", "JA")
    # the number is kept only as a keyed hash and its last two digits
    assert record.sender_hint == "32" and record.sender_hash == number_hash("+4798765432")
    assert "98765432" not in record.sender_hash
    reply = Message.objects.get(kind="outbox.sms_reply")
    assert (reply.recipient, reply.body, reply.channel) == ("+4798765432", "Takk!", "sms")
    assert "98765432" not in caplog.text


def test_the_same_inbound_sms_delivered_twice_is_handled_once(client, signed, handler):
    _inbound(client, signed)
    _inbound(client, signed)
    assert len(handler) == 1
    assert InboundMessage.objects.count() == 1
    assert Message.objects.filter(kind="outbox.sms_reply").count() == 1


def test_text_that_is_not_an_answer_is_recorded_without_the_text(client, signed, handler):
    _inbound(client, signed, body="Hei, dette er Kari, jeg bor i Storgata 5")
    record = InboundMessage.objects.get()
    assert record.outcome == InboundMessage.Outcome.NOT_UNDERSTOOD
    assert record.text == "" and record.length == 40
    assert Message.objects.get(kind="outbox.sms_reply").body == "Svar JA eller NEI."


def test_an_unknown_number_gets_one_polite_reply_a_day_and_nothing_changes(client, signed, handler):
    _inbound(client, signed, sid="SM-a", sender="+4741234567", body="JA")
    _inbound(client, signed, sid="SM-b", sender="+4741234567", body="JA!!")

    assert handler == []
    records = InboundMessage.objects.order_by("pk")
    assert [r.outcome for r in records] == ["unknown_sender", "unknown_sender"]
    assert all(r.text == "" and r.handled_by == "" for r in records)
    replies = Message.objects.filter(kind="outbox.sms_reply")
    assert replies.count() == 1
    assert "nothing has changed" in replies.get().body  # Bokmål / English in one
    assert " / " in replies.get().body


def test_an_inbound_sms_from_a_sender_that_is_no_number_is_recorded_and_not_answered(
    client, signed, handler
):
    _inbound(client, signed, sender="Telenor", body="Din saldo er 0 kr")
    record = InboundMessage.objects.get()
    assert record.outcome == InboundMessage.Outcome.UNKNOWN_SENDER
    assert not Message.objects.filter(kind="outbox.sms_reply").exists()


def test_inbound_records_are_deleted_after_the_retention_period():
    old = services.sms_inbound_receive(provider_id="SMold", sender=NUMBER, text="JA")
    new = services.sms_inbound_receive(provider_id="SMnew", sender=NUMBER, text="JA")
    InboundMessage.objects.filter(pk=old.pk).update(
        received_at=timezone.now() - dt.timedelta(days=31)
    )
    services.messages_purge(older_than_days=30)
    assert list(InboundMessage.objects.values_list("pk", flat=True)) == [new.pk]
