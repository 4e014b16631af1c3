import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from staffing.models import Worker
from tests.volunteers.factories import VolunteerFactory
from volunteers.models import Event, Status, Volunteer
from volunteers.services import volunteer_admit, volunteers_erase_inactive
from volunteers.tasks import volunteers_retention


def _stale(months: int, **extra):
    return VolunteerFactory(
        last_activity_at=timezone.now() - dt.timedelta(days=int(months * 31)), **extra
    )


def test_retention_erases_volunteers_inactive_longer_than_setting_and_keeps_counts(world, settings):
    settings.DUGNAD = {**settings.DUGNAD, "VOLUNTEER_RETENTION_MONTHS": 6}
    old = _stale(7, status=Status.GENERAL_VOLUNTEER, free_text="ring meg", hpr_number="1234567")
    old.events.create(kind=Event.Kind.NOTE, note="Navn og adresse", by=world.volunteer_coordinator)
    recent = _stale(5)

    counts = volunteers_erase_inactive()

    assert counts == {Status.GENERAL_VOLUNTEER: 1}
    old.refresh_from_db()
    assert old.erased_at is not None
    assert (old.first_name, old.email, old.phone, old.free_text, old.hpr_number) == ("",) * 5
    assert not old.events.exclude(note="").exists()  # history tables too
    assert old.events.filter(kind=Event.Kind.ERASED).exists()
    assert old.status == Status.GENERAL_VOLUNTEER  # anonymous count stays
    recent.refresh_from_db()
    assert recent.erased_at is None and recent.email


def test_retention_anonymises_the_linked_worker(world):
    volunteer = _stale(1, qualifications=[world.quals["sykepleier"]])
    worker = volunteer_admit(volunteer=volunteer, by=world.volunteer_coordinator)
    Volunteer.objects.filter(pk=volunteer.pk).update(
        last_activity_at=timezone.now() - dt.timedelta(days=800)
    )

    volunteers_erase_inactive()

    worker = Worker.objects.get(pk=worker.pk)
    assert not worker.is_active
    assert worker.email == "" and worker.phone == ""


def test_retention_command_and_beat_task_call_the_same_service(world, settings):
    settings.DUGNAD = {**settings.DUGNAD, "VOLUNTEER_RETENTION_MONTHS": 1}
    _stale(2)
    out = StringIO()
    call_command("volunteers_retention", stdout=out)
    assert "Erased 1 volunteer" in out.getvalue()
    assert Volunteer.objects.present().count() == 0

    _stale(2)
    assert volunteers_retention.delay().get() == {Status.NEW: 1}
    assert Volunteer.objects.present().count() == 0
    assert Volunteer.objects.count() == 2  # anonymous rows stay for counts
