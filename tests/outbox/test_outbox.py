"""The outbox: a message is written with the change that causes it, leaves once, survives a
broker or mail-server outage, and is retried with backoff."""

import datetime as dt
import logging
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from config.celery import app
from outbox import services
from outbox.backends import MemorySmsBackend
from outbox.models import Message
from outbox.tasks import message_send

pytestmark = pytest.mark.django_db

ADDRESS = "frida.frivillig@example.test"
SECRET_LINK = "https://dugnad.example/volunteer/me/s3cret-token/"


def _enqueue(**overrides) -> Message:
    data = {
        "recipient": ADDRESS,
        "kind": "tests.hello",
        "subject": "Hei",
        "body": f"Din lenke: {SECRET_LINK}",
        "language": "nb",
    }
    data.update(overrides)
    return services.message_enqueue(**data)


@pytest.fixture
def not_eager():
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def broker_down(not_eager):
    with mock.patch.object(
        message_send, "apply_async", side_effect=OperationalError("Connection refused")
    ) as apply_async:
        yield apply_async


def _make_due(message: Message) -> None:
    """Move a message's clock back past its retry time and beat's one-minute grace."""
    Message.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=5),
        not_before=timezone.now() - dt.timedelta(minutes=2),
    )


def test_a_message_is_written_in_the_callers_transaction_and_sent_after_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = _enqueue(attachments=[services.Attachment("liste.csv", "a;b\n", "text/csv")])
        assert mail.outbox == []  # nothing leaves before the commit

    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    assert message.last_error == ""
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [ADDRESS]
    assert mail.outbox[0].subject == "Hei"
    assert SECRET_LINK in mail.outbox[0].body
    assert mail.outbox[0].attachments == [("liste.csv", "a;b\n", "text/csv")]


def test_a_rolled_back_change_leaves_no_message(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _enqueue()
        raise RuntimeError("the change failed")

    assert callbacks == []
    assert not Message.objects.exists()
    assert mail.outbox == []


def test_the_same_idempotency_key_queues_one_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _enqueue(idempotency_key="tests.hello:1")
        second = _enqueue(idempotency_key="tests.hello:1", body="another body")

    assert first.pk == second.pk
    assert Message.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_duplicate_dispatch_or_a_retry_after_success_sends_once(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        message = _enqueue()

    assert message_send.delay(message.pk).get() == "skipped"
    assert services.message_send(message_id=message.pk, ignore_not_before=True) == "skipped"
    assert call_command("outbox_flush", "--now") is None
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.SENT, 1)


def test_a_mail_server_failure_is_retried_with_backoff_and_recorded(
    not_eager, django_capture_on_commit_callbacks, caplog
):
    with (
        mock.patch.object(message_send, "apply_async") as apply_async,
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        ),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            message = _enqueue()
        assert apply_async.call_args.kwargs["countdown"] is None  # the first dispatch

        before = timezone.now()
        assert services.message_send(message_id=message.pk) == "retry"
        message.refresh_from_db()
        assert message.status == Message.Status.QUEUED
        assert message.attempts == 1
        assert "SMTPServerDisconnected" in message.last_error
        assert before + dt.timedelta(seconds=59) < message.not_before
        assert message.not_before < timezone.now() + dt.timedelta(seconds=61)
        assert apply_async.call_args.kwargs["countdown"] == 60

        # an early (duplicate) delivery of the retry does nothing
        assert services.message_send(message_id=message.pk) == "skipped"

        _make_due(message)
        assert services.message_send(message_id=message.pk) == "retry"
        message.refresh_from_db()
        assert message.attempts == 2
        assert apply_async.call_args.kwargs["countdown"] == 120  # doubled

    _make_due(message)
    assert services.message_send(message_id=message.pk) == "sent"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Message.Status.SENT, 3, "")
    assert len(mail.outbox) == 1
    # the log names the message, not the person
    assert ADDRESS not in caplog.text and "s3cret" not in caplog.text
    assert f"message {message.pk}" in caplog.text


def test_a_message_is_marked_failed_after_the_last_attempt(settings):
    settings.DUGNAD = {**settings.DUGNAD, "OUTBOX_MAX_ATTEMPTS": 2}
    message = _enqueue()
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=smtplib.SMTPRecipientsRefused({ADDRESS: (550, b"no such user")}),
    ):
        assert services.message_send(message_id=message.pk) == "retry"
        _make_due(message)
        assert services.message_send(message_id=message.pk) == "failed"

    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.attempts == 2
    assert "SMTPRecipientsRefused" in message.last_error
    assert services.message_send(message_id=message.pk, ignore_not_before=True) == "skipped"
    assert mail.outbox == []

    call_command("outbox_flush", "--retry-failed")
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert len(mail.outbox) == 1


def test_a_broker_outage_loses_no_message_and_the_flush_sends_it_once(
    broker_down, django_capture_on_commit_callbacks, caplog
):
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        message = _enqueue()  # the commit succeeds although the broker is down

    assert broker_down.called
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.QUEUED, 0)
    assert mail.outbox == []
    assert "not dispatched" in caplog.text and ADDRESS not in caplog.text

    call_command("outbox_flush")
    call_command("outbox_flush")

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.SENT, 1)
    assert len(mail.outbox) == 1


def test_beat_redispatches_messages_the_broker_missed_once_it_is_back(
    broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = _enqueue()
        fresh = _enqueue(idempotency_key="fresh")

    # beat finds the broker still down: nothing is lost, nothing sent
    Message.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=2)
    )
    assert services.messages_redispatch() == 0
    broker_down.side_effect = None
    broker_down.reset_mock()

    # the broker is back
    assert services.messages_redispatch() == 1
    broker_down.assert_called_once_with((message.pk,), countdown=None)
    # a message younger than a minute is left to its own dispatch
    assert fresh.pk not in [call.args[0][0] for call in broker_down.call_args_list]


def test_beat_redispatch_runs_the_task_that_sends_once(django_capture_on_commit_callbacks):
    with (
        mock.patch.object(message_send, "apply_async", side_effect=OperationalError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        message = _enqueue()
    Message.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=2)
    )

    assert services.messages_redispatch() == 1  # eager: the task runs in-process
    assert services.messages_redispatch() == 0
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert len(mail.outbox) == 1


def test_a_message_whose_worker_died_while_sending_is_sent_again():
    message = _enqueue()
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENDING,
        attempts=1,
        claimed_at=timezone.now() - dt.timedelta(minutes=11),
    )
    fresh_claim = _enqueue(idempotency_key="still-sending")
    Message.objects.filter(pk=fresh_claim.pk).update(
        status=Message.Status.SENDING, claimed_at=timezone.now()
    )

    outcomes = services.messages_flush()

    assert outcomes["sent"] == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.SENT, 2)
    assert Message.objects.get(pk=fresh_claim.pk).status == Message.Status.SENDING
    assert len(mail.outbox) == 1


def test_sms_goes_through_the_configured_backend(settings):
    settings.DUGNAD = {
        **settings.DUGNAD,
        "OUTBOX_BACKENDS": {
            **settings.DUGNAD["OUTBOX_BACKENDS"],
            "sms": "outbox.backends.MemorySmsBackend",
        },
    }
    MemorySmsBackend.outbox.clear()
    message = _enqueue(channel=Message.Channel.SMS, recipient="+4791234567", body="Svar JA")

    assert services.message_send(message_id=message.pk) == "sent"

    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.external_id == "memory-1"
    assert MemorySmsBackend.outbox == [("+4791234567", "Svar JA")]
    assert mail.outbox == []


def test_sms_without_a_configured_backend_fails_at_once_and_says_why(settings):
    settings.DUGNAD = {
        **settings.DUGNAD,
        "OUTBOX_BACKENDS": {**settings.DUGNAD["OUTBOX_BACKENDS"], "sms": ""},
    }
    message = _enqueue(channel=Message.Channel.SMS, recipient="+4791234567", body="Svar JA")

    assert services.message_send(message_id=message.pk) == "failed"

    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert "no outbox backend" in message.last_error


def test_sent_messages_are_purged_after_the_retention_period():
    old = _enqueue(idempotency_key="old")
    services.message_send(message_id=old.pk)
    waiting = _enqueue(idempotency_key="waiting")
    recent = _enqueue(idempotency_key="recent")
    services.message_send(message_id=recent.pk)
    Message.objects.filter(pk__in=[old.pk, waiting.pk]).update(
        created_at=timezone.now() - dt.timedelta(days=31)
    )

    assert services.messages_purge(older_than_days=30) == 1

    assert set(Message.objects.values_list("pk", flat=True)) == {waiting.pk, recent.pk}


def test_erasing_a_recipient_forgets_their_messages_and_sends_nothing_more():
    mine = _enqueue(recipient="Frida.Frivillig@example.test")
    other = _enqueue(recipient="someone@example.test")

    assert services.messages_erase_for_recipient(recipient=ADDRESS) == 1

    assert list(Message.objects.values_list("pk", flat=True)) == [other.pk]
    assert services.message_send(message_id=mine.pk) == "skipped"
    assert mail.outbox == []


def test_the_demo_writes_each_email_to_a_file_and_logs_only_that(settings, tmp_path, caplog):
    settings.EMAIL_BACKEND = "outbox.mail.FileEmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    message = _enqueue()

    with caplog.at_level(logging.INFO):
        assert services.message_send(message_id=message.pk) == "sent"

    files = list((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 1
    written = files[0].read_text()
    assert ADDRESS in written and "s3cret-token" in written
    records = [r for r in caplog.records if r.name == "outbox.mail"]
    assert len(records) == 1
    assert records[0].getMessage() == f"e-mail written to {files[0]}"
    assert ADDRESS not in caplog.text and "s3cret" not in caplog.text and "Hei" not in caplog.text


def test_admin_shows_what_a_message_says_to_administrators_only(client, world):
    from django.contrib.auth.models import Permission

    message = _enqueue()
    url = f"/admin/outbox/message/{message.pk}/change/"

    client.force_login(world.admin)
    assert client.get("/admin/outbox/message/?status__exact=queued").status_code == 200
    page = client.get(url)
    assert page.status_code == 200
    assert "s3cret-token" in page.content.decode()
    assert client.post(url, {"body": "changed"}).status_code == 403
    message.refresh_from_db()
    assert "s3cret-token" in message.body

    support = world.coordinator
    support.is_staff = True
    support.save(update_fields=["is_staff"])
    support.user_permissions.add(Permission.objects.get(codename="view_message"))
    client.force_login(support)
    page = client.get(url)
    assert page.status_code == 200
    assert "tests.hello" in page.content.decode()
    assert "s3cret-token" not in page.content.decode()


def test_a_long_idempotency_key_is_shortened_the_same_way_each_time():
    key = "placements.ready:1:" + "a" * 250 + "@example.test"
    first = _enqueue(idempotency_key=key)
    second = _enqueue(idempotency_key=key)
    other = _enqueue(idempotency_key=key.replace("a@", "b@"))

    assert first.pk == second.pk != other.pk
    assert len(first.idempotency_key) == 200
