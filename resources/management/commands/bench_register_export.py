"""Print how fast the resource register's exports stream (CSV and XLSX, through the view).

    DATABASE_URL=postgres://... python manage.py bench_register_export --rows 3000 --full 22000

Builds `--full` people (employees, agency temps and volunteers with qualifications and
skills) inside a transaction that is rolled back at the end, so it leaves the database as it
found it. `--rows` of them live in one district: the export filtered on that district is the
"rows" figure; the unfiltered export is the whole register (everyone in the database). Prints
one line per export:
    bench export kind=register-csv rows=3000 p50_ms=… p95_ms=… queries=… kb=… first_byte_ms=…
Queries are counted to the last byte of the body (the session's and user's included);
first_byte_ms is when the first bytes of the body came (the response streams).
"""

from __future__ import annotations

import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role, User
from staffing.models import (
    Agency,
    District,
    EmployeeProfile,
    Qualification,
    Skill,
    Unit,
    Worker,
    WorkerQualification,
    WorkerSkill,
    WorkerSource,
)


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the resource register's CSV/XLSX exports (prints figures)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=3000)
        parser.add_argument("--full", type=int, default=22000, help="people in the register")
        parser.add_argument("--repeat", type=int, default=7)
        parser.add_argument("--full-repeat", type=int, default=3)
        parser.add_argument("--language", default="en")

    def handle(self, *args, rows, full, repeat, full_repeat, language, **options):
        try:
            with transaction.atomic():
                district = self._build(rows=rows, full=max(full, rows))
                if connection.vendor == "postgresql":
                    # What autovacuum would have done after such a load: without it the planner
                    # takes the tables for small and misjudges the query.
                    with connection.cursor() as cursor:
                        cursor.execute(
                            "ANALYZE staffing_worker, staffing_employeeprofile, "
                            "staffing_worker_qualifications, staffing_worker_skills"
                        )
                self.client = Client()
                self.client.force_login(self.coordinator)
                self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
                for fmt in ("csv", "xlsx"):
                    self._measure(fmt, {"district": district.pk}, repeat)
                for fmt in ("csv", "xlsx"):
                    self._measure(fmt, {}, full_repeat)
                raise _Rollback
        except _Rollback:
            pass

    def _build(self, *, rows: int, full: int) -> District:
        chosen = District.objects.create(code="bench-export-a", name="Bench A")
        rest = District.objects.create(code="bench-export-b", name="Bench B")
        unit = Unit.objects.create(
            name="Bench sykehjem", code="bench-export-unit", district=chosen, sector="health"
        )
        agency = Agency.objects.create(name="Bench vikarbyrå")
        qualifications = [
            Qualification.objects.create(
                code=f"bench-export-q{n}", name=f"Kvalifikasjon {n}", name_en=f"Qualification {n}"
            )
            for n in range(6)
        ]
        skills = [
            Skill.objects.create(code=f"bench-export-s{n}", name=f"Ferdighet {n}") for n in range(6)
        ]
        self.coordinator = User.objects.create_user(
            email="bench-export@dugnad.test", password="x", role=Role.COORDINATOR
        )
        sources = [WorkerSource.EMPLOYEE] * 6 + [WorkerSource.AGENCY] * 2 + [WorkerSource.VOLUNTEER]
        people = Worker.objects.bulk_create(
            Worker(
                source=sources[n % len(sources)],
                first_name=f"Bench{n}",
                last_name=f"Eksport{n:06d}",
                email=f"bench-export{n}@example.test",
                phone=f"+47 9{n:07d}",
                home_district=chosen if n < rows else rest,
                agency=agency if sources[n % len(sources)] == WorkerSource.AGENCY else None,
                agency_reference=(
                    f"B{n}" if sources[n % len(sources)] == WorkerSource.AGENCY else ""
                ),
            )
            for n in range(full)
        )
        EmployeeProfile.objects.bulk_create(
            EmployeeProfile(
                worker=worker,
                employee_number=f"bench-export-{worker.pk}",
                home_unit=unit,
                position_percent=50 + worker.pk % 51,
                wants_more_hours=worker.pk % 3 == 0,
            )
            for worker in people
            if worker.source == WorkerSource.EMPLOYEE
        )
        WorkerQualification.objects.bulk_create(
            WorkerQualification(worker=worker, qualification=qualifications[(n + k) % 6])
            for n, worker in enumerate(people)
            for k in range(1 + n % 2)
        )
        WorkerSkill.objects.bulk_create(
            WorkerSkill(worker=worker, skill=skills[(n + k) % 6])
            for n, worker in enumerate(people)
            for k in range(n % 3)
        )
        return chosen

    def _measure(self, fmt: str, params: dict, repeat: int) -> None:
        url = reverse(f"resources:export_{fmt}")
        self._download(url, params)  # warm-up
        times, firsts = [], []
        for _ in range(repeat):
            started = time.perf_counter()
            body, first = self._download(url, params, started)
            times.append((time.perf_counter() - started) * 1000)
            firsts.append(first)
        with CaptureQueriesContext(connection) as queries:
            self._download(url, params)
        count = self._count(params)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        self.stdout.write(
            f"bench export kind=register-{fmt} rows={count} "
            f"p50_ms={statistics.median(times):.0f} p95_ms={p95:.0f} "
            f"queries={len(queries)} kb={len(body) / 1024:.0f} "
            f"first_byte_ms={statistics.median(firsts):.0f}"
        )

    def _count(self, params: dict) -> int:
        workers = Worker.objects.all()
        if "district" in params:
            workers = workers.filter(home_district_id=params["district"])
        return workers.count()

    def _download(self, url: str, params: dict, started: float = 0.0) -> tuple[bytes, float]:
        """The body, and the milliseconds from `started` to its first bytes."""
        response = self.client.get(url, params)
        assert response.status_code == 200, response.status_code
        parts, first = [], 0.0
        for part in response.streaming_content:
            if part and not parts:
                first = (time.perf_counter() - started) * 1000
            parts.append(part)
        return b"".join(parts), first
