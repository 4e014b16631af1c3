import io
from unittest import mock

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from staffing.models import AuditEntry, EmployeeProfile, Worker, WorkerSource
from staffing.people_import import people_import_apply, people_import_plan
from tests.staffing.factories import (
    AgencyFactory,
    EmployeeProfileFactory,
    SkillFactory,
)

HEADER = "Ansattnummer;Fornavn;Etternavn;E-post;Mobil;Enhet;Stillingsprosent;Kompetanse;Ønsker større stilling;HPR"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


def xlsx_bytes(rows: list[list], *, merge: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def apply(data: bytes, filename: str = "hr.csv", **kwargs):
    return people_import_apply(data=data, filename=filename, source=WorkerSource.EMPLOYEE, **kwargs)


ANNE = "1001;Anne;Ås;anne@example.test;912 34 567;nordtun;80;sykepleier;ja;1234567"
BJORN = "1002;Bjørn;Berg;;;nordtun-a;100;helsefagarbeider, hjelpepleier;nei;"


def test_a_csv_export_creates_employees_with_unit_qualifications_and_an_audit_entry(world):
    report = apply(csv_bytes(ANNE, BJORN), by=world.hr)

    assert report.ok and report.applied
    assert report.counts()["new"] == 2
    anne = EmployeeProfile.objects.select_related("worker").get(employee_number="1001")
    assert anne.home_unit == world.home and anne.position_percent == 80 and anne.wants_more_hours
    worker = anne.worker
    assert (worker.first_name, worker.last_name, worker.phone) == ("Anne", "Ås", "+4791234567")
    assert worker.source == WorkerSource.EMPLOYEE and worker.home_district == world.north
    assert worker.hpr_number == "1234567" and worker.hpr_verified_at is None
    assert set(worker.qualifications.values_list("code", flat=True)) == {"sykepleier"}
    bjorn = Worker.objects.get(employee__employee_number="1002")
    assert set(bjorn.qualifications.values_list("code", flat=True)) == {
        "helsefagarbeider",
        "hjelpepleier",
    }
    assert AuditEntry.objects.filter(object_id=worker.pk, field="imported", actor=world.hr).exists()


def test_importing_the_same_file_twice_changes_nothing_the_second_time(world):
    data = csv_bytes(ANNE, BJORN)
    apply(data, by=world.hr)
    stamps = dict(Worker.objects.values_list("pk", "updated_at"))
    audit_count = AuditEntry.objects.count()

    report = apply(data, by=world.hr)

    assert report.counts() == {"new": 0, "changed": 0, "unchanged": 2, "rejected": 0, "missing": 0}
    assert dict(Worker.objects.values_list("pk", "updated_at")) == stamps
    assert AuditEntry.objects.count() == audit_count
    assert Worker.objects.count() == 2


def test_a_changed_row_updates_the_person_and_logs_old_and_new_values(world):
    apply(csv_bytes(ANNE), by=world.hr)
    worker = Worker.objects.get(employee__employee_number="1001")
    worker.hpr_verified_at = timezone.now()
    worker.save()
    changed = "1001;Anne;Ås;anne@example.test;+47 922 22 222;nordtun;100;vernepleier;nei;7654321"

    report = apply(csv_bytes(changed), by=world.coordinator)

    assert report.counts()["changed"] == 1
    assert set(report.rows[0].changes) == {
        "phone",
        "position_percent",
        "wants_more_hours",
        "hpr_number",
        "qualifications",
    }
    worker.refresh_from_db()
    assert worker.phone == "+4792222222"
    assert worker.employee.position_percent == 100 and not worker.employee.wants_more_hours
    assert set(worker.qualifications.values_list("code", flat=True)) == {"vernepleier"}
    # a new HPR number has not been verified
    assert worker.hpr_number == "7654321" and worker.hpr_verified_at is None
    entry = AuditEntry.objects.get(object_id=worker.pk, field="phone")
    assert (entry.old_value, entry.new_value, entry.actor) == (
        "+4791234567",
        "+4792222222",
        world.coordinator,
    )


def test_columns_missing_from_the_file_are_left_as_they_are(world):
    skill = SkillFactory(code="demens", name="Demensomsorg")
    profile = EmployeeProfileFactory(employee_number="77", home_unit=world.home)
    profile.worker.skills.set([skill])
    data = csv_bytes("77;Kari;Nordmann;nordtun", header="ansattnummer;fornavn;etternavn;enhet")

    report = apply(data, by=world.hr)

    assert report.ok
    profile.refresh_from_db()
    assert list(profile.worker.skills.all()) == [skill]
    assert profile.worker.email.startswith("worker")  # the file had no e-mail column


def test_an_xlsx_export_is_read_like_a_csv(world):
    data = xlsx_bytes(
        [
            ["Employee number", "First name", "Last name", "Unit", "Position size", "Skills"],
            [2001, "Ola", "Nordmann", "nordtun", 50.0, "Demensomsorg"],
        ]
    )
    SkillFactory(code="demens", name="Demensomsorg")

    report = apply(data, filename="hr.xlsx", by=world.hr)

    assert report.ok and report.counts()["new"] == 1
    profile = EmployeeProfile.objects.get(employee_number="2001")
    assert profile.position_percent == 50
    assert list(profile.worker.skills.values_list("code", flat=True)) == ["demens"]


BAD_FILES = {
    "latin1": (csv_bytes(ANNE, encoding="latin-1"), "not encoded as UTF-8"),
    "double_encoded": (csv_bytes(ANNE).decode("latin-1").encode("utf-8"), "garbled"),
    "pipe_delimited": (csv_bytes(ANNE).replace(b";", b"|"), "Columns missing"),
    "old_xls": (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, ".xls"),
    "empty": (b"", "empty"),
    "broken_xlsx": (b"PK\x03\x04garbage", "XLSX"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_an_unreadable_file_gets_a_report_and_changes_nothing(world, name):
    data, message = BAD_FILES[name]

    report = apply(data, by=world.hr)

    assert not report.ok and not report.applied
    assert message in " ".join(report.errors)
    assert not Worker.objects.exists()


def test_merged_cells_and_formulas_in_a_workbook_are_refused(world):
    rows = [["ansattnummer", "fornavn", "etternavn", "enhet"], ["1", "A", "B", "nordtun"]]
    merged = apply(xlsx_bytes(rows, merge="B2:C2"), filename="hr.xlsx", by=world.hr)
    rows[1][0] = "=1+1"
    formula = apply(xlsx_bytes(rows), filename="hr.xlsx", by=world.hr)

    assert "merged cells (B2:C2)" in merged.errors[0]
    assert "formulas (A2)" in formula.errors[0]
    assert not Worker.objects.exists()


def test_one_bad_row_rejects_the_whole_file_with_line_numbers_and_reasons(world):
    data = csv_bytes(
        ANNE,
        "1002;Per;Lien;;;ukjent-enhet;100;;nei;",
        "1003;Siv;Dal;;;nordtun;100;tannlege;nei;",
        "1004;Tor;Eng;;;nordtun;100;;kanskje;",
        '1005;=HYPERLINK("x");Eng;;;nordtun;100;;nei;',
        "1001;Anne;Kopi;;;nordtun;100;;nei;",
        "1006;Liv;Moe;ikke-epost;123;nordtun;150;;nei;12",
    )

    report = apply(data, by=world.hr)

    assert not report.ok and not report.applied
    rejected = {row.line: " ".join(row.reasons) for row in report.rows if row.action == "rejected"}
    assert "Unknown unit “ukjent-enhet”" in rejected[3]
    assert "Unknown qualification “tannlege”" in rejected[4]
    assert "not yes or no" in rejected[5]
    assert "formula" in rejected[6]
    assert "more than one line (2, 7)" in rejected[2] and "(2, 7)" in rejected[7]
    assert all(word in rejected[8] for word in ("e-mail", "phone", "position size", "HPR"))
    assert not Worker.objects.exists()


def test_a_file_over_the_size_limit_is_refused(world, settings):
    settings.DUGNAD = {**settings.DUGNAD, "IMPORT_MAX_BYTES": 1_000_000}
    data = csv_bytes(*[ANNE.replace("1001", str(n)) for n in range(20_000)])
    assert len(data) > 1_000_000

    report = apply(data, by=world.hr)

    assert report.errors == ["The file is 1.5\xa0MB; at most 976.6\xa0KB can be imported at once."]
    assert not Worker.objects.exists()


def test_a_full_export_flags_people_it_lacks_and_never_deletes_them(world):
    apply(csv_bytes(ANNE, BJORN), by=world.hr)

    partial = apply(csv_bytes(ANNE), by=world.hr)
    assert partial.missing == []
    full = apply(csv_bytes(ANNE), by=world.hr, full=True)

    assert full.missing == ["1002"]
    bjorn = Worker.objects.get(employee__employee_number="1002")
    assert bjorn.missing_since is not None and bjorn.is_active
    assert Worker.objects.count() == 2
    # back in the next export: the flag goes
    back = apply(csv_bytes(ANNE, BJORN), by=world.hr, full=True)
    assert back.counts()["changed"] == 1
    bjorn.refresh_from_db()
    assert bjorn.missing_since is None


def test_agency_temps_are_matched_by_agency_and_reference(world):
    first, second = AgencyFactory(name="Vikar AS"), AgencyFactory(name="Helsevikar AS")
    header = "Referanse;Fornavn;Etternavn;Kompetanse;Distrikt"
    data = csv_bytes("V-1;Eva;Lund;sykepleier;Nord", header=header)

    for agency in (first, second, first):
        people_import_apply(
            data=data, filename="v.csv", source=WorkerSource.AGENCY, agency=agency, by=world.hr
        )

    temps = Worker.objects.filter(source=WorkerSource.AGENCY)
    assert sorted(temps.values_list("agency__name", "agency_reference")) == [
        ("Helsevikar AS", "V-1"),
        ("Vikar AS", "V-1"),
    ]
    assert all(temp.home_district == world.north for temp in temps)


def test_a_failure_while_writing_leaves_nothing_behind(world):
    from staffing import people_import

    real_insert = people_import._insert_rows

    def fail_at_the_audit_trail(model, objects):
        if model is AuditEntry:
            raise RuntimeError("disk full")
        real_insert(model, objects)

    with (
        mock.patch.object(people_import, "_insert_rows", fail_at_the_audit_trail),
        pytest.raises(RuntimeError),
    ):
        apply(csv_bytes(ANNE, BJORN), by=world.hr)
    assert not Worker.objects.exists() and not EmployeeProfile.objects.exists()


def test_only_hr_and_coordinators_may_import(world):
    with pytest.raises(PermissionDenied):
        apply(csv_bytes(ANNE), by=world.volunteer_coordinator)
    with pytest.raises(PermissionDenied):
        apply(csv_bytes(ANNE), by=world.leader)
    assert not Worker.objects.exists()


def test_a_dry_run_writes_nothing(world):
    plan = people_import_plan(data=csv_bytes(ANNE), filename="x.csv", source=WorkerSource.EMPLOYEE)
    assert plan.report.counts()["new"] == 1
    assert not Worker.objects.exists()


# --- the command -------------------------------------------------------------------------------


def test_command_dry_run_reports_and_writes_nothing(world, tmp_path, capsys):
    path = tmp_path / "hr.csv"
    path.write_bytes(csv_bytes(ANNE, BJORN))

    call_command("import_people", str(path), "--dry-run")

    assert "dry run: rows=2 new=2 changed=0 unchanged=0 rejected=0" in capsys.readouterr().out
    assert not Worker.objects.exists()


def test_command_imports_and_a_bad_file_exits_with_an_error(world, tmp_path, capsys):
    good, bad = tmp_path / "hr.csv", tmp_path / "bad.csv"
    good.write_bytes(csv_bytes(ANNE))
    bad.write_bytes(csv_bytes(BJORN, "1003;X;Y;;;ukjent;100;;nei;"))

    call_command("import_people", str(good), "--full")
    with pytest.raises(CommandError):
        call_command("import_people", str(bad))

    captured = capsys.readouterr()
    assert "applied: rows=1 new=1" in captured.out
    assert "line 3: rejected (1003): Unknown unit “ukjent”." in captured.err
    assert list(Worker.objects.values_list("first_name", flat=True)) == ["Anne"]


def test_command_imports_an_agency_list(world, tmp_path):
    AgencyFactory(name="Vikar AS")
    path = tmp_path / "v.csv"
    path.write_bytes(csv_bytes("V-9;Eva;Lund", header="referanse;fornavn;etternavn"))

    with pytest.raises(CommandError):
        call_command("import_people", str(path), "--source", "agency")
    with pytest.raises(CommandError):
        call_command("import_people", str(path), "--source", "agency", "--agency", "Ukjent AS")
    call_command("import_people", str(path), "--source", "agency", "--agency", "vikar as")

    assert Worker.objects.get().agency.name == "Vikar AS"


def test_rows_changing_different_fields_are_written_together(world):
    apply(csv_bytes(ANNE, BJORN), by=world.hr)
    anne_new_hpr = ANNE.replace("1234567", "7654321")
    bjorn_new_phone = BJORN.replace(";;;nordtun-a", ";;+4795555555;nordtun-a")

    report = apply(csv_bytes(anne_new_hpr, bjorn_new_phone), by=world.hr)

    assert report.counts()["changed"] == 2
    anne = Worker.objects.get(employee__employee_number="1001")
    bjorn = Worker.objects.get(employee__employee_number="1002")
    assert (anne.hpr_number, anne.phone) == ("7654321", "+4791234567")
    assert (bjorn.hpr_number, bjorn.phone) == ("", "+4795555555")
