"""Time an import of N employees (default 20,000): a first import, the same file again, and a
file where every row changed. Prints figures; changes nothing (all in a rolled-back
transaction).

    manage.py bench_import [--rows 20000] [--format csv|xlsx]
"""

import io
import os
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from staffing.models import District, Qualification, Sector, Unit, WorkerSource
from staffing.people_import import people_import_apply


class Command(BaseCommand):
    help = "Benchmark the import of people (prints figures; writes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=20_000)
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")

    def handle(self, *args, rows: int, format: str, **options):
        with transaction.atomic():
            self._run(rows, format)
            transaction.set_rollback(True)

    def _file(self, rows: int, format: str, units: list[str], quals: list[str], phone: int):
        header = ["ansattnummer", "fornavn", "etternavn", "e-post", "mobil", "enhet"]
        header += ["stillingsprosent", "kompetanse", "ønsker større stilling", "hpr"]
        body = [
            [
                f"B{n:06d}",
                f"Fornavn{n}",
                f"Etternavn{n}",
                f"ansatt{n}@bench.example",
                f"+47 9{phone:01d}{n % 1_000_000:06d}",
                units[n % len(units)],
                str(50 + n % 51),
                quals[n % len(quals)],
                "ja" if n % 3 == 0 else "nei",
                f"{1_000_000 + n}" if n % 2 else "",
            ]
            for n in range(rows)
        ]
        if format == "csv":
            text = "\n".join(";".join(row) for row in [header, *body])
            return text.encode("utf-8"), "bench.csv"
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        for row in [header, *body]:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue(), "bench.xlsx"

    def _run(self, rows: int, format: str) -> None:
        district, _ = District.objects.get_or_create(code="bench", defaults={"name": "Bench"})
        units = list(Unit.objects.values_list("code", flat=True)[:50])
        if not units:
            Unit.objects.create(
                code="bench-unit", name="Bench", sector=Sector.SCHOOLS, district=district
            )
            units = ["bench-unit"]
        quals = list(Qualification.objects.values_list("code", flat=True)[:8])
        if not quals:
            Qualification.objects.create(code="bench-q", name="Bench")
            quals = ["bench-q"]
        load = "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
        self.stdout.write(
            f"bench import rows={rows} format={format} db={connection.vendor} ({load})"
        )
        for label, phone in (("first", 1), ("same-again", 1), ("all-changed", 2)):
            data, name = self._file(rows, format, units, quals, phone)
            started = time.perf_counter()
            report = people_import_apply(
                data=data, filename=name, source=WorkerSource.EMPLOYEE, by=None
            )
            seconds = time.perf_counter() - started
            counts = report.counts()
            self.stdout.write(
                f"bench import run={label} seconds={seconds:.2f} kb={len(data) // 1024} "
                f"new={counts['new']} changed={counts['changed']} "
                f"unchanged={counts['unchanged']} rejected={counts['rejected']}"
            )
