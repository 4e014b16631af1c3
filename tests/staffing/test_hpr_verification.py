import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from staffing.models import AuditEntry
from staffing.services import worker_hpr_verify
from tests.staffing.factories import WorkerFactory


@pytest.fixture
def nurse(world):
    return WorkerFactory(hpr_number="7654321", qualifications=[world.quals["sykepleier"]])


def test_hr_verifies_an_hpr_number_and_who_and_when_are_recorded(client, world, nurse):
    client.force_login(world.hr)
    response = client.post(f"/onboarding/hpr/{nurse.pk}/verify/")
    assert response.status_code == 302
    nurse.refresh_from_db()
    assert nurse.has_verified_hpr
    assert nurse.hpr_verified_by == world.hr
    entry = AuditEntry.objects.get(object_id=nurse.pk, field="hpr_verified_by_id")
    assert entry.actor == world.hr and entry.new_value == str(world.hr.pk)


def test_verification_asks_for_a_matching_run(world, nurse, django_capture_on_commit_callbacks):
    from unittest import mock

    with (
        mock.patch("matching.tasks.matching_run.apply_async") as apply_async,
        django_capture_on_commit_callbacks(execute=True),
    ):
        worker_hpr_verify(worker=nurse, by=world.hr)
    assert apply_async.call_count == 1
    assert apply_async.call_args.args[0] == ("worker_available", world.hr.pk)


def test_queue_lists_only_unverified_authorised_workers(client, world, nurse):
    WorkerFactory(verified_hpr=True, qualifications=[world.quals["sykepleier"]], last_name="Ferdig")
    WorkerFactory(hpr_number="", qualifications=[world.quals["assistent"]], last_name="Assistent")
    client.force_login(world.hr)
    response = client.get("/onboarding/hpr/")
    assert response.status_code == 200
    assert list(response.context["page_obj"]) == [nurse]


def test_coordinator_cannot_verify_hpr(client, world, nurse):
    client.force_login(world.coordinator)
    assert client.post(f"/onboarding/hpr/{nurse.pk}/verify/").status_code == 403
    with pytest.raises(PermissionDenied):
        worker_hpr_verify(worker=nurse, by=world.coordinator)
    nurse.refresh_from_db()
    assert nurse.hpr_verified_at is None


def test_a_worker_without_number_cannot_be_verified(world):
    worker = WorkerFactory(hpr_number="", qualifications=[world.quals["sykepleier"]])
    with pytest.raises(ValidationError):
        worker_hpr_verify(worker=worker, by=world.hr)


@pytest.mark.parametrize("extra", [2, 20])
def test_hpr_queue_runs_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries, extra
):
    for n in range(extra):
        WorkerFactory(hpr_number=f"{5000000 + n}", qualifications=[world.quals["sykepleier"]])
    client.force_login(world.hr)
    with django_assert_max_num_queries(8):
        response = client.get("/onboarding/hpr/")
    assert response.status_code == 200
