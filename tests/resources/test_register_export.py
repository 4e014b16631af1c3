"""The resource register's CSV and XLSX exports: streamed, cheap rows, the reader's language."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from staffing.models import Absence, AuditEntry, WorkerSource
from tests.matching.factories import employee, offer_sent, proposal_in_home
from tests.placements.factories import make_placement
from tests.staffing.factories import AgencyFactory, SkillFactory, WorkerFactory
from tests.volunteers.factories import VolunteerFactory

HEADER = [
    "Last name",
    "First name",
    "Source",
    "Employee number or agency reference",
    "Agency",
    "Home unit",
    "District",
    "Position size (%)",
    "Wants more hours",
    "Qualifications",
    "Skills",
    "HPR verified",
    "Status",
    "Mobile phone",
    "E-mail",
]


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _body(response) -> bytes:
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse) and response.streaming
    assert "no-store" in response["Cache-Control"]
    return b"".join(response.streaming_content)


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig")), delimiter=";"))


def _xlsx(response) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(_body(response)))
    return [
        ["" if v is None else v for v in row] for row in book.active.iter_rows(values_only=True)
    ]


@pytest.fixture
def people(world):
    """An employee, an agency temp and a volunteer, with names in both languages."""
    nurse = world.quals["sykepleier"]
    nurse.name_en = "Registered nurse"
    nurse.save()
    world.quals["helsefagarbeider"].name_en = "Health worker"
    world.quals["helsefagarbeider"].save()
    dementia = SkillFactory(code="demens", name="Demensomsorg", name_en="Dementia care")
    norwegian = SkillFactory(code="norsk", name="Norsk", kind="language")
    employed = employee(
        world,
        "sykepleier",
        percent=80,
        wants_more=True,
        skills=[dementia, norwegian],
        last_name="Ansatt",
        first_name="=HYPERLINK(1)",
        phone="+4798765432",
        email="ansatt@example.test",
    )
    employed.qualifications.add(world.quals["helsefagarbeider"])
    temp = WorkerFactory(
        source=WorkerSource.AGENCY,
        agency=AgencyFactory(name="Vikarbyrået AS"),
        agency_reference="V-17",
        last_name="Vikar",
        first_name="Vera",
        home_district=world.south,
        qualifications=[world.quals["helsefagarbeider"]],
    )
    volunteer = WorkerFactory(
        source=WorkerSource.VOLUNTEER,
        last_name="Frivillig",
        first_name="Frode",
        home_district=world.north,
        phone="",
    )
    return {"employee": employed, "temp": temp, "volunteer": volunteer}


def _by_name(rows: list[list]) -> dict[str, list]:
    return {row[0]: row for row in rows[1:]}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_has_a_row_per_source_in_english(client, world, people, fmt):
    _english(client)
    client.force_login(world.coordinator)

    response = client.get(f"/resources/export.{fmt}")

    rows = _csv(response) if fmt == "csv" else _xlsx(response)
    assert rows[0] == HEADER
    by_name = _by_name(rows)
    employed = people["employee"]
    assert by_name["Ansatt"] == [
        "Ansatt",
        "'=HYPERLINK(1)",  # a formula is defused
        "Internal employee",
        employed.employee.employee_number,
        "",
        "Nordtun avd. A",
        "Nord",
        "80",
        "Yes",
        "Registered nurse, Health worker",  # English names, highest rank first
        "Dementia care, Norsk",  # no English name: the Norwegian one
        "Yes",
        "Free",
        "'+4798765432",  # a leading + is defused too (a spreadsheet reads a formula)
        "ansatt@example.test",
    ]
    temp = by_name["Vikar"]
    assert temp[:7] == ["Vikar", "Vera", "Agency temp", "V-17", "Vikarbyrået AS", "", "Sør"]
    assert temp[7:13] == ["", "", "Health worker", "", "No", "Free"]
    volunteer = by_name["Frivillig"]
    assert volunteer[:5] == ["Frivillig", "Frode", "Volunteer", "", ""]
    assert volunteer[9:13] == ["", "", "No", "Free"]
    assert len(rows) == 4


def test_the_export_is_in_norwegian_by_default(client, world, people):
    client.force_login(world.coordinator)
    rows = _csv(client.get("/resources/export.csv", {"source": "employee"}))
    assert rows[0][:3] == ["Etternavn", "Fornavn", "Kilde"]
    assert rows[1][9] == "Sykepleier, Helsefagarbeider"


def test_the_reader_s_language_holds_while_the_body_streams(client, world, people):
    # The body is produced after the view returned, when another language may be active.
    _english(client)
    client.force_login(world.coordinator)
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/resources/export.{fmt}", {"source": "agency"})
        with translation.override("nb"):
            rows = _csv(response) if fmt == "csv" else _xlsx(response)
        assert rows[0][0] == "Last name"
        assert rows[1][9] == "Health worker"


def test_the_export_keeps_the_register_s_filter_and_search(client, world, people):
    _english(client)
    client.force_login(world.coordinator)
    assert [
        r[0] for r in _csv(client.get("/resources/export.csv", {"district": world.south.pk}))[1:]
    ] == ["Vikar"]
    client.post("/resources/", {"q": "Frode"})
    assert [r[0] for r in _csv(client.get("/resources/export.csv"))[1:]] == ["Frivillig"]
    assert [r[0] for r in _xlsx(client.get("/resources/export.xlsx"))[1:]] == ["Frivillig"]
    # an invalid filter value exports nobody (as the register shows nobody)
    assert _csv(client.get("/resources/export.csv", {"status": "nonsense"})) == [HEADER]


def test_each_export_is_audited_once_with_its_count(client, world, people):
    client.force_login(world.coordinator)
    _body(client.get("/resources/export.csv", {"source": "employee"}))
    _body(client.get("/resources/export.xlsx"))
    entries = AuditEntry.objects.filter(field="register_exported").order_by("pk")
    assert [(e.actor, e.new_value) for e in entries] == [
        (world.coordinator, "1 csv"),
        (world.coordinator, "3 xlsx"),
    ]


def test_the_export_tells_every_status_as_the_register_does(client, world, people):
    _english(client)
    ready = make_placement(unit=world.home, worker=people["temp"], source=WorkerSource.AGENCY)
    ready.ready_at = timezone.now()
    ready.save()
    make_placement(unit=world.home, worker=people["volunteer"])
    offered = employee(world, last_name="Tilbudt")
    offer_sent(world, proposal_in_home(world, worker=offered))
    proposal_in_home(world, worker=employee(world, last_name="Foreslått"))
    absent = employee(world, last_name="Borte")
    Absence.objects.create(
        worker=absent,
        kind=Absence.Kind.SICK,
        starts_on=timezone.localdate() - dt.timedelta(days=1),
        ends_on=timezone.localdate() + dt.timedelta(days=1),
    )
    paused = WorkerFactory(source=WorkerSource.VOLUNTEER, last_name="Pause")
    VolunteerFactory(worker=paused, is_paused=True)
    WorkerFactory(last_name="Slutta", is_active=False)
    client.force_login(world.coordinator)

    statuses = {row[0]: row[12] for row in _csv(client.get("/resources/export.csv"))[1:]}

    assert statuses == {
        "Ansatt": "Free",
        "Vikar": "Placed",
        "Frivillig": "In onboarding",
        "Tilbudt": "Offered, awaiting answer",
        "Foreslått": "Proposed by matching",
        "Borte": "Absent",
        "Pause": "Paused",
        "Slutta": "Inactive",
    }
    # the same as the register's own status column (one CASE per row there)
    page = client.get("/resources/")
    assert {w.last_name: w.status_label for w in page.context["page_obj"]} == statuses


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_runs_the_same_few_queries_for_3_or_30_people(
    client, world, people, fmt, django_assert_max_num_queries
):
    client.force_login(world.coordinator)
    _body(client.get(f"/resources/export.{fmt}"))  # the session and the user

    def export() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            body = _body(client.get(f"/resources/export.{fmt}"))
        rows = len(body.splitlines()) - 1 if fmt == "csv" else None
        return len(captured), rows

    # session, user, count, audit, the qualifications' and skills' names, the rows
    with django_assert_max_num_queries(8):
        few, rows = export()
    assert rows in (3, None)
    dementia = SkillFactory()
    for n in range(27):
        extra = employee(world, "sykepleier", skills=[dementia], last_name=f"Ekstra{n:02d}")
        extra.qualifications.add(world.quals["assistent"])
    with django_assert_max_num_queries(8):
        many, rows = export()
    assert rows in (30, None)
    assert many == few


def test_a_big_xlsx_streams_and_reads_back(client, world):
    from staffing.models import Worker

    Worker.objects.bulk_create(
        Worker(source=WorkerSource.VOLUNTEER, first_name="Mange", last_name=f"Rad{n:04d}")
        for n in range(1200)
    )
    client.force_login(world.coordinator)
    response = client.get("/resources/export.xlsx")
    assert isinstance(response, StreamingHttpResponse)
    parts = [part for part in response.streaming_content if part]
    assert parts[0].startswith(b"PK\x03\x04")  # the zip's first entry, before the rows
    book = openpyxl.load_workbook(io.BytesIO(b"".join(parts)), read_only=True)
    assert book.sheetnames == ["Ressurser"]
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 1201
    assert rows[1][0] == "Rad0000" and rows[-1][0] == "Rad1199"
