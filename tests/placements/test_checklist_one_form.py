"""HR clears a person's whole checklist in one form: each item through its own service."""

import datetime as dt

from django.urls import reverse

from placements.models import ChecklistItem, EmploymentContract, Placement, PoliceCertificate
from placements.services import local_today
from tests.placements.factories import make_placement


def _everything_done(placement) -> dict:
    """The checklist page's one form, filled in for every item."""
    today = local_today()
    data = {}
    for item in placement.checklist_items.all():
        p = f"item-{item.pk}"
        if item.item_type == "police_certificate":
            data |= {
                f"{p}-purpose": "health_care",
                f"{p}-issued_on": (today - dt.timedelta(days=14)).isoformat(),
                f"{p}-presented_on": today.isoformat(),
                f"{p}-cleared": "on",
            }
        elif item.item_type == "contract":
            data |= {
                f"{p}-contract_type": "temporary",
                f"{p}-legal_ground": "b",
                f"{p}-starts_on": today.isoformat(),
                f"{p}-ends_on": (today + dt.timedelta(days=30)).isoformat(),
                f"{p}-signed_on": today.isoformat(),
            }
        elif item.item_type == "system_access":
            data |= {f"{p}-ordered_on": today.isoformat(), f"{p}-granted_on": today.isoformat()}
        else:
            data |= {f"{p}-status": "done", f"{p}-reason": "", f"{p}-note": ""}
    return data


def _untouched(placement) -> dict:
    """The form as the page shows it before anything is typed."""
    data = {}
    for item in placement.checklist_items.all():
        p = f"item-{item.pk}"
        if item.item_type == "police_certificate":
            data |= {f"{p}-purpose": "health_care", f"{p}-issued_on": "", f"{p}-presented_on": ""}
        elif item.item_type == "contract":
            data |= {f"{p}-contract_type": "", f"{p}-legal_ground": "", f"{p}-starts_on": ""}
        elif item.item_type == "system_access":
            data |= {f"{p}-ordered_on": "", f"{p}-granted_on": ""}
        else:
            data |= {f"{p}-status": item.status, f"{p}-reason": "", f"{p}-note": ""}
    return data


def test_hr_clears_the_whole_checklist_in_one_post(client, world):
    placement = make_placement(unit=world.home, systems=["Gerica"])
    client.force_login(world.hr)
    url = reverse("placements:checklist_save", args=[placement.pk])

    response = client.post(url, _everything_done(placement))

    assert response.status_code == 302
    assert not placement.checklist_items.open().exists()
    assert Placement.objects.get(pk=placement.pk).ready_at is not None
    assert PoliceCertificate.objects.filter(worker=placement.worker, cleared=True).count() == 1
    assert EmploymentContract.objects.get(placement=placement).legal_ground == "b"


def test_an_invalid_item_keeps_what_was_typed_and_the_others_are_saved(client, world):
    placement = make_placement(unit=world.home)
    client.force_login(world.hr)
    data = _everything_done(placement)
    certificate = placement.checklist_items.get(item_type="police_certificate")
    # Issued a year before it was presented: too old (at most 3 months).
    too_old = (local_today() - dt.timedelta(days=365)).isoformat()
    data[f"item-{certificate.pk}-issued_on"] = too_old

    response = client.post(reverse("placements:checklist_save", args=[placement.pk]), data)

    assert response.status_code == 400
    body = response.content.decode()
    assert f'value="{too_old}"' in body
    assert f'id="id_item-{certificate.pk}-issued_on_errors"' in body
    certificate.refresh_from_db()
    assert certificate.status == ChecklistItem.Status.TODO
    assert not PoliceCertificate.objects.filter(worker=placement.worker).exists()
    # Every other item went through.
    others = placement.checklist_items.exclude(pk=certificate.pk)
    assert not others.open().exists()
    assert Placement.objects.get(pk=placement.pk).ready_at is None


def test_an_untouched_form_changes_nothing(client, world):
    placement = make_placement(unit=world.home, systems=["Gerica"])
    client.force_login(world.hr)
    before = list(placement.checklist_items.values_list("pk", "status", "updated_at"))

    response = client.post(
        reverse("placements:checklist_save", args=[placement.pk]), _untouched(placement)
    )

    assert response.status_code == 302
    after = list(placement.checklist_items.values_list("pk", "status", "updated_at"))
    assert after == before
    assert not PoliceCertificate.objects.exists()


def test_saving_twice_records_the_certificate_once(client, world):
    placement = make_placement(unit=world.home)
    client.force_login(world.hr)
    url = reverse("placements:checklist_save", args=[placement.pk])
    data = _everything_done(placement)

    client.post(url, data)
    client.post(url, data)

    assert PoliceCertificate.objects.filter(worker=placement.worker).count() == 1


def test_a_unit_leader_cannot_post_a_checklist(client, world):
    placement = make_placement(unit=world.home)
    client.force_login(world.leader)

    response = client.post(
        reverse("placements:checklist_save", args=[placement.pk]), _everything_done(placement)
    )

    assert response.status_code == 403
    assert placement.checklist_items.open().count() == placement.checklist_items.count()


def test_the_checklist_page_is_one_form(client, world):
    placement = make_placement(unit=world.home, systems=["Gerica"])
    client.force_login(world.hr)

    body = client.get(reverse("placements:placement_detail", args=[placement.pk])).content.decode()

    assert body.count('id="checklist-form"') == 1
    assert body.count(reverse("placements:checklist_save", args=[placement.pk])) == 1
    for item in placement.checklist_items.all():
        assert f'name="item-{item.pk}-' in body
