"""Import employees from the HR system's export, or an agency's temps, from CSV or XLSX.

    manage.py import_people FILE [--dry-run] [--full] [--source employee|agency --agency NAME]

For a nightly job: exits with status 1 (and changes nothing) if the file has any error.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from staffing.models import Agency, WorkerSource
from staffing.people_import import (
    CHANGED,
    NEW,
    REJECTED,
    UNCHANGED,
    people_import_apply,
    people_import_plan,
)


class Command(BaseCommand):
    help = "Import people (employees or an agency's temps) from a CSV or XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check and report only")
        parser.add_argument(
            "--source",
            choices=[WorkerSource.EMPLOYEE, WorkerSource.AGENCY],
            default=WorkerSource.EMPLOYEE,
        )
        parser.add_argument("--agency", help="the agency's name (with --source agency)")
        parser.add_argument(
            "--full",
            action="store_true",
            help="the file lists everyone: flag people it lacks for review (never deleted)",
        )

    def handle(self, *args, file: Path, dry_run: bool, source: str, agency, full: bool, **kw):
        agency_obj = None
        if source == WorkerSource.AGENCY:
            if not agency:
                raise CommandError("--source agency needs --agency NAME")
            agency_obj = Agency.objects.filter(name__iexact=agency.strip()).first()
            if agency_obj is None:
                raise CommandError(f"no agency named {agency!r}")
        elif agency:
            raise CommandError("--agency goes with --source agency")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        arguments = {
            "data": data,
            "filename": file.name,
            "source": source,
            "agency": agency_obj,
            "full": full,
        }
        if dry_run:
            report = people_import_plan(**arguments).report
        else:
            report = people_import_apply(**arguments, by=None)
        self._print(report, dry_run=dry_run)
        if not report.ok:
            raise CommandError("the file has errors; nothing was imported")

    def _print(self, report, *, dry_run: bool) -> None:
        for error in report.errors:
            self.stderr.write(f"error: {error}")
        for notice in report.notices:
            self.stdout.write(f"note: {notice}")
        for row in report.rows:
            if row.action == REJECTED:
                self.stderr.write(f"line {row.line}: rejected ({row.key}): {' '.join(row.reasons)}")
            elif row.action == CHANGED and self.verbosity > 1:
                self.stdout.write(f"line {row.line}: changed ({row.key}): {', '.join(row.changes)}")
        counts = report.counts()
        state = "dry run" if dry_run else ("applied" if report.applied else "not applied")
        self.stdout.write(
            f"{state}: rows={report.rows_read} new={counts[NEW]} changed={counts[CHANGED]} "
            f"unchanged={counts[UNCHANGED]} rejected={counts[REJECTED]} "
            f"missing={counts['missing']}"
        )
