"""Release from the home unit: the leader of a school, a kindergarten or an office releases their
staff for a period, sees where they work, confirms redeployments and recalls them with notice."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from matching.models import Proposal
from outbox.models import Message
from placements import services as placement_services
from placements.models import ChecklistItem, ItemType, Placement, PlacementShift
from resources import services
from staffing import capacity
from staffing.models import Absence, Availability, Release, Sector
from tests.matching.factories import ShiftFactory, at, need_with_shifts
from tests.placements.factories import make_placement
from tests.staffing.factories import EmployeeProfileFactory, UnitFactory, UserFactory, WorkerFactory

OSLO = ZoneInfo("Europe/Oslo")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def school(world):
    """A closed school in the north with its leader and two teachers who are health workers."""
    unit = UnitFactory(
        name="Nordby skole", code="nordby", sector=Sector.SCHOOLS, district=world.north
    )
    leader = UserFactory(email="rektor@dugnad.test", role="unit_leader", led_units=[unit])
    staff = []
    for name in ("Lærer", "Assistent"):
        worker = WorkerFactory(
            source="employee",
            last_name=name,
            qualifications=[world.quals["helsefagarbeider"]],
            verified_hpr=True,
            home_district=world.north,
        )
        EmployeeProfileFactory(worker=worker, home_unit=unit, position_percent=80)
        staff.append(worker)
    return unit, leader, staff


def _today() -> dt.date:
    return timezone.localdate()


def _release_data(**overrides):
    data = {
        "release-starts_on": _today().isoformat(),
        "release-ends_on": (_today() + dt.timedelta(days=20)).isoformat(),
        "release-weekdays": ["0", "1", "2", "3", "4"],
        "release-how": "hours",
        "release-day_from": "07:00",
        "release-day_to": "16:00",
        "release-note": "Skolen er stengt",
    }
    data.update(overrides)
    return data


def test_leader_sees_only_their_own_staff(client, world, school):
    _unit, leader, staff = school
    other = EmployeeProfileFactory(home_unit=world.home).worker
    client.force_login(leader)

    response = client.get("/resources/staff/")

    assert response.status_code == 200
    assert {w.pk for w in response.context["page_obj"]} == {w.pk for w in staff}
    assert client.get(f"/resources/staff/{other.pk}/").status_code == 404
    assert client.get("/resources/").status_code == 403


def test_releasing_for_weekdays_between_hours_makes_availability_windows(
    client, world, school, django_capture_on_commit_callbacks
):
    unit, leader, (teacher, _assistant) = school
    need = need_with_shifts(world, shifts=((1, 8),), hours=7)
    client.force_login(leader)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/resources/staff/{teacher.pk}/", _release_data())

    assert response.status_code == 302
    release = Release.objects.get(worker=teacher)
    assert (release.home_unit, release.created_by, release.weekdays) == (unit, leader, "01234")
    windows = list(Availability.objects.filter(worker=teacher).order_by("start"))
    weekdays = [d for d in range(21) if (_today() + dt.timedelta(days=d)).weekday() < 5]
    assert len(windows) == len(weekdays)
    first = timezone.localtime(windows[0].start, OSLO)
    assert (first.time(), timezone.localtime(windows[0].end, OSLO).time()) == (
        dt.time(7),
        dt.time(16),
    )
    assert all(w.release == release for w in windows)
    # the run it asked for proposes the teacher if the shift's day is a released weekday
    if at(1, 8).weekday() < 5:
        assert Proposal.objects.filter(shift__need=need, worker=teacher).exists()


def test_a_share_of_the_position_releases_whole_days_and_shows_the_hours(client, world, school):
    _unit, leader, (teacher, _assistant) = school
    client.force_login(leader)

    response = client.post(
        f"/resources/staff/{teacher.pk}/",
        _release_data(
            **{"release-how": "share", "release-share_percent": "50", "release-weekdays": ["2"]}
        ),
    )

    assert response.status_code == 302
    release = Release.objects.get(worker=teacher)
    assert (release.share_percent, release.day_start) == (50, None)
    # 50 % of an 80 % position: 15 hours a week
    assert capacity.release_weekly_hours(release) == 15
    window = Availability.objects.filter(worker=teacher).first()
    assert window.end - window.start == dt.timedelta(hours=24)
    assert "about 15.0 h a week" in window.note
    page = client.get(f"/resources/staff/{teacher.pk}/").content.decode()
    assert "50 % of the position (about 15.0 h a week)" in page


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"release-weekdays": []}, "weekdays"),
        ({"release-ends_on": "2026-01-01", "release-starts_on": "2026-02-01"}, "ends_on"),
        ({"release-how": "share", "release-share_percent": ""}, "share_percent"),
        ({"release-how": "share", "release-share_percent": "150"}, "share_percent"),
        ({"release-day_to": ""}, "day_to"),
        ({"release-day_to": "07:00"}, "day_to"),
        ({"release-starts_on": "0001-01-01"}, "starts_on"),
        ({"release-weekdays": ["9"]}, "weekdays"),
    ],
)
def test_a_bad_release_is_refused_with_the_reason_and_nothing_changes(
    client, world, school, data, field
):
    _unit, leader, (teacher, _assistant) = school
    client.force_login(leader)

    response = client.post(f"/resources/staff/{teacher.pk}/", _release_data(**data))

    assert response.status_code == 400
    assert field in response.context["release_form"].errors
    assert not Release.objects.exists() and not Availability.objects.exists()


def test_an_overlapping_release_is_refused(client, world, school):
    _unit, leader, (teacher, _assistant) = school
    client.force_login(leader)
    client.post(f"/resources/staff/{teacher.pk}/", _release_data())

    response = client.post(
        f"/resources/staff/{teacher.pk}/", _release_data(**{"release-weekdays": ["4"]})
    )

    assert response.status_code == 400
    assert "already released" in response.content.decode()
    assert Release.objects.count() == 1


def test_another_leader_cannot_release_or_recall(world, school):
    _unit, leader, (teacher, _assistant) = school
    with pytest.raises(PermissionDenied):
        capacity.release_create(
            worker=teacher,
            by=world.leader2,
            starts_on=_today(),
            ends_on=_today(),
            weekdays="0123456",
            share_percent=100,
        )
    release = capacity.release_create(
        worker=teacher,
        by=leader,
        starts_on=_today(),
        ends_on=_today(),
        weekdays="0123456",
        share_percent=100,
    )
    with pytest.raises(PermissionDenied):
        capacity.release_recall(release=release, by=world.leader2, back_on=_today())


def test_windows_keep_the_wall_clock_across_the_change_to_winter_time():
    windows = capacity.release_windows(
        starts_on=dt.date(2026, 10, 23),
        ends_on=dt.date(2026, 10, 26),
        weekdays="0123456",
        day_from=dt.time(22),
        day_to=dt.time(7),
    )
    assert len(windows) == 4
    assert [timezone.localtime(s, OSLO).hour for s, _e in windows] == [22, 22, 22, 22]
    assert [timezone.localtime(e, OSLO).hour for _s, e in windows] == [7, 7, 7, 7]
    # the night into Sunday 25 October is an hour longer (same tzinfo: compare in UTC)
    lengths = [e.astimezone(dt.UTC) - s.astimezone(dt.UTC) for s, e in windows]
    assert lengths == [dt.timedelta(hours=h) for h in (9, 10, 9, 9)]


def _redeployed(world, worker, days=(3, 10)):
    """A placement of `worker` at the leader's health unit with a shift on each day."""
    placement = make_placement(worker=worker, unit=world.home, source="employee", shifts=0)
    need = need_with_shifts(world, shifts=())
    for day in days:
        shift = ShiftFactory(need=need, start=at(day, 8), end=at(day, 15))
        PlacementShift.objects.create(
            placement=placement, shift=shift, worker=worker, start=shift.start, end=shift.end
        )
    return placement


def test_recall_with_notice_ends_later_shifts_and_tells_everyone(client, world, school):
    _unit, leader, (teacher, _assistant) = school
    teacher.email = "laerer@example.org"
    teacher.save()
    release = capacity.release_create(
        worker=teacher,
        by=leader,
        starts_on=_today(),
        ends_on=_today() + dt.timedelta(days=20),
        weekdays="0123456",
        day_from=dt.time(7),
        day_to=dt.time(16),
    )
    placement = _redeployed(world, teacher, days=(3, 10))
    back_on = _today() + dt.timedelta(days=7)
    client.force_login(leader)

    response = client.post(
        f"/resources/staff/release/{release.pk}/recall/", {"recall-back_on": back_on.isoformat()}
    )

    assert response.status_code == 302
    release.refresh_from_db()
    assert (release.back_on, release.recalled_by) == (back_on, leader)
    assert not Availability.objects.filter(worker=teacher, end__gt=capacity.day_start(back_on))
    assert Availability.objects.filter(worker=teacher).count() == 7
    kept, ended = PlacementShift.objects.filter(placement=placement).order_by("start")
    assert kept.is_active and not ended.is_active
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ACTIVE
    person = Message.objects.get(kind="resources.release_recalled", recipient=teacher.email)
    assert "Nordby skole" in person.body
    coordinator = Message.objects.get(
        kind="resources.release_recalled", recipient=world.coordinator.email
    )
    assert "1 shifts elsewhere from that day ended" in coordinator.body
    # the receiving unit's leader hears which shift is open again
    told = Message.objects.get(kind="placements.shifts_recalled", recipient=world.leader.email)
    assert teacher.full_name in told.body


def test_recall_needs_notice_and_happens_once(client, world, school):
    _unit, leader, (teacher, _assistant) = school
    release = capacity.release_create(
        worker=teacher,
        by=leader,
        starts_on=_today(),
        ends_on=_today() + dt.timedelta(days=20),
        weekdays="0123456",
        share_percent=100,
    )
    client.force_login(leader)

    response = client.post(
        f"/resources/staff/release/{release.pk}/recall/",
        {"recall-back_on": _today().isoformat()},
    )

    assert response.status_code == 400
    assert "Give at least 2 days" in response.content.decode()
    release.refresh_from_db()
    assert release.back_on is None
    services.release_recall(release=release, by=leader, back_on=_today() + dt.timedelta(days=3))
    with pytest.raises(ValidationError):
        services.release_recall(release=release, by=leader, back_on=_today() + dt.timedelta(days=4))


def test_home_leader_confirms_a_redeployment_as_their_own(client, world, school):
    _unit, leader, (teacher, _assistant) = school
    placement = _redeployed(world, teacher)
    item = ChecklistItem.objects.get(
        placement=placement, item_type=ItemType.HOME_LEADER_CONFIRMATION
    )
    # HR cannot tick it for the leader
    with pytest.raises(ValidationError):
        placement_services.checklist_item_set_status(item=item, status="done", by=world.hr)
    client.force_login(world.leader2)
    assert client.post(f"/resources/staff/confirm/{item.pk}/").status_code == 404
    client.force_login(leader)
    page = client.get(f"/resources/staff/{teacher.pk}/").content.decode()
    assert "Nordtun sykehjem" in page and "Confirm redeployment" in page

    response = client.post(f"/resources/staff/confirm/{item.pk}/")

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.done_by) == ("done", leader)
    assert item.done_at is not None
    assert "Confirmed" in client.get(f"/resources/staff/{teacher.pk}/").content.decode()


def test_leader_registers_sick_leave_for_their_staff(client, world, school):
    _unit, leader, (teacher, _assistant) = school
    client.force_login(leader)

    response = client.post(
        f"/resources/{teacher.pk}/absence/",
        {
            "absence-kind": "sick",
            "absence-starts_on": _today().isoformat(),
            "absence-ends_on": _today().isoformat(),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/resources/staff/{teacher.pk}/"
    absence = Absence.objects.get(worker=teacher)
    assert absence.created_by == leader
    bad = client.post(
        f"/resources/{teacher.pk}/absence/",
        {"absence-kind": "flu", "absence-starts_on": "x", "absence-ends_on": ""},
    )
    assert bad.status_code == 400
    assert Absence.objects.count() == 1
