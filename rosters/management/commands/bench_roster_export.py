"""Print how fast the roster exports stream N placed shifts (CSV and XLSX, through the view).

    DATABASE_URL=postgres://... python manage.py bench_roster_export --rows 3000

Builds the rows inside a transaction that is rolled back at the end, so it leaves the
database as it found it. Prints one line per format:
    bench roster-export format=csv rows=3000 p50_ms=… p95_ms=… queries=… kb=…
"""

from __future__ import annotations

import datetime as dt
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from needs.models import Need, Shift
from placements.models import Placement, PlacementShift
from staffing.models import District, Qualification, Unit, Worker, WorkerSource


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the roster CSV/XLSX exports for N placed shifts (prints figures)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=3000)
        parser.add_argument("--repeat", type=int, default=7)

    def handle(self, *args, rows: int, repeat: int, **options):
        try:
            with transaction.atomic():
                period = self._build(rows)
                for fmt in ("csv", "xlsx"):
                    self._measure(fmt, period, rows, repeat)
                raise _Rollback
        except _Rollback:
            pass

    def _build(self, rows: int) -> dict:
        now = timezone.now()
        district = District.objects.create(code="bench-roster", name="Bench")
        unit = Unit.objects.create(
            name="Bench sykehjem", code="bench-roster-unit", district=district, sector="health"
        )
        qualification = Qualification.objects.create(code="bench-roster-q", name="Bench")
        coordinator = User.objects.create_user(
            email="bench-roster@dugnad.test", password="x", role=Role.COORDINATOR
        )
        need = Need.objects.create(
            unit=unit,
            qualification=qualification,
            state=Need.State.SUBMITTED,
            created_by=coordinator,
            title="Bench",
        )
        per_worker = 10
        workers = Worker.objects.bulk_create(
            Worker(
                source=WorkerSource.EMPLOYEE,
                first_name=f"Bench{n}",
                last_name=f"Roster{n:05d}",
                email=f"bench{n}@example.test",
            )
            for n in range((rows + per_worker - 1) // per_worker)
        )
        placements = Placement.objects.bulk_create(
            Placement(worker=worker, unit=unit, need=need, approved_by=coordinator, approved_at=now)
            for worker in workers
        )
        first_day = timezone.localdate() + dt.timedelta(days=1)
        start_of = dict.fromkeys(range(per_worker))
        tz = timezone.get_current_timezone()
        for day in start_of:
            start_of[day] = dt.datetime.combine(
                first_day + dt.timedelta(days=day), dt.time(7, 30), tzinfo=tz
            )
        shifts = Shift.objects.bulk_create(
            Shift(need=need, start=start, end=start + dt.timedelta(hours=8), headcount=len(workers))
            for start in start_of.values()
        )
        PlacementShift.objects.bulk_create(
            PlacementShift(
                placement=placement,
                shift=shift,
                worker_id=placement.worker_id,
                start=shift.start,
                end=shift.end,
            )
            for placement in placements
            for shift in shifts
        )
        count = PlacementShift.objects.filter(placement__unit=unit).count()
        self.client = Client()
        self.client.force_login(coordinator)
        return {
            "unit": unit.pk,
            "date_from": first_day.isoformat(),
            "date_to": (first_day + dt.timedelta(days=per_worker)).isoformat(),
            "count": count,
        }

    def _measure(self, fmt: str, period: dict, rows: int, repeat: int) -> None:
        url = reverse(f"rosters:export_{fmt}")
        params = {k: v for k, v in period.items() if k != "count"}
        self._download(url, params)  # warm-up
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            body = self._download(url, params)
            times.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            self._download(url, params)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        self.stdout.write(
            f"bench roster-export format={fmt} rows={period['count']} "
            f"p50_ms={statistics.median(times):.0f} p95_ms={p95:.0f} "
            f"queries={len(queries)} kb={len(body) / 1024:.0f}"
        )

    def _download(self, url: str, params: dict) -> bytes:
        response = self.client.get(url, params)
        assert response.status_code == 200, response.status_code
        return b"".join(response.streaming_content)
