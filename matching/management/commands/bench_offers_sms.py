"""Offers for N slots sent by SMS through the fake provider on loopback (a real HTTP server that
fails a share of requests), through the outbox's real path: the coordinator's "send the
offers of the need" queues one SMS per offer in its transaction, pk-only sends pulled by
worker threads from an in-process queue that stands for the broker (with countdowns for the
retries), the claim, pacing and backoff as in production. Prints one line:

    bench offers sms slots=500 sent=500 doubled=0 lost=0 provider_failures=50 seconds=...

`lost` counts offers whose SMS never reached the provider, `doubled` SMS the provider took
more than once for one outbox message. Runs in a throwaway unit, need and workers (deleted
afterwards); point DATABASE_URL at a bench database (`make bench` does).
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
import time
from unittest import mock

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import Role, User
from matching.models import MatchingRun, Offer, Proposal
from matching.offers import offer_send_for_need
from needs.models import Need, Shift
from outbox import services as outbox
from outbox.fake_sms_provider import FakeSmsProvider
from outbox.models import Message
from outbox.tasks import message_send
from staffing.models import (
    Availability,
    ContactChannel,
    District,
    EmployeeProfile,
    Qualification,
    Sector,
    Unit,
    Worker,
    WorkerSource,
)

PER_SHIFT = 10


class Command(BaseCommand):
    help = "Benchmark: offers for N slots sent by SMS through a flaky fake provider on loopback."

    def add_arguments(self, parser):
        parser.add_argument("--slots", type=int, default=500)
        parser.add_argument("--failure-rate", type=float, default=0.1)
        parser.add_argument("--workers", type=int, default=4, help="sending threads")
        parser.add_argument(
            "--coordinators",
            type=int,
            default=4,
            help="threads sending the offers of the needs (coordinators at work at once)",
        )
        parser.add_argument("--timeout", type=float, default=300)

    def handle(
        self,
        *args,
        slots: int,
        failure_rate: float,
        workers: int,
        coordinators: int,
        timeout: float,
        **options,
    ):
        if slots < 1 or slots % PER_SHIFT:
            raise CommandError(f"--slots must be a positive multiple of {PER_SHIFT}")
        # every retry logs a warning; the figures say how many there were
        logging.getLogger("outbox.services").setLevel(logging.ERROR)
        tag = f"bsms{int(time.time()) % 10**8}"
        needs, coordinator = self._world(tag, slots)
        try:
            with FakeSmsProvider(failure_rate=failure_rate) as provider:
                figures = self._run(needs, coordinator, provider, workers, coordinators, timeout)
        finally:
            self._clean(tag, needs)
        self.stdout.write(
            "bench offers sms slots={slots} sent={sent} doubled={doubled} lost={lost} "
            "provider_failures={failures} seconds={seconds:.2f} offers_written_seconds={queued:.2f} "
            "rate_limit={rate}/s "
            "retry_seconds={retry} senders={threads} coordinators={coordinators}".format(
                slots=slots, threads=workers, coordinators=coordinators, **figures
            )
        )
        if figures["lost"] or figures["doubled"]:
            raise CommandError("SMS were lost or doubled")

    # --- the run ---------------------------------------------------------------------------

    def _run(self, needs, coordinator, provider, threads: int, writers: int, timeout) -> dict:
        broker: queue.Queue[int | None] = queue.Queue()
        timers: list[threading.Timer] = []

        def apply_async(args, countdown=None, **kwargs):
            if countdown:
                timer = threading.Timer(countdown, broker.put, (args[0],))
                timer.daemon = True
                timers.append(timer)
                timer.start()
            else:
                broker.put(args[0])

        def worker():
            while (message_id := broker.get()) is not None:
                try:
                    outbox.message_send(message_id=message_id)
                finally:
                    broker.task_done()
            connection.close()

        sms_settings = {
            **settings.DUGNAD,
            "OUTBOX_BACKENDS": {
                **settings.DUGNAD["OUTBOX_BACKENDS"],
                "sms": "outbox.backends.TwilioSmsBackend",
            },
            "SMS_API_URL": provider.url,
            "SMS_ACCOUNT_SID": provider.account_sid,
            "SMS_AUTH_TOKEN": provider.auth_token,
            "SMS_FROM": "+4759440000",
            # production waits a minute before the first retry; the bench one second
            "OUTBOX_RETRY_SECONDS": 1,
        }
        conf = message_send.app.conf
        eager = conf.task_always_eager
        conf.task_always_eager = False
        pool = [threading.Thread(target=worker, daemon=True) for _i in range(threads)]
        try:
            with (
                override_settings(DUGNAD=sms_settings),
                mock.patch.object(message_send, "apply_async", apply_async),
            ):
                for thread in pool:
                    thread.start()
                started = time.monotonic()
                offers, errors = self._send_offers(needs, coordinator, writers)
                queued = time.monotonic() - started
                if errors:
                    raise CommandError(f"{len(errors)} offers not sent, e.g. {errors[0]}")
                keys = {f"matching.offer:{o.pk}:sms" for o in offers}
                deadline = started + timeout
                while time.monotonic() < deadline:
                    if provider.distinct_keys() >= len(keys) and not self._pending(keys):
                        break
                    time.sleep(0.05)
                seconds = time.monotonic() - started
        finally:
            for _thread in pool:
                broker.put(None)
            for thread in pool:
                thread.join(timeout=10)
            for timer in timers:
                timer.cancel()
            conf.task_always_eager = eager
        taken = {m.idempotency_key for m in provider.taken}
        return {
            "sent": len(keys & taken),
            "doubled": provider.doubled(),
            "lost": len(keys - taken),
            "failures": provider.failures,
            "seconds": seconds,
            "queued": queued,
            "rate": sms_settings["OUTBOX_RATE_PER_SECOND"].get("sms") or "none",
            "retry": sms_settings["OUTBOX_RETRY_SECONDS"],
        }

    @staticmethod
    def _send_offers(needs: list[Need], coordinator: User, writers: int):
        """The coordinators press "send the offers of the need", several needs at once."""
        offers, errors, lock = [], [], threading.Lock()
        todo: queue.Queue[Need] = queue.Queue()
        for need in needs:
            todo.put(need)

        def coordinator_at_work():
            try:
                while True:
                    try:
                        need = todo.get_nowait()
                    except queue.Empty:
                        return
                    sent, failed = offer_send_for_need(need=need, by=coordinator)
                    with lock:
                        offers.extend(sent)
                        errors.extend(failed)
            finally:
                connection.close()

        pool = [threading.Thread(target=coordinator_at_work) for _i in range(writers)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        return offers, errors

    @staticmethod
    def _pending(keys: set[str]) -> bool:
        return Message.objects.filter(
            idempotency_key__in=keys, status__in=[Message.Status.QUEUED, Message.Status.SENDING]
        ).exists()

    # --- a throwaway world -----------------------------------------------------------------

    @transaction.atomic
    def _world(self, tag: str, slots: int) -> tuple[list[Need], User]:
        district = District.objects.create(name=tag, code=tag)
        unit = Unit.objects.create(
            name="Benkvik sykehjem", code=tag, sector=Sector.HEALTH_AND_CARE, district=district
        )
        qualification = Qualification.objects.create(
            code=tag, name="Assistent (bench)", is_health=False, requires_authorisation=False
        )
        coordinator = User.objects.create_user(f"{tag}-k@bench.example", role=Role.COORDINATOR)
        leader = User.objects.create_user(f"{tag}-l@bench.example", role=Role.UNIT_LEADER)
        # one need a shift of PER_SHIFT people, so coordinators can send needs side by side
        needs = Need.objects.bulk_create(
            Need(
                unit=unit,
                qualification=qualification,
                title=f"{tag}-{n}",
                state=Need.State.SUBMITTED,
                created_by=leader,
                submitted_by=leader,
            )
            for n in range(slots // PER_SHIFT)
        )
        first = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=3)
        shifts = Shift.objects.bulk_create(
            Shift(
                need=need,
                start=first + dt.timedelta(hours=n),
                end=first + dt.timedelta(hours=n + 1),
                headcount=PER_SHIFT,
            )
            for n, need in enumerate(needs)
        )
        workers = Worker.objects.bulk_create(
            Worker(
                source=WorkerSource.EMPLOYEE,
                first_name="Bench",
                last_name=f"{tag}-{i}",
                phone=f"+479{i:07d}",
                contact_channel=ContactChannel.SMS,
            )
            for i in range(slots)
        )
        for worker in workers:
            worker.qualifications.add(qualification)
        EmployeeProfile.objects.bulk_create(
            EmployeeProfile(
                worker=w, employee_number=f"{tag}-{i}", home_unit=unit, position_percent=100
            )
            for i, w in enumerate(workers)
        )
        Availability.objects.bulk_create(
            Availability(
                worker=w, start=first - dt.timedelta(days=1), end=first + dt.timedelta(days=7)
            )
            for w in workers
        )
        run = MatchingRun.objects.create(trigger="manual", status="succeeded")
        Proposal.objects.bulk_create(
            Proposal(run=run, shift=shifts[i // PER_SHIFT], worker=w, slot_index=i % PER_SHIFT)
            for i, w in enumerate(workers)
        )
        return needs, coordinator

    @staticmethod
    def _clean(tag: str, needs: list[Need]) -> None:
        with transaction.atomic():
            offer_ids = list(
                Offer.objects.filter(shift__need__in=needs).values_list("pk", flat=True)
            )
            Message.objects.filter(
                idempotency_key__in=[f"matching.offer:{pk}:sms" for pk in offer_ids]
            ).delete()
            Offer.objects.filter(pk__in=offer_ids).delete()
            Proposal.objects.filter(shift__need__in=needs).delete()
            Need.objects.filter(pk__in=[n.pk for n in needs]).delete()
            Worker.objects.filter(last_name__startswith=f"{tag}-").delete()
            Unit.objects.filter(code=tag).delete()
            Qualification.objects.filter(code=tag).delete()
            District.objects.filter(code=tag).delete()
            User.objects.filter(email__startswith=f"{tag}-").delete()
