"""Import of people from the HR system's export (employees) or an agency's list (temps).

A file is read (CSV or XLSX), every row checked against the organisation (units,
qualifications, skills, districts) and compared with what Dugnad has; the result is a report of
new, changed, unchanged and rejected rows with line numbers and reasons. Applying writes all of
it in one transaction, or nothing: a file with any error changes nothing. Employees are matched
by employee number, agency temps by agency and the agency's reference, so running the same file
twice changes nothing the second time. People missing from a full export are flagged for review
(`Worker.missing_since`), never deleted.

The browser page and `manage.py import_people` both call `people_import_plan` and
`people_import_apply` (or `people_import_check` / `people_import_run` for an upload kept between
the dry run and applying).
"""

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

import phonenumbers
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from core.tasks_by_name import request_matching_run
from staffing.models import (
    Agency,
    AuditEntry,
    District,
    EmployeeProfile,
    PeopleImport,
    Qualification,
    Skill,
    Unit,
    Worker,
    WorkerSource,
)

NEW, CHANGED, UNCHANGED, REJECTED = "new", "changed", "unchanged", "rejected"
IMPORTED_SOURCES = (WorkerSource.EMPLOYEE, WorkerSource.AGENCY)
PHONE_REGIONS = ("NO", "SE")
BATCH = 1000
# Rows of each kind kept in a stored report (the counts are always complete).
REPORT_ROWS_KEPT = 500

# Column → the headers it is known by in exports (compared after _normalise_header).
COLUMNS: dict[str, tuple[str, ...]] = {
    "employee_number": ("employee number", "employee no", "ansattnummer", "ansattnr", "ansatt nr"),
    "agency_reference": ("reference", "agency reference", "referanse", "vikarnummer", "vikar nr"),
    "first_name": ("first name", "given name", "fornavn"),
    "last_name": ("last name", "surname", "family name", "etternavn"),
    "email": ("email", "e mail", "e post", "epost"),
    "phone": ("phone", "mobile", "mobile phone", "mobil", "mobiltelefon", "telefon"),
    "home_unit": ("home unit", "unit", "unit code", "enhet", "enhetskode", "hjemmeenhet"),
    "position_percent": (
        "position percent",
        "position size",
        "position",
        "stillingsprosent",
        "stilling",
        "stillingsstorrelse",
    ),
    "qualifications": ("qualifications", "qualification", "kompetanse", "yrkesgruppe"),
    "skills": ("skills", "skill", "ferdigheter", "ferdighet", "sprak"),
    "wants_more_hours": (
        "wants more hours",
        "onsker storre stilling",
        "onsker flere timer",
        "storre stilling",
    ),
    "hpr_number": ("hpr", "hpr number", "hpr nummer", "hprnummer", "hpr nr"),
    "district": ("district", "home district", "distrikt", "kommunedel"),
}
REQUIRED = {
    WorkerSource.EMPLOYEE: ("employee_number", "first_name", "last_name", "home_unit"),
    WorkerSource.AGENCY: ("agency_reference", "first_name", "last_name"),
}
KEY_COLUMN = {WorkerSource.EMPLOYEE: "employee_number", WorkerSource.AGENCY: "agency_reference"}
# Columns that only make sense for one source are ignored (with a notice) for the other.
ONLY_FOR = {
    "employee_number": WorkerSource.EMPLOYEE,
    "home_unit": WorkerSource.EMPLOYEE,
    "position_percent": WorkerSource.EMPLOYEE,
    "wants_more_hours": WorkerSource.EMPLOYEE,
    "agency_reference": WorkerSource.AGENCY,
    "district": WorkerSource.AGENCY,
}
YES = {"ja", "j", "yes", "y", "true", "1", "x"}
NO = {"nei", "n", "no", "false", "0", ""}
WORKER_FIELDS = ("first_name", "last_name", "email", "phone", "hpr_number", "home_district_id")
PROFILE_FIELDS = ("home_unit_id", "position_percent", "wants_more_hours")
# Evaluated only when a row needs them (20,000 translations cost seconds).
NAME_MESSAGES = (
    (
        "first_name",
        gettext_lazy("The first name is empty."),
        gettext_lazy("The first name is longer than 100 characters."),
    ),
    (
        "last_name",
        gettext_lazy("The last name is empty."),
        gettext_lazy("The last name is longer than 100 characters."),
    ),
)
UNKNOWN_QUALIFICATION = gettext_lazy("Unknown qualification “%(value)s”.")
UNKNOWN_SKILL = gettext_lazy("Unknown skill “%(value)s”.")
# What the audit trail keeps of a change (personal data: who changed it and from what).
AUDITED = ("first_name", "last_name", "email", "phone", "hpr_number")


def _normalise_header(text: str) -> str:
    text = str(text or "").strip().lower()
    text = text.replace("ø", "o").replace("æ", "ae").replace("å", "a")
    text = re.sub(r"[\s_\-./%]+", " ", text)
    return text.strip()


HEADER_TO_COLUMN = {
    _normalise_header(alias): column
    for column, aliases in COLUMNS.items()
    for alias in (*aliases, column)
}


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing in it is imported."""


@dataclass
class RowResult:
    line: int
    key: str
    action: str
    reasons: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    source: str
    rows_read: int = 0
    errors: list[str] = field(default_factory=list)  # about the file as a whole
    notices: list[str] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # keys of people a full export lacks
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.count(REJECTED)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((NEW, CHANGED, UNCHANGED, REJECTED), 0)
        for row in self.rows:
            counts[row.action] += 1
        counts["missing"] = len(self.missing)
        return counts

    def as_dict(self, *, keep: int = REPORT_ROWS_KEPT) -> dict:
        """For storing: every count, and the first `keep` rows of each kind but unchanged."""
        kept: dict[str, int] = defaultdict(int)
        rows = []
        for row in self.rows:
            if row.action == UNCHANGED or kept[row.action] >= keep:
                continue
            kept[row.action] += 1
            rows.append(row.__dict__)
        return {
            "source": self.source,
            "rows_read": self.rows_read,
            "errors": self.errors,
            "notices": self.notices,
            "counts": self.counts(),
            "rows": rows,
            "missing": self.missing[:keep],
            "applied": self.applied,
        }


@dataclass
class _Record:
    """A valid row, resolved to ids, ready to compare and write."""

    line: int
    key: str
    values: dict[str, object]  # only the columns present in the file
    qualification_ids: set[int] | None = None
    skill_ids: set[int] | None = None


@dataclass
class ImportPlan:
    report: ImportReport
    source: str
    agency: Agency | None
    new: list[_Record] = field(default_factory=list)
    changed: list[tuple[_Record, SimpleNamespace, list[str]]] = field(default_factory=list)
    missing_ids: list[int] = field(default_factory=list)


# --- reading the file --------------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _read_xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # Not read-only: only a full load knows the merged cells.
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from exc
    sheet = book.worksheets[0]
    merged = [str(cells) for cells in sheet.merged_cells.ranges]
    if merged:
        raise ImportFileError(
            _("The sheet has merged cells (%(ranges)s): unmerge them so each row is one person.")
            % {"ranges": ", ".join(merged[:5])}
        )
    rows = []
    formulas = []
    for line, cells in enumerate(sheet.iter_rows(), start=1):
        texts = []
        for cell in cells:
            if cell.data_type == "f":
                formulas.append(cell.coordinate)
                texts.append("")
            else:
                texts.append(_cell_text(cell.value))
        rows.append((line, texts))
    if formulas:
        raise ImportFileError(
            _(
                "The sheet holds formulas (%(cells)s): export values only, not formulas, "
                "from the HR system or paste the values."
            )
            % {"cells": ", ".join(formulas[:5]) + (" …" if len(formulas) > 5 else "")}
        )
    return rows


def _read_csv(data: bytes) -> list[tuple[int, list[str]]]:
    if b"\x00" in data[:4096]:
        raise ImportFileError(_("The file is not a text (CSV) file."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _(
                "The file is not encoded as UTF-8 (line %(line)s). Export it as “CSV UTF-8” "
                "or as XLSX."
            )
            % {"line": data[: exc.start].count(b"\n") + 1}
        ) from exc
    # UTF-8 that was read as Latin-1 and saved again turns "ø" into "Ã¸".
    if re.search("Ã[\u0080-\u00bf]", text):
        raise ImportFileError(
            _(
                "The file's letters look garbled (for example “Ã¸” for “ø”): it was converted "
                "between encodings twice. Export it again as “CSV UTF-8”."
            )
        )
    first_line = text.split("\n", 1)[0]
    delimiter = max(
        (";", ",", "\t"),
        key=lambda d: sum(
            1
            for header in next(csv.reader([first_line], delimiter=d), [])
            if _normalise_header(header) in HEADER_TO_COLUMN
        ),
    )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for fields in reader:
            rows.append((reader.line_num, [value.strip() for value in fields]))
    except csv.Error as exc:
        raise ImportFileError(
            _("Line %(line)s cannot be read as CSV: %(error)s")
            % {"line": reader.line_num, "error": exc}
        ) from exc
    return rows


def read_rows(data: bytes, filename: str) -> list[tuple[int, list[str]]]:
    """The file's rows as (line number, cell texts), header first. Raises ImportFileError."""
    limit = settings.DUGNAD["IMPORT_MAX_BYTES"]
    if len(data) > limit:
        raise ImportFileError(
            _("The file is %(size)s; at most %(limit)s can be imported at once.")
            % {"size": filesizeformat(len(data)), "limit": filesizeformat(limit)}
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("Old Excel files (.xls) cannot be read: save it as XLSX or CSV."))
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise ImportFileError(_("The file is not a readable XLSX workbook."))
    return _read_csv(data)


# --- checking rows -----------------------------------------------------------------------------


class _Lookups:
    """The organisation's units, qualifications, skills and districts by code and name."""

    def __init__(self) -> None:
        self.units = {code.lower(): pk for pk, code in Unit.objects.values_list("pk", "code")}
        self.unit_district = dict(Unit.objects.values_list("pk", "district_id"))
        self.qualifications = self._by_code_and_name(
            Qualification.objects.values_list("pk", "code", "name", "name_en")
        )
        self.skills = self._by_code_and_name(Skill.objects.values_list("pk", "code", "name"))
        self.districts = self._by_code_and_name(District.objects.values_list("pk", "code", "name"))

    @staticmethod
    def _by_code_and_name(rows) -> dict[str, int]:
        found: dict[str, int] = {}
        for pk, *names in rows:
            for name in names:
                if name:
                    found.setdefault(name.strip().lower(), pk)
        return found


LIST_SEPARATOR = re.compile(r"[;,|]")


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in LIST_SEPARATOR.split(text) if part.strip()]


NORWEGIAN_NUMBER = re.compile(r"(?:\+47|0047)?([2-9]\d{7})")


def _parse_phone(raw: str) -> str:
    raw = re.sub(r"[\s().-]", "", raw)
    # Most numbers are Norwegian: eight digits not starting with 0 or 1 (phonenumbers is slow).
    if match := NORWEGIAN_NUMBER.fullmatch(raw):
        return "+47" + match.group(1)
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    for region in (None,) if raw.startswith("+") else PHONE_REGIONS:
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise ValueError


def _check_row(
    cells: dict[str, str], *, source: str, lookups: _Lookups
) -> tuple[dict[str, object], set[int] | None, set[int] | None, list[str]]:
    """The row's values resolved to what the models store, or the reasons it is rejected."""
    reasons: list[str] = []
    values: dict[str, object] = {}
    for column, text in cells.items():
        if text.startswith("="):
            reasons.append(_("“%(column)s” holds a formula.") % {"column": column})
    if reasons:
        return values, None, None, reasons

    key_column = KEY_COLUMN[source]
    key = cells[key_column]
    if not key:
        reasons.append(
            _("The employee number is empty.")
            if source == WorkerSource.EMPLOYEE
            else _("The agency's reference is empty.")
        )
    elif len(key) > (20 if source == WorkerSource.EMPLOYEE else 60):
        reasons.append(_("The number “%(key)s” is too long.") % {"key": key})
    for name_column, empty, too_long in NAME_MESSAGES:
        text = cells[name_column]
        if not text:
            reasons.append(str(empty))
        elif len(text) > 100:
            reasons.append(str(too_long))
        values[name_column] = text
    if "email" in cells:
        email = cells["email"].lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                reasons.append(_("“%(value)s” is not an e-mail address.") % {"value": email})
        values["email"] = email
    if "phone" in cells:
        phone = cells["phone"]
        if phone:
            try:
                phone = _parse_phone(phone)
            except ValueError:
                reasons.append(_("“%(value)s” is not a phone number.") % {"value": phone})
        values["phone"] = phone
    if "hpr_number" in cells:
        hpr = cells["hpr_number"].replace(" ", "")
        if hpr and not re.fullmatch(r"\d{6,9}", hpr):
            reasons.append(_("The HPR number “%(value)s” is not 6 to 9 digits.") % {"value": hpr})
        values["hpr_number"] = hpr
    if source == WorkerSource.EMPLOYEE:
        unit_code = cells["home_unit"]
        unit_id = lookups.units.get(unit_code.lower())
        if not unit_code:
            reasons.append(_("The home unit is empty."))
        elif unit_id is None:
            reasons.append(_("Unknown unit “%(value)s”.") % {"value": unit_code})
        else:
            values["home_unit_id"] = unit_id
            values["home_district_id"] = lookups.unit_district[unit_id]
        if cells.get("position_percent"):
            text = cells["position_percent"].replace("%", "").replace(",", ".").strip()
            try:
                percent = float(text)
            except ValueError:
                percent = -1
            if not (1 <= percent <= 100) or not percent.is_integer():
                reasons.append(
                    _("The position size “%(value)s” is not a whole percentage from 1 to 100.")
                    % {"value": cells["position_percent"]}
                )
            else:
                values["position_percent"] = int(percent)
        if "wants_more_hours" in cells:
            answer = cells["wants_more_hours"].lower()
            if answer in YES:
                values["wants_more_hours"] = True
            elif answer in NO:
                values["wants_more_hours"] = False
            else:
                reasons.append(
                    _("“%(value)s” is not yes or no (wants more hours).")
                    % {"value": cells["wants_more_hours"]}
                )
    elif cells.get("district"):
        district_id = lookups.districts.get(cells["district"].lower())
        if district_id is None:
            reasons.append(_("Unknown district “%(value)s”.") % {"value": cells["district"]})
        else:
            values["home_district_id"] = district_id

    def resolve(column: str, table: dict[str, int], message: str) -> set[int] | None:
        if column not in cells:
            return None
        ids = set()
        for name in _split_list(cells[column]):
            pk = table.get(name.lower())
            if pk is None:
                reasons.append(str(message) % {"value": name})
            else:
                ids.add(pk)
        return ids

    qualification_ids = resolve("qualifications", lookups.qualifications, UNKNOWN_QUALIFICATION)
    skill_ids = resolve("skills", lookups.skills, UNKNOWN_SKILL)
    return values, qualification_ids, skill_ids, reasons


def _header_columns(header: list[str], source: str, report: ImportReport) -> dict[int, str]:
    columns: dict[int, str] = {}
    for index, text in enumerate(header):
        column = HEADER_TO_COLUMN.get(_normalise_header(text))
        if column is None or ONLY_FOR.get(column, source) != source:
            if text.strip():
                report.notices.append(_("Column “%(column)s” is ignored.") % {"column": text})
            continue
        if column in columns.values():
            report.errors.append(_("Column “%(column)s” appears twice.") % {"column": text})
            continue
        columns[index] = column
    missing = [c for c in REQUIRED[source] if c not in columns.values()]
    if missing:
        report.errors.append(
            _(
                "Columns missing: %(missing)s. The first row must name the columns, separated "
                "by semicolons or commas (columns found: %(found)s)."
            )
            % {
                "missing": ", ".join(COLUMNS[c][0] for c in missing),
                "found": ", ".join(h for h in header if h.strip())[:300] or "–",
            }
        )
    return columns


# Every field an update may write, so one statement fits every changed row.
EXISTING_WORKER_FIELDS = (
    "pk",
    *WORKER_FIELDS,
    "missing_since",
    "is_active",
    "hpr_verified_at",
    "hpr_verified_by_id",
)


def _existing(source: str, agency: Agency | None) -> dict[str, SimpleNamespace]:
    """Workers already imported from this source, by key, with their employment. Plain rows,
    not model instances: building 40,000 of those took half of a 20,000-row dry run."""
    if source == WorkerSource.EMPLOYEE:
        fields = [f"worker__{name}" for name in EXISTING_WORKER_FIELDS]
        rows = EmployeeProfile.objects.values_list(
            "pk", "employee_number", *PROFILE_FIELDS, *fields
        )
        found = {}
        for pk, number, *values in rows:
            profile = SimpleNamespace(pk=pk, **dict(zip(PROFILE_FIELDS, values, strict=False)))
            worker_values = values[len(PROFILE_FIELDS) :]
            worker = SimpleNamespace(
                **dict(zip(EXISTING_WORKER_FIELDS, worker_values, strict=True))
            )
            worker.employee = profile
            found[number] = worker
        return found
    rows = (
        Worker.objects.filter(source=WorkerSource.AGENCY, agency=agency)
        .exclude(agency_reference="")
        .values_list("agency_reference", *EXISTING_WORKER_FIELDS)
    )
    return {
        reference: SimpleNamespace(**dict(zip(EXISTING_WORKER_FIELDS, values, strict=True)))
        for reference, *values in rows
    }


def _links(through, column: str, worker_ids_qs) -> dict[int, set[int]]:
    links: dict[int, set[int]] = defaultdict(set)
    for worker_id, other_id in through.objects.filter(worker_id__in=worker_ids_qs).values_list(
        "worker_id", column
    ):
        links[worker_id].add(other_id)
    return links


def people_import_plan(
    *, data: bytes, filename: str, source: str, agency: Agency | None = None, full: bool = False
) -> ImportPlan:
    """Read and check a file and compare it with Dugnad's people. Writes nothing."""
    if source not in IMPORTED_SOURCES:
        raise ValueError(f"unknown source {source!r}")
    if (source == WorkerSource.AGENCY) != (agency is not None):
        raise ValueError("an agency import needs an agency, an employee import none")
    report = ImportReport(source=source)
    plan = ImportPlan(report=report, source=source, agency=agency)
    try:
        rows = read_rows(data, filename)
    except ImportFileError as exc:
        report.errors.append(str(exc))
        return plan
    rows = [(line, cells) for line, cells in rows if any(cells)]
    if not rows:
        report.errors.append(_("The file is empty."))
        return plan
    (_line, header), body = rows[0], rows[1:]
    columns = _header_columns(header, source, report)
    if report.errors:
        return plan
    if len(body) > settings.DUGNAD["IMPORT_MAX_ROWS"]:
        report.errors.append(
            _("The file has %(rows)s rows; at most %(limit)s can be imported at once.")
            % {"rows": len(body), "limit": settings.DUGNAD["IMPORT_MAX_ROWS"]}
        )
        return plan
    report.rows_read = len(body)

    lookups = _Lookups()
    records: list[_Record] = []
    lines_by_key: dict[str, list[int]] = defaultdict(list)
    for line, cells in body:
        named = dict.fromkeys(columns.values(), "")
        extra = [text for index, text in enumerate(cells) if index not in columns and text]
        for index, column in columns.items():
            if index < len(cells):
                named[column] = cells[index]
        key = named[KEY_COLUMN[source]]
        values, qualification_ids, skill_ids, reasons = _check_row(
            named, source=source, lookups=lookups
        )
        if len(cells) > len(header) and extra:
            reasons.append(
                _(
                    "The row has %(fields)s fields but the header %(columns)s: check the "
                    "delimiter and quoting."
                )
                % {"fields": len(cells), "columns": len(header)}
            )
        if key:
            lines_by_key[key].append(line)
        if reasons:
            report.rows.append(RowResult(line=line, key=key, action=REJECTED, reasons=reasons))
        else:
            records.append(_Record(line, key, values, qualification_ids, skill_ids))

    duplicates = {key: lines for key, lines in lines_by_key.items() if len(lines) > 1}
    if duplicates:
        rejected_lines = {row.line for row in report.rows}
        for record in [r for r in records if r.key in duplicates]:
            records.remove(record)
            rejected_lines.add(record.line)
            report.rows.append(RowResult(line=record.line, key=record.key, action=REJECTED))
        for row in report.rows:
            if row.key in duplicates:
                row.reasons.append(
                    _("The number “%(key)s” appears on more than one line (%(lines)s).")
                    % {"key": row.key, "lines": ", ".join(map(str, duplicates[row.key]))}
                )

    existing = _existing(source, agency)
    Through = Worker.qualifications.through
    SkillThrough = Worker.skills.through
    scope = (
        Worker.objects.filter(employee__isnull=False)
        if source == WorkerSource.EMPLOYEE
        else Worker.objects.filter(agency=agency)
    ).values("pk")
    quals = _links(Through, "qualification_id", scope) if existing else {}
    skills = _links(SkillThrough, "skill_id", scope) if existing else {}

    for record in records:
        worker = existing.get(record.key)
        if worker is None:
            plan.new.append(record)
            report.rows.append(RowResult(line=record.line, key=record.key, action=NEW))
            continue
        changes = []
        for name, value in record.values.items():
            target = worker.employee if name in PROFILE_FIELDS else worker
            if getattr(target, name) != value:
                changes.append(name)
        if record.qualification_ids is not None and record.qualification_ids != quals.get(
            worker.pk, set()
        ):
            changes.append("qualifications")
        if record.skill_ids is not None and record.skill_ids != skills.get(worker.pk, set()):
            changes.append("skills")
        if worker.missing_since is not None:
            changes.append("missing_since")
        if changes:
            plan.changed.append((record, worker, changes))
            report.rows.append(
                RowResult(line=record.line, key=record.key, action=CHANGED, changes=changes)
            )
        else:
            report.rows.append(RowResult(line=record.line, key=record.key, action=UNCHANGED))

    if full:
        listed = set(lines_by_key)
        for key, worker in sorted(existing.items()):
            if key not in listed and worker.is_active and worker.missing_since is None:
                plan.missing_ids.append(worker.pk)
                report.missing.append(key)
    report.rows.sort(key=lambda row: row.line)
    return plan


# --- writing -----------------------------------------------------------------------------------


def _require_importer(by: User | None) -> None:
    # None is the nightly job (manage.py import_people), which runs as the system.
    if by is not None and not by.has_role(Role.HR, Role.COORDINATOR):
        raise PermissionDenied


def _insert_rows(model, objects: list) -> None:
    """INSERT unsaved instances with one prepared statement (their ids are not needed).
    Compiling bulk_create's statements cost more than the database's work."""
    if not objects:
        return
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    params = [
        [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objects
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(params), BATCH * 10):
            cursor.executemany(sql, params[start : start + BATCH * 10])


def _update_rows(model, objects: list, field_names: list[str]) -> None:
    """UPDATE each row by primary key with one prepared statement. bulk_update's CASE per
    batch costs seconds per thousand rows; executemany costs milliseconds."""
    if not objects:
        return
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in field_names]
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )
    params = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _apply(plan: ImportPlan, *, by: User | None, label: str) -> None:
    now = timezone.now()
    source, agency = plan.source, plan.agency
    worker_type = Worker._meta.label_lower
    audit: list[AuditEntry] = []
    Through = Worker.qualifications.through
    SkillThrough = Worker.skills.through

    new_workers = []
    for record in plan.new:
        fields = {k: v for k, v in record.values.items() if k not in PROFILE_FIELDS}
        worker = Worker(source=source, agency=agency, **fields)
        if source == WorkerSource.AGENCY:
            worker.agency_reference = record.key
        new_workers.append(worker)
    Worker.objects.bulk_create(new_workers, batch_size=BATCH)
    profiles, links, skill_links = [], [], []
    for record, worker in zip(plan.new, new_workers, strict=True):
        if source == WorkerSource.EMPLOYEE:
            profiles.append(
                EmployeeProfile(
                    worker=worker,
                    employee_number=record.key,
                    **{k: v for k, v in record.values.items() if k in PROFILE_FIELDS},
                )
            )
        links += [
            Through(worker_id=worker.pk, qualification_id=q) for q in record.qualification_ids or ()
        ]
        skill_links += [
            SkillThrough(worker_id=worker.pk, skill_id=s) for s in record.skill_ids or ()
        ]
        audit.append(
            AuditEntry(
                actor=by,
                object_type=worker_type,
                object_id=worker.pk,
                field="imported",
                new_value=label,
            )
        )
    _insert_rows(EmployeeProfile, profiles)

    worker_fields: set[str] = set()
    profile_fields: set[str] = set()
    changed_workers, changed_profiles = [], []
    relink_quals, relink_skills = [], []
    for record, worker, changes in plan.changed:
        for name in changes:
            if name in ("qualifications", "skills"):
                continue
            if name == "missing_since":
                worker.missing_since = None
                worker_fields.add(name)
                continue
            target = worker.employee if name in PROFILE_FIELDS else worker
            old = getattr(target, name)
            setattr(target, name, record.values[name])
            (profile_fields if name in PROFILE_FIELDS else worker_fields).add(name)
            if name in AUDITED:
                audit.append(
                    AuditEntry(
                        actor=by,
                        object_type=worker_type,
                        object_id=worker.pk,
                        field=name,
                        old_value=str(old or ""),
                        new_value=str(record.values[name] or ""),
                    )
                )
            if name == "hpr_number":
                # A new number has not been checked in Helsepersonellregisteret.
                worker.hpr_verified_at = None
                worker.hpr_verified_by_id = None
                worker_fields |= {"hpr_verified_at", "hpr_verified_by"}
        worker.updated_at = now
        changed_workers.append(worker)
        if any(name in PROFILE_FIELDS for name in changes):
            changed_profiles.append(worker.employee)
        if "qualifications" in changes:
            relink_quals.append(worker.pk)
            links += [
                Through(worker_id=worker.pk, qualification_id=q) for q in record.qualification_ids
            ]
        if "skills" in changes:
            relink_skills.append(worker.pk)
            skill_links += [SkillThrough(worker_id=worker.pk, skill_id=s) for s in record.skill_ids]
        if "qualifications" in changes or "skills" in changes:
            audit.append(
                AuditEntry(
                    actor=by,
                    object_type=worker_type,
                    object_id=worker.pk,
                    field="imported",
                    new_value=label,
                )
            )
    _update_rows(Worker, changed_workers, [*sorted(worker_fields), "updated_at"])
    if profile_fields:
        _update_rows(EmployeeProfile, changed_profiles, sorted(profile_fields))
    for start in range(0, len(relink_quals), BATCH):
        Through.objects.filter(worker_id__in=relink_quals[start : start + BATCH]).delete()
    for start in range(0, len(relink_skills), BATCH):
        SkillThrough.objects.filter(worker_id__in=relink_skills[start : start + BATCH]).delete()
    _insert_rows(Through, links)
    _insert_rows(SkillThrough, skill_links)

    for start in range(0, len(plan.missing_ids), BATCH):
        Worker.objects.filter(pk__in=plan.missing_ids[start : start + BATCH]).update(
            missing_since=now, updated_at=now
        )
    audit += [
        AuditEntry(
            actor=by,
            object_type=worker_type,
            object_id=pk,
            field="missing_since",
            new_value=now.isoformat(),
        )
        for pk in plan.missing_ids
    ]
    _insert_rows(AuditEntry, audit)

    if plan.new or plan.changed:
        request_matching_run(trigger="worker_available", requested_by_id=by.pk if by else None)


def people_import_apply(
    *,
    data: bytes,
    filename: str,
    source: str,
    agency: Agency | None = None,
    full: bool = False,
    by: User | None = None,
) -> ImportReport:
    """Check the file again and, if it has no errors, write all of it in one transaction.

    A file with any error changes nothing; the report says why."""
    _require_importer(by)
    with transaction.atomic():
        plan = people_import_plan(
            data=data, filename=filename, source=source, agency=agency, full=full
        )
        if plan.report.ok:
            _apply(plan, by=by, label=filename[:200])
            plan.report.applied = True
    return plan.report


def _checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def people_import_check(
    *,
    data: bytes,
    filename: str,
    source: str,
    agency: Agency | None = None,
    full: bool = False,
    by: User,
) -> PeopleImport:
    """A dry run of an uploaded file, kept (with the file) so the user can read the report and
    then apply the very same file."""
    _require_importer(by)
    plan = people_import_plan(data=data, filename=filename, source=source, agency=agency, full=full)
    ok = plan.report.ok
    return PeopleImport.objects.create(
        filename=slugify_filename(filename),
        sha256=_checksum(data),
        content=data if ok else b"",
        source=source,
        agency=agency,
        is_full_export=full,
        status=PeopleImport.Status.CHECKED if ok else PeopleImport.Status.REFUSED,
        report=plan.report.as_dict(),
        created_by=by,
    )


def people_import_run(*, people_import: PeopleImport, by: User) -> PeopleImport:
    """Apply a checked upload. The file is checked again inside the transaction (the data may
    have changed since the dry run); with any error nothing is written."""
    _require_importer(by)
    with transaction.atomic():
        people_import = PeopleImport.objects.select_for_update().get(pk=people_import.pk)
        if people_import.status != PeopleImport.Status.CHECKED:
            raise ValidationError(_("This file has already been applied or was refused."))
        report = people_import_apply(
            data=bytes(people_import.content),
            filename=people_import.filename,
            source=people_import.source,
            agency=people_import.agency,
            full=people_import.is_full_export,
            by=by,
        )
        people_import.report = report.as_dict()
        if report.applied:
            people_import.status = PeopleImport.Status.APPLIED
            people_import.applied_by = by
            people_import.applied_at = timezone.now()
        else:
            people_import.status = PeopleImport.Status.REFUSED
        # The HR system keeps the file; Dugnad needs only what it imported.
        people_import.content = b""
        people_import.save()
    return people_import


def slugify_filename(filename: str) -> str:
    """The uploaded file's name without any path, shortened, for display only."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    return ((slugify(stem) or "import")[:180] + (f".{slugify(ext)}" if ext else ""))[:200]
