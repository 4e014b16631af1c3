"""Issue 11, items 7, 8 and 9 for onboarding: the `next` of a form stays on this site, dates
stay on the calendar, an e-mail fits its column and a police certificate fits the unit."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from placements import services
from placements.models import CertificatePurpose, ChecklistItem, ItemType, PoliceCertificate
from tests.placements.factories import make_placement

pytestmark = pytest.mark.django_db
Status = ChecklistItem.Status
QUEUE = reverse("placements:onboarding")


def _item(placement, item_type):
    return placement.checklist_items.get(item_type=item_type)


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "https:evil.example",
        "\\\\evil.example",
        "javascript:alert(document.cookie)",
        "/onboarding/\x00",
        "/" + "a" * 5000,
        "0",
    ],
)
def test_bulk_done_never_redirects_off_site_or_fails_on_a_tampered_next(client, world, next_url):
    item = _item(make_placement(unit=world.home), ItemType.HR_REGISTRATION)
    client.force_login(world.hr)
    response = client.post(reverse("placements:bulk_done"), {"items": [item.pk], "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    item.refresh_from_db()
    assert item.status == Status.DONE


def test_bulk_done_returns_to_the_filtered_queue_it_came_from(client, world):
    item = _item(make_placement(unit=world.home), ItemType.HR_REGISTRATION)
    client.force_login(world.hr)
    back = f"{QUEUE}?status=todo&page=2"
    response = client.post(reverse("placements:bulk_done"), {"items": [item.pk], "next": back})
    assert response.status_code == 302
    assert response["Location"] == back


def _certificate_post(client, item, **values):
    today = services.local_today()
    data = {
        "purpose": CertificatePurpose.HEALTH_CARE,
        "issued_on": (today - dt.timedelta(days=5)).isoformat(),
        "presented_on": today.isoformat(),
        "cleared": "on",
        **values,
    }
    return client.post(
        reverse("placements:item_update", args=[item.pk]),
        {f"item-{item.pk}-{key}": value for key, value in data.items()},
    )


def _form_errors(response, item):
    form = next(row["form"] for row in response.context["rows"] if row["item"].pk == item.pk)
    return form.errors


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("presented_on", "0001-01-01"),
        ("issued_on", "0001-01-01"),
        ("issued_on", "9999-12-31"),
        ("presented_on", "9999-12-31"),
    ],
)
def test_certificate_date_off_the_calendar_gets_a_field_message(client, world, field, value):
    item = _item(make_placement(unit=world.home), ItemType.POLICE_CERTIFICATE)
    client.force_login(world.hr)
    response = _certificate_post(client, item, **{field: value})
    assert response.status_code == 200
    assert field in _form_errors(response, item)
    assert not PoliceCertificate.objects.exists()


def test_certificate_service_refuses_a_presented_date_in_year_one(world):
    item = _item(make_placement(unit=world.home), ItemType.POLICE_CERTIFICATE)
    with pytest.raises(ValidationError) as error:
        services.police_certificate_record(
            item=item,
            purpose=CertificatePurpose.HEALTH_CARE,
            issued_on=dt.date(1, 1, 1),
            presented_on=dt.date(1, 1, 1),
            cleared=True,
            by=world.hr,
        )
    assert "presented_on" in error.value.message_dict
    assert not PoliceCertificate.objects.exists()


def test_kindergarten_certificate_is_refused_for_a_health_unit(client, world):
    item = _item(make_placement(unit=world.home), ItemType.POLICE_CERTIFICATE)
    client.force_login(world.hr)
    response = _certificate_post(client, item, purpose=CertificatePurpose.KINDERGARTEN)
    assert response.status_code == 200
    assert "purpose" in _form_errors(response, item)
    assert "helse- og omsorgstjenesteloven" in response.content.decode()
    item.refresh_from_db()
    assert item.status == Status.TODO and not PoliceCertificate.objects.exists()


def test_certificate_service_refuses_a_purpose_that_does_not_fit_the_unit(world):
    item = _item(make_placement(unit=world.home), ItemType.POLICE_CERTIFICATE)
    today = services.local_today()
    with pytest.raises(ValidationError) as error:
        services.police_certificate_record(
            item=item,
            purpose=CertificatePurpose.KINDERGARTEN,
            issued_on=today,
            presented_on=today,
            cleared=True,
            by=world.hr,
        )
    assert "purpose" in error.value.message_dict
    assert not PoliceCertificate.objects.exists()


@pytest.mark.parametrize("field", ["starts_on", "ends_on", "signed_on"])
def test_contract_date_off_the_calendar_gets_a_field_message(client, world, field):
    item = _item(make_placement(unit=world.home), ItemType.CONTRACT)
    client.force_login(world.hr)
    today = services.local_today()
    data = {
        "contract_type": "temporary",
        "legal_ground": "a",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=30)).isoformat(),
        field: "0001-01-01",
    }
    response = client.post(
        reverse("placements:item_update", args=[item.pk]),
        {f"item-{item.pk}-{key}": value for key, value in data.items()},
    )
    assert response.status_code == 200
    assert field in _form_errors(response, item)
    item.refresh_from_db()
    assert item.status == Status.TODO


def test_contact_form_refuses_an_email_longer_than_the_column(client, world):
    placement = make_placement(unit=world.home)
    before = placement.worker.email
    client.force_login(world.hr)
    address = "a" * 64 + "@" + ("b" * 62 + ".") * 3 + "example.no"
    assert len(address) > 254
    response = client.post(
        reverse("placements:worker_contact", args=[placement.pk]),
        {"email": address, "phone": "+4790000000"},
    )
    assert response.status_code == 200
    assert response.context["contact_form"].has_error("email")
    placement.worker.refresh_from_db()
    assert placement.worker.email == before


def test_note_with_a_line_break_is_refused_on_a_checklist_item(client, world):
    item = _item(make_placement(unit=world.home), ItemType.HR_REGISTRATION)
    client.force_login(world.hr)
    response = client.post(
        reverse("placements:item_update", args=[item.pk]),
        {f"item-{item.pk}-status": "done", f"item-{item.pk}-note": "ok\u202e"},
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.status == Status.TODO and item.note == ""
