"""Offers end to end through PostgreSQL, Redis and a real Celery worker (started here as a
subprocess): an offer is sent, the person says yes through the link, and the placement with
its checklist is there; and a "no" brings the next best proposal (and, in automatic mode, the
next offer) for that slot. `make bench` runs it at demo scale 10; it prints `bench offers ...`
lines with the times (the aim: the next proposal within 2 s of a "no")."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from matching.models import AutoOffer, MatchingRun, Offer, Proposal
from matching.offers import offer_send
from matching.services import matching_run_execute
from outbox.models import Message
from placements.models import ChecklistItem, PlacementShift
from staffing.models import Worker

POLL = 0.01


def _wait(condition, timeout: float, since: float | None = None) -> float | None:
    """Seconds from `since` (default: now) until `condition()` holds, or None on timeout."""
    started = time.perf_counter()
    since = started if since is None else since
    while time.perf_counter() - started < timeout:
        if condition():
            return time.perf_counter() - since
        time.sleep(POLL)
    return None


def _fmt(value: float | None) -> str:
    return "timeout" if value is None else f"{value:.3f}"


class Command(BaseCommand):
    help = "Benchmark offers: sent -> yes -> placement, and no -> next best, with a real worker."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=10.0, help="demo scale")
        parser.add_argument("--no-demo", action="store_true", help="use the data as it is")
        parser.add_argument("--rounds", type=int, default=5)
        parser.add_argument("--timeout", type=float, default=30.0)

    def handle(self, *args, scale: float, no_demo: bool, rounds: int, timeout: float, **opts):
        if settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL.startswith("redis"):
            raise CommandError("bench_offers needs REDIS_URL (a real broker and worker)")
        if not no_demo and Worker.objects.count() < 1800 * scale:
            started = time.perf_counter()
            call_command("demo", scale=scale, quiet_users=True, stdout=self.stderr)
            self.stderr.write(
                f"demo --scale {scale:g} loaded in {time.perf_counter() - started:.1f} s"
            )
        self.coordinator = User.objects.filter(role=Role.COORDINATOR).order_by("pk").first()
        if self.coordinator is None:
            raise CommandError("no coordinator: load the demo first")
        if not Proposal.objects.filter(status=Proposal.Status.PROPOSED).exists():
            run = matching_run_execute(trigger=MatchingRun.Trigger.MANUAL)
            self.stderr.write(f"matching run {run.pk}: {run.filled} proposals")
        self.timeout = timeout
        self.client = Client()
        worker = self._start_worker()
        try:
            yes = [self._yes_round() for _ in range(rounds)]
            no_manual = [self._no_round(auto=False) for _ in range(rounds)]
            no_auto = [self._no_round(auto=True) for _ in range(rounds)]
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
        self._summary("yes", yes, ["send_s", "answer_s", "confirmation_sent_s"])
        self._summary("no", no_manual, ["answer_s", "next_proposed_s"])
        self._summary("no-auto", no_auto, ["answer_s", "next_proposed_s", "next_offered_s"])

    # --- the worker ------------------------------------------------------------------------

    def _start_worker(self) -> subprocess.Popen:
        from celery import current_app as app

        # Tasks left in the queue (the demo's matching runs and messages) would run first and
        # measure the backlog, not the offers: start from an empty queue.
        purged = app.control.purge()
        if purged:
            self.stderr.write(f"{purged} queued tasks dropped before the bench")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
        cmd = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"]
        cmd += ["--loglevel=WARNING", "--without-gossip", "--without-mingle"]
        process = subprocess.Popen(cmd, env=env, cwd=settings.BASE_DIR)
        started = time.perf_counter()
        while time.perf_counter() - started < 60:
            if process.poll() is not None:
                raise CommandError("the Celery worker stopped at start")
            try:
                if app.control.ping(timeout=0.5):
                    break
            except Exception:
                time.sleep(0.2)
        else:
            process.terminate()
            raise CommandError("the Celery worker did not answer within 60 s")
        self.stderr.write(f"celery worker up in {time.perf_counter() - started:.1f} s")
        return process

    # --- the rounds ------------------------------------------------------------------------

    def _candidate(self, *, with_alternatives: bool) -> Proposal:
        rows = Proposal.objects.filter(
            status=Proposal.Status.PROPOSED, worker__email__gt=""
        ).exclude(shift__need__submitted_by=self.coordinator)
        rows = rows.exclude(shift__need__auto_offer__enabled=True)
        if with_alternatives:
            rows = rows.exclude(alternatives=[])
        for proposal in rows.select_related("worker").order_by("shift__start", "pk")[:200]:
            sent, _errors = offer_send(proposals=[proposal], by=self.coordinator)
            if sent:
                return sent[0]
        raise CommandError("no proposal could be offered: load the demo or run matching")

    def _token(self, offer: Offer) -> str:
        key = f"matching.offer:{offer.pk}"  # by e-mail, SMS or both (the person's choice)
        for message in Message.objects.filter(idempotency_key__in=[key, f"{key}:sms"]):
            found = re.search(r"/offer/([A-Za-z0-9_-]+)/", message.body)
            if found:
                return found.group(1)
        raise CommandError(f"no link found for offer {offer.pk}")

    def _yes_round(self) -> dict:
        t0 = time.perf_counter()
        offer = self._candidate(with_alternatives=False)
        send = time.perf_counter() - t0
        url = reverse("offers:answer", kwargs={"token": self._token(offer)})
        t1 = time.perf_counter()
        response = self.client.post(url, {"answer": "yes"})
        answer = time.perf_counter() - t1
        placed = PlacementShift.objects.filter(
            shift=offer.shift, worker=offer.worker, is_active=True
        ).first()
        checklist = placed and ChecklistItem.objects.filter(placement=placed.placement).count()
        confirmed = _wait(
            lambda: Message.objects.filter(
                idempotency_key__startswith=f"matching.offer_accepted:{offer.pk}",
                idempotency_key__in=[
                    f"matching.offer_accepted:{offer.pk}",
                    f"matching.offer_accepted:{offer.pk}:sms",
                ],
                status="sent",
            ).exists(),
            self.timeout,
            since=t1,
        )
        row = {"send_s": send, "answer_s": answer, "confirmation_sent_s": confirmed}
        self.stdout.write(
            f"bench offers yes db={connection.vendor} status={response.status_code} "
            f"placed={bool(placed)} checklist_items={checklist or 0} "
            + " ".join(f"{k}={_fmt(v)}" for k, v in row.items())
        )
        return row

    def _auto_candidate(self) -> Offer:
        """A need switched to automatic mode and its first round sent (here, not measured):
        one of its automatic offers whose slot has alternatives left."""
        from django.utils import timezone

        from matching.refill import offers_auto_round

        needs = (
            Proposal.objects.filter(status=Proposal.Status.PROPOSED, worker__email__gt="")
            .exclude(alternatives=[])
            .exclude(shift__need__submitted_by=self.coordinator)
            .exclude(shift__need__auto_offer__isnull=False)
            .values_list("shift__need_id", flat=True)
            .order_by("shift__start")
            .distinct()[:50]
        )
        for need_id in needs:
            AutoOffer.objects.update_or_create(
                need_id=need_id,
                defaults={
                    "enabled": True,
                    "changed_by": self.coordinator,
                    "changed_at": timezone.now(),
                },
            )
            offers_auto_round(need_id=need_id)
            offer = (
                Offer.objects.pending()
                .filter(shift__need_id=need_id, automatic=True)
                .exclude(proposal__alternatives=[])
                .select_related("shift__need", "worker")
                .first()
            )
            if offer is not None:
                return offer
        raise CommandError("no need could be offered automatically")

    def _no_round(self, *, auto: bool) -> dict:
        offer = self._auto_candidate() if auto else self._candidate(with_alternatives=True)
        need = offer.shift.need
        url = reverse("offers:answer", kwargs={"token": self._token(offer)})
        before = set(Proposal.objects.filter(shift=offer.shift).values_list("pk", flat=True))
        last_offer = Offer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        t0 = time.perf_counter()
        response = self.client.post(url, {"answer": "no", "reason": "bench"})
        answer = time.perf_counter() - t0

        def proposed() -> bool:
            return (
                Proposal.objects.filter(shift=offer.shift)
                .exclude(pk__in=before)
                .exclude(worker=offer.worker)
                .exists()
            )

        def offered() -> bool:
            return Offer.objects.filter(
                shift=offer.shift, status=Offer.Status.PENDING, pk__gt=last_offer
            ).exists()

        row = {"answer_s": answer, "next_proposed_s": _wait(proposed, self.timeout, since=t0)}
        if auto:
            row["next_offered_s"] = _wait(offered, self.timeout, since=t0)
            AutoOffer.objects.filter(need=need).update(enabled=False)
        label = "no-auto" if auto else "no"
        self.stdout.write(
            f"bench offers {label} db={connection.vendor} status={response.status_code} "
            + " ".join(f"{k}={_fmt(v)}" for k, v in row.items())
        )
        return row

    def _summary(self, label: str, rows: list[dict], keys: list[str]) -> None:
        parts = []
        for key in keys:
            values = [r[key] for r in rows if r.get(key) is not None]
            missed = len(rows) - len(values)
            if values:
                parts.append(
                    f"{key}_p50={statistics.median(values):.3f} {key}_max={max(values):.3f}"
                )
            if missed:
                parts.append(f"{key}_timeouts={missed}")
        self.stdout.write(f"bench offers {label}-summary rounds={len(rows)} " + " ".join(parts))
