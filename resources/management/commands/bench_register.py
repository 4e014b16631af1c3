"""Time the resource register as a coordinator: N sequential requests after warm-up, one line
per page, in the format of the operations issue's web benchmark. Run it on the demo at the
scale you want (e.g. `manage.py demo --scale 10` on PostgreSQL). Changes nothing but the
session and the access log of the person's page.

    manage.py bench_register [--requests 50]
"""

import datetime as dt
import os
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role, User
from staffing.models import Qualification, Worker


class Command(BaseCommand):
    help = "Benchmark the resource register's pages (prints p50/p95 per page)."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=50)

    def handle(self, *args, requests: int, **options):
        user = User.objects.filter(role=Role.COORDINATOR, is_active=True).first()
        if user is None:
            raise CommandError("no coordinator: load the demo first")
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        nurse = Qualification.objects.filter(code="sykepleier").first()
        worker = Worker.objects.order_by("pk").first()
        soon = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
        pages = [
            ("/resources/", {}),
            ("/resources/", {"page": "5"}),
            ("/resources/", {"qualification": nurse.pk if nurse else "", "status": "free"}),
            ("/resources/", {"source": "employee", "wants_more_hours": "true"}),
            ("/resources/", {"status": "offered"}),
            ("/resources/", {"status": "absent"}),
            ("/resources/", {"credentials": "expiring"}),
            ("/resources/", {"available_from": soon, "available_to": soon}),
            (f"/resources/{worker.pk}/", {}),
        ]
        load = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
        all_p95 = []
        self.stdout.write(
            f"bench web register workers={Worker.objects.count()} db={connection.vendor} "
            f"requests={requests} (load average {load})"
        )
        for path, params in pages:
            for _ in range(3):
                client.get(path, params)
            timings = []
            for _ in range(requests):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(path, params)
                    timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{path} answered {response.status_code}")
            timings.sort()
            p95 = timings[max(0, round(len(timings) * 0.95) - 1)]
            all_p95.append(p95)
            shown = path + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
            self.stdout.write(
                f"bench web page={shown} role=coordinator p50_ms={statistics.median(timings):.0f} "
                f"p95_ms={p95:.0f} queries={len(queries)} kb={len(response.content) // 1024}"
            )
        load = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
        self.stdout.write(
            f"bench web register worst_p95_ms={max(all_p95):.0f} (load average {load})"
        )
