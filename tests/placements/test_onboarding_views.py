import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from placements import services
from placements.models import CertificatePurpose, ChecklistItem, ItemType, PoliceCertificate
from staffing.models import AuditEntry, WorkerSource
from tests.placements.factories import make_placement

pytestmark = pytest.mark.django_db
Status = ChecklistItem.Status
QUEUE = reverse("placements:onboarding")


def _item(placement, item_type):
    return placement.checklist_items.get(item_type=item_type)


def test_queue_lists_open_items_and_hides_done_ones(client, world):
    placement = make_placement(unit=world.home)
    done = _item(placement, ItemType.INTRODUCTION)
    services.checklist_item_set_status(item=done, status=Status.DONE, by=world.hr)
    client.force_login(world.hr)

    response = client.get(QUEUE)

    assert response.status_code == 200
    shown = {item.pk for item in response.context["page_obj"]}
    assert shown == set(placement.checklist_items.open().values_list("pk", flat=True))
    assert done.pk not in shown


def test_queue_filters_by_item_type_source_and_unit(client, world):
    volunteer = make_placement(unit=world.ward)
    agency = make_placement(source=WorkerSource.AGENCY, unit=world.other)
    client.force_login(world.hr)

    by_type = client.get(QUEUE, {"item_type": "contract"}).context["page_obj"]
    by_source = client.get(QUEUE, {"source": "agency"}).context["page_obj"]
    by_unit = client.get(QUEUE, {"unit": world.home.pk}).context["page_obj"]  # includes ward

    assert [i.pk for i in by_type] == [_item(volunteer, ItemType.CONTRACT).pk]
    assert {i.placement_id for i in by_source} == {agency.pk}
    assert {i.placement_id for i in by_unit} == {volunteer.pk}


def test_queue_rejects_a_malformed_date_filter_without_error(client, world):
    make_placement(unit=world.home)
    client.force_login(world.hr)

    response = client.get(QUEUE, {"due_from": "not-a-date"})

    assert response.status_code == 200
    assert "due_from" in response.context["filter"].form.errors


def test_queue_highlights_overdue_items(client, world):
    start = timezone.now() - dt.timedelta(days=2)
    placement = make_placement(unit=world.home, shifts__start=start)
    client.force_login(world.hr)

    response = client.get(QUEUE)

    item = _item(placement, ItemType.INTRODUCTION)
    assert f'class="overdue" data-item="{item.pk}"' in response.content.decode()


@pytest.mark.parametrize("placements", [1, 6])
def test_queue_runs_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries, placements
):
    for _ in range(placements):
        make_placement(unit=world.home, systems=["Gerica", "CosDoc"])
    client.force_login(world.hr)

    with django_assert_max_num_queries(12):
        response = client.get(QUEUE)
    assert response.status_code == 200


@pytest.mark.parametrize("placements", [1, 6])
def test_placement_overview_runs_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries, placements
):
    for _ in range(placements):
        make_placement(unit=world.home)
    client.force_login(world.leader)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("placements:placements"))
    assert len(response.context["rows"]) == placements


def test_bulk_done_marks_simple_items_and_leaves_certificate_open(client, world):
    placement = make_placement(unit=world.home)
    items = list(placement.checklist_items.values_list("pk", flat=True))
    client.force_login(world.hr)

    response = client.post(reverse("placements:bulk_done"), {"items": items})

    # the certificate and contract are not offered, so the whole selection is refused
    assert response.status_code == 302
    assert placement.checklist_items.filter(status=Status.DONE).count() == 0

    simple = list(
        placement.checklist_items.exclude(
            item_type__in=["police_certificate", "contract"]
        ).values_list("pk", flat=True)
    )
    response = client.post(reverse("placements:bulk_done"), {"items": simple})
    assert response.status_code == 302
    assert set(placement.checklist_items.open().values_list("item_type", flat=True)) == {
        "police_certificate",
        "contract",
    }


def test_hr_records_a_police_certificate_on_the_detail_page(client, world):
    placement = make_placement(unit=world.home)
    item = _item(placement, ItemType.POLICE_CERTIFICATE)
    today = services.local_today()
    client.force_login(world.hr)

    response = client.post(
        reverse("placements:item_update", args=[item.pk]),
        {
            f"item-{item.pk}-purpose": CertificatePurpose.HEALTH_CARE,
            f"item-{item.pk}-issued_on": (today - dt.timedelta(days=5)).isoformat(),
            f"item-{item.pk}-presented_on": today.isoformat(),
            f"item-{item.pk}-cleared": "on",
        },
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.DONE
    assert item.police_certificate.checked_by == world.hr


def test_too_old_certificate_gets_a_field_message_and_keeps_what_was_typed(client, world):
    placement = make_placement(unit=world.home)
    item = _item(placement, ItemType.POLICE_CERTIFICATE)
    today = services.local_today()
    old = today - dt.timedelta(days=200)
    client.force_login(world.hr)

    response = client.post(
        reverse("placements:item_update", args=[item.pk]),
        {
            f"item-{item.pk}-purpose": CertificatePurpose.HEALTH_CARE,
            f"item-{item.pk}-issued_on": old.isoformat(),
            f"item-{item.pk}-presented_on": today.isoformat(),
            f"item-{item.pk}-cleared": "on",
        },
    )

    assert response.status_code == 200
    form = next(row["form"] for row in response.context["rows"] if row["item"].pk == item.pk)
    assert "issued_on" in form.errors
    assert f'value="{old.isoformat()}"' in response.content.decode()
    assert not PoliceCertificate.objects.exists()


def test_not_applicable_without_reason_is_refused_with_a_message(client, world):
    placement = make_placement(unit=world.home)
    item = _item(placement, ItemType.CONTRACT)
    client.force_login(world.hr)

    response = client.post(
        reverse("placements:item_update", args=[item.pk]),
        {"action": "not_applicable", f"na-{item.pk}-reason": ""},
    )

    assert response.status_code == 200
    assert "reason" in response.context["rows"][1]["na_form"].errors
    assert _item(placement, ItemType.CONTRACT).status == Status.TODO


@pytest.mark.parametrize("role", ["unit_leader", "coordinator", "volunteer_coordinator"])
def test_only_hr_can_change_items_through_the_page(client, world, role):
    placement = make_placement(unit=world.home)
    item = _item(placement, ItemType.INTRODUCTION)
    client.force_login(world.users[role])

    response = client.post(
        reverse("placements:item_update", args=[item.pk]), {f"item-{item.pk}-status": "done"}
    )

    assert response.status_code == 403
    assert _item(placement, ItemType.INTRODUCTION).status == Status.TODO


@pytest.mark.parametrize("role", ["unit_leader", "coordinator"])
def test_leader_and_coordinator_see_readiness_but_not_certificate_details(client, world, role):
    placement = make_placement(source=WorkerSource.EMPLOYEE, unit=world.home)
    services.police_certificate_record(
        item=_item(placement, ItemType.POLICE_CERTIFICATE),
        purpose=CertificatePurpose.HEALTH_CARE,
        issued_on=dt.date(2026, 10, 1),
        presented_on=dt.date(2026, 10, 5),
        cleared=True,
        by=world.hr,
    )
    services.checklist_item_set_status(
        item=_item(placement, ItemType.HOME_LEADER_CONFIRMATION),
        status=Status.NOT_APPLICABLE,
        reason="Leder er samme person",
        by=world.hr,
    )
    client.force_login(world.users[role])

    response = client.get(reverse("placements:placements"))

    content = response.content.decode()
    assert response.status_code == 200
    assert f'data-placement="{placement.pk}"' in content
    assert 'data-readiness="ready"' in content
    for detail in ("5-4", "05.10.2026", "2026-10-05", "01.10.2026", str(world.hr)):
        assert detail not in content
    assert (
        client.get(reverse("placements:placement_detail", args=[placement.pk])).status_code == 403
    )


def test_other_units_leader_does_not_see_the_placement(client, world):
    placement = make_placement(unit=world.home)
    client.force_login(world.leader2)

    response = client.get(reverse("placements:placements"))

    assert response.status_code == 200
    assert f'data-placement="{placement.pk}"' not in response.content.decode()
    assert response.context["rows"] == []


def test_hr_changes_contact_details_and_bad_email_keeps_input(client, world):
    placement = make_placement(unit=world.home)
    client.force_login(world.hr)
    url = reverse("placements:worker_contact", args=[placement.pk])

    bad = client.post(url, {"email": "not-an-email", "phone": "+4799999999"})
    good = client.post(url, {"email": "ny@example.test", "phone": "+4799999999"})

    assert bad.status_code == 200
    assert "email" in bad.context["contact_form"].errors
    assert 'value="not-an-email"' in bad.content.decode()
    assert good.status_code == 302
    placement.worker.refresh_from_db()
    assert placement.worker.email == "ny@example.test"


def test_opening_a_placement_logs_who_opened_the_record_and_shows_history(client, world):
    placement = make_placement(unit=world.home)
    services.checklist_item_set_status(
        item=_item(placement, ItemType.INTRODUCTION), status=Status.DONE, by=world.hr
    )
    client.force_login(world.hr)

    response = client.get(reverse("placements:placement_detail", args=[placement.pk]))

    assert response.status_code == 200
    opened = AuditEntry.objects.get(field="record_opened")
    assert (opened.actor, opened.object_id) == (world.hr, placement.worker_id)
    assert [e.field for e in response.context["audit"]][-1] == "status"


@pytest.mark.parametrize("systems", [1, 8])
def test_placement_detail_runs_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries, systems
):
    placement = make_placement(unit=world.home, systems=[f"System {n}" for n in range(systems)])
    client.force_login(world.hr)

    with django_assert_max_num_queries(20):
        response = client.get(reverse("placements:placement_detail", args=[placement.pk]))
    assert len(response.context["rows"]) == 5 + systems
