"""Exactly once under concurrency (PostgreSQL) and through a real broker and worker (Redis)."""

import datetime as dt
import threading
import time
from contextlib import contextmanager

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from config.celery import app
from outbox import services
from outbox.models import Message
from outbox.tasks import message_send


def _enqueue(key: str = "k") -> Message:
    return services.message_enqueue(
        recipient="frida@example.test",
        kind="tests.hello",
        subject="Hei",
        body="Hei!",
        idempotency_key=key,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_of_the_same_message_send_it_once(monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    real_send = EmailBackend.send_messages

    def slow_send(self, messages):
        time.sleep(0.3)  # the second sender arrives while the first is still sending
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", slow_send)
    # written as message_enqueue would, minus its dispatch: the threads below are the senders
    message = Message.objects.create(
        recipient="frida@example.test", kind="tests.hello", body="Hei!", idempotency_key="k"
    )
    threads_count = 6
    barrier = threading.Barrier(threads_count)
    outcomes: list[str] = []

    def send() -> None:
        try:
            barrier.wait()
            outcomes.append(services.message_send(message_id=message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["sent"] + ["skipped"] * (threads_count - 1)
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.SENT, 1)


def _reset_producer_pools() -> None:
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_unreachable():
    """Publishing goes to a closed port (the broker is "down"); a running worker keeps its own
    connection."""
    app.conf["broker_write_url"] = "redis://127.0.0.1:1/0"
    _reset_producer_pools()
    try:
        yield
    finally:
        app.conf["broker_write_url"] = None
        _reset_producer_pools()


def _wait_for(predicate, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_loses_no_message_and_the_worker_sends_it_once_when_it_is_back():
    from celery.contrib.testing.worker import start_worker

    with broker_unreachable():
        started = time.monotonic()
        message = _enqueue()  # autocommit: the row is committed and dispatch fails
        elapsed = time.monotonic() - started
    assert elapsed < 10, f"a down broker held the caller for {elapsed:.1f} s"
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.QUEUED, 0)
    assert mail.outbox == []

    Message.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=2)
    )
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert services.messages_redispatch() == 1  # beat, once the broker is back
        # duplicate deliveries of the same pk, as a second beat or a redelivery would make
        message_send.delay(message.pk)
        message_send.delay(message.pk)
        assert _wait_for(
            lambda: Message.objects.get(pk=message.pk).status == Message.Status.SENT
        ), "the worker did not send the message within 30 s"
        time.sleep(1.5)  # let the duplicates reach the worker too

    assert services.messages_flush()["sent"] == 0
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.SENT, 1)
    assert len(mail.outbox) == 1


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_retries_a_mail_server_failure_after_the_backoff_and_sends_once(
    settings, monkeypatch
):
    from celery.contrib.testing.worker import start_worker
    from django.core.mail.backends.locmem import EmailBackend

    settings.DUGNAD = {**settings.DUGNAD, "OUTBOX_RETRY_SECONDS": 1}
    real_send = EmailBackend.send_messages
    calls: list[float] = []

    def flaky_send(self, messages):
        calls.append(time.monotonic())
        if len(calls) == 1:
            raise ConnectionRefusedError("mail server down")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky_send)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        message = _enqueue()  # autocommit: dispatched at once
        assert _wait_for(
            lambda: Message.objects.get(pk=message.pk).status == Message.Status.SENT
        ), "the retry did not send the message within 30 s"

    message.refresh_from_db()
    assert message.attempts == 2
    assert message.last_error == ""
    assert len(calls) == 2 and calls[1] - calls[0] >= 0.9  # waited for the backoff
    assert len(mail.outbox) == 1
