"""Offer SMS through Redis and a real Celery worker to the fake provider on loopback, which
fails every other request: each SMS arrives exactly once, and the retries go through the
broker with their countdown (CI's PostgreSQL + Redis pass)."""

import time

import pytest
from django.conf import settings as django_settings

from config.celery import app
from matching.models import Offer
from outbox.fake_sms_provider import FakeSmsProvider
from outbox.models import Message
from tests.matching.test_offer_sms import _offer, _sms_worker


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_each_offer_sms_once_through_a_failing_provider(world, settings):
    from celery.contrib.testing.worker import start_worker

    assert django_settings.CELERY_BROKER_URL.startswith("redis://")
    with FakeSmsProvider(failure_rate=0.5) as provider:
        settings.DUGNAD = {
            **settings.DUGNAD,
            "OUTBOX_BACKENDS": {
                **settings.DUGNAD["OUTBOX_BACKENDS"],
                "sms": "outbox.backends.TwilioSmsBackend",
            },
            "SMS_API_URL": provider.url,
            "SMS_ACCOUNT_SID": provider.account_sid,
            "SMS_AUTH_TOKEN": provider.auth_token,
            "SMS_FROM": "+4759440000",
            "OUTBOX_RETRY_SECONDS": 1,
        }
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            worker = _sms_worker(world)
            offers = [_offer(world, worker=worker, day=day) for day in (3, 5, 7, 9)]
            keys = {f"matching.offer:{o.pk}:sms" for o in offers}
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                sent = Message.objects.filter(idempotency_key__in=keys, status="sent").count()
                if sent == len(keys):
                    break
                time.sleep(0.2)

    assert sent == len(keys), "the worker did not send every SMS within 60 s"
    assert provider.failures >= 2  # some sends failed and were retried through the broker
    assert {m.idempotency_key for m in provider.taken} == keys
    assert provider.doubled() == 0
    assert all(m.attempts >= 1 for m in Message.objects.filter(idempotency_key__in=keys))
    assert Message.objects.filter(idempotency_key__in=keys, attempts__gt=1).exists()
    assert set(Offer.objects.values_list("status", flat=True)) == {"pending"}
