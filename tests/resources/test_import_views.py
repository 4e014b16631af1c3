import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from staffing.models import PeopleImport, Qualification, Worker
from tests.staffing.factories import AgencyFactory
from tests.staffing.test_people_import import HEADER, csv_bytes, xlsx_bytes

GOOD = ["1001;Anne;Ås;;;nordtun;80;sykepleier;ja;", "1002;Bo;Berg;;;nordtun-a;100;;nei;"]
BAD = ["1001;Anne;Ås;;;nordtun;80;sykepleier;ja;", "1002;Bo;Berg;;;ukjent;100;;nei;"]


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def upload(client, data: bytes, name="hr.csv", **fields):
    return client.post(
        "/resources/import/",
        {"file": SimpleUploadedFile(name, data), "source": "employee", **fields},
    )


def test_hr_reads_the_errors_fixes_the_file_and_applies_it(client, world):
    client.force_login(world.hr)

    response = upload(client, csv_bytes(*BAD))
    refused = PeopleImport.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/resources/import/{refused.pk}/"
    )
    report = client.get(response["Location"])
    assert report.status_code == 200
    assert refused.status == PeopleImport.Status.REFUSED and refused.content == b""
    assert "Unknown unit “ukjent”" in report.content.decode()
    assert report.context["rows"]["rejected"][0]["line"] == 3
    assert not report.context["can_apply"]
    assert not Worker.objects.exists()

    response = upload(client, csv_bytes(*GOOD))
    checked = PeopleImport.objects.latest("pk")
    assert checked.status == PeopleImport.Status.CHECKED
    assert client.get(response["Location"]).context["counts"]["new"] == 2
    assert not Worker.objects.exists()  # a dry run writes nothing

    response = client.post(f"/resources/import/{checked.pk}/apply/")
    assert response.status_code == 302
    checked.refresh_from_db()
    assert checked.status == PeopleImport.Status.APPLIED and checked.applied_by == world.hr
    assert checked.content == b""  # the HR system keeps the file, not Dugnad
    assert sorted(Worker.objects.values_list("last_name", flat=True)) == ["Berg", "Ås"]


def test_a_file_is_applied_only_once(client, world):
    client.force_login(world.coordinator)
    upload(client, csv_bytes(*GOOD))
    people_import = PeopleImport.objects.get()
    client.post(f"/resources/import/{people_import.pk}/apply/")

    response = client.post(f"/resources/import/{people_import.pk}/apply/", follow=True)

    assert "already been applied" in response.content.decode()
    assert Worker.objects.count() == 2


def test_a_file_that_no_longer_fits_the_data_is_refused_at_apply_and_changes_nothing(client, world):
    client.force_login(world.hr)
    upload(client, csv_bytes(*GOOD))
    people_import = PeopleImport.objects.get()
    Qualification.objects.filter(code="sykepleier").delete()

    client.post(f"/resources/import/{people_import.pk}/apply/")

    people_import.refresh_from_db()
    assert people_import.status == PeopleImport.Status.REFUSED
    assert not Worker.objects.exists()


def test_an_xlsx_upload_is_checked_like_a_csv(client, world):
    client.force_login(world.hr)
    rows = [h.split(";") for h in (HEADER, *GOOD)]
    upload(client, xlsx_bytes(rows), name="hr.xlsx")
    assert PeopleImport.objects.get().report["counts"]["new"] == 2


def test_the_upload_form_refuses_bad_input_and_saves_nothing(client, world, settings):
    client.force_login(world.hr)
    settings.DUGNAD = {**settings.DUGNAD, "IMPORT_MAX_BYTES": 100}

    no_file = client.post("/resources/import/", {"source": "employee"})
    no_agency = upload(client, b"x", source="agency")
    bad_source = upload(client, b"x", source="volunteer")
    too_large = upload(client, b"x" * 200)

    for response in (no_file, no_agency, bad_source, too_large):
        assert response.status_code == 400
    assert no_agency.context["form"].errors["agency"]
    assert too_large.context["form"].errors["file"] == [
        "The file is 200\xa0bytes; at most 100\xa0bytes can be imported at once."
    ]
    assert not PeopleImport.objects.exists()


def test_an_agency_list_is_imported_for_the_chosen_agency(client, world):
    agency = AgencyFactory(name="Vikar AS")
    client.force_login(world.hr)
    upload(
        client,
        csv_bytes("V-1;Eva;Lund", header="referanse;fornavn;etternavn"),
        source="agency",
        agency=agency.pk,
    )
    people_import = PeopleImport.objects.get()
    client.post(f"/resources/import/{people_import.pk}/apply/")
    assert Worker.objects.get().agency == agency


def test_volunteer_coordinator_cannot_upload(client, world):
    client.force_login(world.volunteer_coordinator)
    assert upload(client, csv_bytes(*GOOD)).status_code == 403
    assert not PeopleImport.objects.exists()
