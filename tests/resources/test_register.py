import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from staffing.models import Absence, AuditEntry, WorkerQualification, WorkerSkill, WorkerSource
from tests.matching.factories import employee, offer_sent, proposal_in_home
from tests.placements.factories import make_placement
from tests.staffing.factories import (
    AgencyFactory,
    AvailabilityFactory,
    SkillFactory,
    WorkerFactory,
)

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def people(world):
    """One of each source and state."""
    dementia = SkillFactory(code="demens", name="Demensomsorg")
    nurse = employee(world, "sykepleier", wants_more=True, skills=[dementia], last_name="Nurse")
    nurse.phone = "+4798765432"
    nurse.save()
    worker = employee(world, "helsefagarbeider", last_name="Helse", verified=False)
    worker.hpr_number = "1234567"
    worker.save()
    assistant = employee(world, "assistent", last_name="Assist", district=world.south)
    agency_temp = WorkerFactory(
        source=WorkerSource.AGENCY,
        agency=AgencyFactory(),
        last_name="Vikar",
        qualifications=[world.quals["sykepleier"]],
    )
    volunteer = WorkerFactory(source=WorkerSource.VOLUNTEER, last_name="Frivillig")
    return {
        "nurse": nurse,
        "helse": worker,
        "assistant": assistant,
        "agency": agency_temp,
        "volunteer": volunteer,
    }


def names(response) -> list[str]:
    return [worker.last_name for worker in response.context["page_obj"]]


def test_coordinator_sees_every_source(client, world, people):
    client.force_login(world.coordinator)
    response = client.get("/resources/")
    assert response.status_code == 200
    assert sorted(names(response)) == sorted(w.last_name for w in people.values())


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"source": "agency"}, ["Vikar"]),
        # a nurse and an agency nurse cover health-worker needs; the assistant does not
        ({"qualification": "helsefagarbeider"}, ["Helse", "Nurse", "Vikar"]),
        ({"district": "sor"}, ["Assist"]),
        ({"wants_more_hours": "true"}, ["Nurse"]),
        ({"hpr_verified": "false", "source": "employee"}, ["Helse"]),
    ],
)
def test_filters_narrow_the_register(client, world, people, params, expected):
    if "qualification" in params:
        params = {"qualification": world.quals[params["qualification"]].pk}
    if "district" in params:
        params = {"district": world.south.pk}
    client.force_login(world.coordinator)
    assert sorted(names(client.get("/resources/", params))) == expected


def test_skills_filter_requires_every_chosen_skill(client, world, people):
    client.force_login(world.coordinator)
    skill = people["nurse"].skills.get()
    assert names(client.get("/resources/", {"skills": [skill.pk]})) == ["Nurse"]


def test_availability_filter_finds_people_free_in_the_range(client, world, people):
    start = timezone.now() + dt.timedelta(days=100)
    AvailabilityFactory(worker=people["volunteer"], start=start, end=start + dt.timedelta(hours=8))
    client.force_login(world.coordinator)
    day = timezone.localtime(start).date()
    response = client.get(
        "/resources/", {"available_from": day.isoformat(), "available_to": day.isoformat()}
    )
    assert names(response) == ["Frivillig"]


def test_status_filter_tells_placed_onboarding_proposed_paused_and_free(client, world, people):
    ready = make_placement(unit=world.home, worker=people["agency"], source=WorkerSource.AGENCY)
    ready.ready_at = timezone.now()
    ready.save()
    make_placement(unit=world.home, worker=people["volunteer"])
    proposal_in_home(world, worker=people["helse"])
    people["assistant"].is_active = False
    people["assistant"].save()
    client.force_login(world.coordinator)

    def status(value):
        return names(client.get("/resources/", {"status": value}))

    assert status("placed") == ["Vikar"]
    assert (
        '<span class="badge status-placed">Placed</span>'
        in client.get("/resources/", {"status": "placed"}).content.decode()
    )
    assert status("onboarding") == ["Frivillig"]
    assert status("proposed") == ["Helse"]
    assert status("inactive") == ["Assist"]
    assert status("free") == ["Nurse"]


def test_a_bad_filter_value_shows_nobody_and_the_error(client, world, people):
    client.force_login(world.coordinator)
    response = client.get(
        "/resources/",
        {
            "status": "sleeping",
            "available_from": "not-a-date",
            "available_to": "0001-01-01",
            "skills": ["9" * 30],
        },
    )
    assert response.status_code == 200
    assert names(response) == []
    assert response.context["filter"].errors.keys() == {
        "status",
        "available_from",
        "available_to",
        "skills",
    }


def test_search_by_phone_is_posted_and_never_in_the_address(client, world, people):
    client.force_login(world.coordinator)

    response = client.post("/resources/?source=employee", {"q": "987 65 432"})

    assert response.status_code == 302
    assert response["Location"] == "/resources/?source=employee"
    assert "987" not in response["Location"]
    page = client.get(response["Location"])
    assert names(page) == ["Nurse"]
    # the search stays while paging and filtering, until cleared
    assert names(client.get("/resources/")) == ["Nurse"]
    client.post("/resources/", {"q": "x", "clear": "1"})
    assert len(names(client.get("/resources/"))) == 5


@pytest.mark.parametrize(
    ("term", "expected"),
    [("nurse", ["Nurse"]), ("KARI VIKAR", ["Vikar"]), ("+47 98765432", ["Nurse"])],
)
def test_search_by_name_email_or_employee_number(client, world, people, term, expected):
    client.force_login(world.coordinator)
    client.post("/resources/", {"q": term})
    assert names(client.get("/resources/")) == expected


def test_search_by_email_and_employee_number(client, world, people):
    client.force_login(world.coordinator)
    client.post("/resources/", {"q": people["helse"].email.upper()})
    assert names(client.get("/resources/")) == ["Helse"]
    client.post("/resources/", {"q": people["assistant"].employee.employee_number})
    assert names(client.get("/resources/")) == ["Assist"]


def test_a_too_long_search_is_refused(client, world, people):
    client.force_login(world.coordinator)
    response = client.post("/resources/", {"q": "x" * 101})
    assert response.status_code == 400
    assert response.context["search_form"].errors["q"]
    assert "resources:register-search" not in client.session


def test_the_register_page_runs_a_bounded_number_of_queries(client, world, people):
    client.force_login(world.coordinator)
    client.get("/resources/")  # warm up the session and the user

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/resources/").status_code == 200
        return len(captured)

    few = queries()
    for n in range(30):
        employee(world, "sykepleier", skills=[SkillFactory()], last_name=f"Extra{n}")
    assert queries() == few
    assert few <= 12


def test_csv_export_streams_the_filtered_list_and_is_logged_once(client, world, people):
    people["nurse"].first_name = "=cmd"
    people["nurse"].save()
    client.force_login(world.coordinator)
    client.post("/resources/", {"q": "nurse"})

    response = client.get("/resources/export.csv", {"source": "employee"})

    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and lines[0].startswith("Last name;First name;Source")
    assert lines[1].startswith("Nurse;'=cmd;Internal employee")
    entry = AuditEntry.objects.get(field="register_exported")
    assert entry.actor == world.coordinator and entry.new_value == "1 csv"


def test_xlsx_export_has_a_row_per_person(client, world, people):
    client.force_login(world.coordinator)
    response = client.get("/resources/export.xlsx", {"source": "employee"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 4 and rows[0][0] == "Last name"
    assert {row[0] for row in rows[1:]} == {"Nurse", "Helse", "Assist"}


def test_status_filter_tells_offered_and_absent(client, world, people):
    offer_sent(world, proposal_in_home(world, worker=people["nurse"]))
    Absence.objects.create(
        worker=people["helse"],
        kind=Absence.Kind.SICK,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=2),
    )
    # absent in a week: free today
    Absence.objects.create(
        worker=people["assistant"],
        kind=Absence.Kind.HOLIDAY,
        starts_on=timezone.localdate() + dt.timedelta(days=7),
        ends_on=timezone.localdate() + dt.timedelta(days=9),
    )
    client.force_login(world.coordinator)

    def status(value):
        return names(client.get("/resources/", {"status": value}))

    assert status("offered") == ["Nurse"]
    assert status("proposed") == []
    assert status("absent") == ["Helse"]
    assert status("free") == ["Assist", "Frivillig", "Vikar"]
    page = client.get("/resources/").content.decode()
    assert '<span class="badge status-offered">Offered, awaiting answer</span>' in page
    assert '<span class="badge status-absent">Absent</span>' in page


def test_credentials_filter_finds_expiring_and_expired(client, world, people):
    today = timezone.localdate()
    WorkerQualification.objects.filter(worker=people["nurse"]).update(
        valid_until=today + dt.timedelta(days=20)
    )
    WorkerSkill.objects.filter(worker=people["nurse"]).update(valid_until=today)
    people["helse"].hpr_valid_until = today - dt.timedelta(days=1)
    people["helse"].save()
    # far ahead: neither
    WorkerQualification.objects.filter(worker=people["assistant"]).update(
        valid_until=today + dt.timedelta(days=31)
    )
    client.force_login(world.coordinator)

    assert names(client.get("/resources/", {"credentials": "expiring"})) == ["Nurse"]
    assert names(client.get("/resources/", {"credentials": "expired"})) == ["Helse"]
    assert client.get("/resources/", {"credentials": "soon"}).context["filter"].errors


def test_statuses_keep_the_page_bounded_with_offers_and_absences(client, world, people):
    client.force_login(world.coordinator)
    client.get("/resources/")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/resources/", {"credentials": "expiring"}).status_code == 200
        return len(captured)

    few = queries()
    for n in range(5):
        worker = employee(world, "sykepleier", last_name=f"Extra{n}")
        offer_sent(world, proposal_in_home(world, worker=worker))
        Absence.objects.create(
            worker=worker,
            kind="holiday",
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate(),
        )
    assert queries() == few <= 12


def test_the_status_column_is_the_one_status_whose_filter_finds_the_person(world, people):
    """The column (a CASE that stops at its first true test) and the filter (one full
    condition per status) tell the same status, where a person's facts overlap too."""
    from resources.status import Status, status_conditions, status_expression
    from staffing.models import Worker
    from tests.volunteers.factories import VolunteerFactory

    def absent_today(worker):
        Absence.objects.create(
            worker=worker,
            kind=Absence.Kind.SICK,
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate(),
        )

    # placed, and proposed elsewhere: placed
    placed = make_placement(unit=world.home, worker=people["agency"], source=WorkerSource.AGENCY)
    placed.ready_at = timezone.now()
    placed.save()
    proposal_in_home(world, worker=people["agency"])
    # in onboarding, with an open proposal: onboarding
    make_placement(unit=world.home, worker=people["volunteer"])
    proposal_in_home(world, worker=people["volunteer"])
    # offered and proposed: offered
    offer_sent(world, proposal_in_home(world, worker=people["nurse"]))
    proposal_in_home(world, worker=people["nurse"])
    # proposed only
    proposal_in_home(world, worker=people["helse"])
    # absent today, with a proposal: absent
    absent = employee(world, "sykepleier", last_name="Borte")
    absent_today(absent)
    proposal_in_home(world, worker=absent)
    # a paused volunteer, absent too: paused
    paused = WorkerFactory(source=WorkerSource.VOLUNTEER, last_name="Pause")
    VolunteerFactory(worker=paused, is_paused=True)
    absent_today(paused)
    # inactive, paused and absent: inactive
    gone = WorkerFactory(source=WorkerSource.VOLUNTEER, last_name="Slutta", is_active=False)
    VolunteerFactory(worker=gone, is_paused=True)
    absent_today(gone)

    column = dict(
        Worker.objects.annotate(status_code=status_expression()).values_list("pk", "status_code")
    )
    found: dict[int, list[str]] = {}
    for code, condition in status_conditions().items():
        for pk in Worker.objects.filter(condition).values_list("pk", flat=True):
            found.setdefault(pk, []).append(code)

    assert found == {pk: [code] for pk, code in column.items()}
    assert column[people["agency"].pk] == Status.PLACED
    assert column[people["volunteer"].pk] == Status.ONBOARDING
    assert column[people["nurse"].pk] == Status.OFFERED
    assert column[people["helse"].pk] == Status.PROPOSED
    assert column[absent.pk] == Status.ABSENT
    assert column[paused.pk] == Status.PAUSED
    assert column[gone.pk] == Status.INACTIVE
    assert column[people["assistant"].pk] == Status.FREE
