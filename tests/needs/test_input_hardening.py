"""Issue 11, items 8 and 9 for needs: dates at the edge of the calendar, clock changes and a
tampered shift table give a clear message next to the field, never a 500 or a silent change."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from needs.models import Need, Shift
from needs.shifts import OSLO
from tests.needs.factories import NeedFactory, ShiftFactory, tomorrow_at
from tests.needs.test_views import _create_data, _formset_data

UTC = dt.UTC


def _last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 31)
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def _next_change(month: int) -> dt.date:
    """The next night the clocks change in Oslo (March: forward, October: back)."""
    today = timezone.localdate()
    day = _last_sunday(today.year, month)
    return day if day > today + dt.timedelta(days=1) else _last_sunday(today.year + 1, month)


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
@pytest.mark.parametrize("mode", ["single", "pattern"])
def test_night_shift_at_the_edge_of_the_calendar_is_refused_with_a_message(
    client, world, day, mode
):
    data = _create_data(
        world, mode=mode, first_day=day, last_day=day, start_time="22:00", end_time="07:00"
    )
    data["weekdays"] = [str(d) for d in range(7)]
    client.force_login(world.leader)
    response = client.post(reverse("needs:create"), data)
    assert response.status_code == 200
    assert response.context["form"].has_error("first_day")
    assert "Skriv inn en dato" in response.content.decode()
    assert not Need.objects.exists()


def test_pattern_ending_at_the_edge_of_the_calendar_is_refused(client, world):
    data = _create_data(world, last_day="9999-12-31")
    client.force_login(world.leader)
    response = client.post(reverse("needs:create"), data)
    assert response.status_code == 200
    assert response.context["form"].has_error("last_day")
    assert not Need.objects.exists()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_shift_table_row_at_the_edge_of_the_calendar_is_refused(client, world, day):
    need = NeedFactory(unit=world.home, created_by=world.leader, state=Need.State.DRAFT)
    a = ShiftFactory(need=need, start=tomorrow_at(7, days=2))
    extra = {"date": day, "start_time": "22:00", "end_time": "07:00", "headcount": 1}
    data = _formset_data([a], extra=[extra])
    client.force_login(world.leader)
    response = client.post(reverse("needs:shifts", kwargs={"pk": need.pk}), data)
    assert response.status_code == 200
    assert response.context["formset"].forms[1].has_error("date")
    assert need.shifts.count() == 1


def test_shift_starting_in_the_hour_the_clocks_skip_is_refused(client, world):
    night = _next_change(3)
    data = _create_data(
        world, mode="single", first_day=night.isoformat(), start_time="02:30", end_time="08:00"
    )
    client.force_login(world.leader)
    response = client.post(reverse("needs:create"), data)
    assert response.status_code == 200
    assert "klokka stilles" in response.content.decode()
    assert response.context["form"].has_error("start_time")
    assert not Shift.objects.exists()


def test_pattern_crossing_the_skipped_hour_is_refused_naming_the_night(client, world):
    night = _next_change(3)
    data = _create_data(
        world,
        first_day=(night - dt.timedelta(days=3)).isoformat(),
        last_day=(night + dt.timedelta(days=3)).isoformat(),
        weekdays=[str(d) for d in range(7)],
        start_time="02:30",
        end_time="09:00",
    )
    client.force_login(world.leader)
    response = client.post(reverse("needs:create"), data)
    assert response.status_code == 200
    assert response.context["form"].has_error("start_time")
    assert not Need.objects.exists()


def test_shift_table_row_in_the_skipped_hour_is_refused(client, world):
    need = NeedFactory(unit=world.home, created_by=world.leader, state=Need.State.DRAFT)
    a = ShiftFactory(need=need, start=tomorrow_at(7, days=2))
    night = _next_change(3)
    eve = night - dt.timedelta(days=1)  # a night shift ending at 02:30 on the changing night
    extra = {"date": eve.isoformat(), "start_time": "22:00", "end_time": "02:30", "headcount": 1}
    client.force_login(world.leader)
    response = client.post(
        reverse("needs:shifts", kwargs={"pk": need.pk}), _formset_data([a], extra=[extra])
    )
    assert response.status_code == 200
    assert response.context["formset"].forms[1].non_field_errors()
    assert need.shifts.count() == 1


def test_shift_at_a_time_that_comes_twice_is_read_as_summer_time_and_warned(client, world):
    night = _next_change(10)
    data = _create_data(
        world, mode="single", first_day=night.isoformat(), start_time="02:30", end_time="08:00"
    )
    client.force_login(world.leader)
    response = client.post(reverse("needs:create"), data, follow=True)
    assert response.status_code == 200
    (shift,) = Shift.objects.all()
    # 02:30 summer time (UTC+2) is 00:30 UTC; 08:00 winter time (UTC+1) is 07:00 UTC.
    assert shift.start == dt.datetime.combine(night, dt.time(0, 30), tzinfo=UTC)
    assert shift.end == dt.datetime.combine(night, dt.time(7, 0), tzinfo=UTC)
    assert "kommer to ganger" in response.content.decode()


def _copied_row(shift) -> dict:
    """The shift's row as the page renders it, but posted as a new row (no id)."""
    row = _formset_data([shift])
    return {
        "shifts-TOTAL_FORMS": 1,
        "shifts-INITIAL_FORMS": 0,
        "shifts-MIN_NUM_FORMS": 0,
        "shifts-MAX_NUM_FORMS": 1000,
        **{k: v for k, v in row.items() if k.startswith("shifts-0-") and k != "shifts-0-id"},
    }


@pytest.mark.parametrize("submit", [False, True])
def test_tampered_shift_table_copying_a_row_saves_no_duplicate(client, world, submit):
    need = NeedFactory(unit=world.home, created_by=world.leader, state=Need.State.DRAFT)
    a = ShiftFactory(need=need, start=tomorrow_at(7, days=2))
    data = _copied_row(a)
    if submit:
        data["submit"] = "1"
    client.force_login(world.leader)
    response = client.post(reverse("needs:shifts", kwargs={"pk": need.pk}), data)
    assert response.status_code == 200
    assert "to ganger" in response.content.decode()
    need.refresh_from_db()
    assert need.state == Need.State.DRAFT
    assert list(need.shifts.values_list("start", "end")) == [(a.start, a.end)]


def test_shift_table_naming_one_shift_twice_is_refused(client, world):
    need = NeedFactory(unit=world.home, created_by=world.leader, state=Need.State.DRAFT)
    a = ShiftFactory(need=need, start=tomorrow_at(7, days=2))
    data = _formset_data([a, a])
    data["shifts-1-start_time"] = "09:00"
    data["shifts-1-end_time"] = "15:00"
    client.force_login(world.leader)
    response = client.post(reverse("needs:shifts", kwargs={"pk": need.pk}), data)
    assert response.status_code == 200
    assert response.context["formset"].forms[1].non_field_errors()
    a.refresh_from_db()
    assert a.start.astimezone(OSLO).hour == 7


def test_title_with_a_direction_override_is_refused_and_spaces_are_tidied(client, world):
    client.force_login(world.leader)
    bad = _create_data(world, title="Natt\u202eevakt")
    response = client.post(reverse("needs:create"), bad)
    assert response.status_code == 200 and response.context["form"].has_error("title")
    assert not Need.objects.exists()
    good = _create_data(world, title="  Natt   vakt \u200f")
    assert client.post(reverse("needs:create"), good).status_code == 302
    assert Need.objects.get().title == "Natt vakt"
