import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from needs.models import Need, Priority, Shift
from needs.shifts import OSLO
from tests.needs.factories import NeedFactory, ShiftFactory, place, tomorrow_at
from tests.staffing.factories import DistrictFactory, SkillFactory, UnitFactory


def _day(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def _need_with_shift(unit, user, *, days=1, headcount=1, **kwargs) -> Need:
    need = NeedFactory(unit=unit, created_by=user, **kwargs)
    ShiftFactory(need=need, start=tomorrow_at(7, days=days), headcount=headcount)
    return need


def _create_data(world, **overrides) -> dict:
    monday = _day(7 - timezone.localdate().weekday() + 7)  # Monday in a week or two
    data = {
        "unit": world.ward.pk,
        "qualification": world.quals["sykepleier"].pk,
        "title": "Nattevakt",
        "description": "",
        "priority": Priority.HIGH,
        "requires_police_certificate": "on",
        "headcount": 2,
        "mode": "pattern",
        "start_time": "22:00",
        "end_time": "07:00",
        "first_day": monday.isoformat(),
        "last_day": (monday + dt.timedelta(days=13)).isoformat(),
        "weekdays": ["0", "2", "4"],
    }
    data.update(overrides)
    return data


# --- My needs -------------------------------------------------------------------------------


def test_leader_sees_own_units_needs_with_shift_coverage(client, world):
    mine = _need_with_shift(world.ward, world.leader, headcount=3, title="Avdeling A natt")
    place(mine.shifts.get(), ready=True)
    place(mine.shifts.get())
    _need_with_shift(world.other, world.leader2, title="Sørli dag")
    client.force_login(world.leader)
    response = client.get(reverse("needs:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Avdeling A natt" in html and "Sørli dag" not in html
    (need,) = response.context["page"].object_list
    (shift,) = need.active_shifts
    assert (shift.headcount, shift.approved, shift.ready) == (3, 2, 1)
    assert need.status == "partly_filled"


@pytest.mark.parametrize("view", ["leader", "coordinator"])
def test_need_lists_run_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries, view
):
    user = world.leader if view == "leader" else world.coordinator
    client.force_login(user)

    def load() -> int:
        response = client.get(reverse("needs:list"))
        assert response.status_code == 200
        return len(response.context["page"].object_list)

    for _ in range(2):
        need = _need_with_shift(world.home, world.leader)
        place(need.shifts.get())
    with django_assert_max_num_queries(10):
        assert load() == 2
    for i in range(20):
        need = _need_with_shift(world.ward, world.leader, days=1 + i % 5)
        ShiftFactory(need=need, start=tomorrow_at(22, days=2), headcount=2)
    with django_assert_max_num_queries(10):
        assert load() == 22


# --- creating a need ------------------------------------------------------------------------


def test_leader_creates_a_draft_from_a_night_pattern(client, world):
    client.force_login(world.leader)
    response = client.post(reverse("needs:create"), _create_data(world))
    need = Need.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("needs:shifts", kwargs={"pk": need.pk})
    assert need.state == Need.State.DRAFT and need.unit == world.ward
    shifts = list(need.shifts.all())
    assert len(shifts) == 6
    assert all(s.headcount == 2 for s in shifts)
    first = shifts[0]
    assert first.start.astimezone(OSLO).hour == 22
    assert first.end.astimezone(OSLO).date() == first.start.astimezone(OSLO).date() + dt.timedelta(
        days=1
    )

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["formset"].total_form_count() == 6 + 2


def test_forged_unit_gives_a_form_error_and_saves_nothing(client, world):
    client.force_login(world.leader)
    response = client.post(reverse("needs:create"), _create_data(world, unit=world.other.pk))
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Need.objects.exists()


def test_a_skill_both_required_and_preferred_is_shown_on_the_field(client, world):
    med = SkillFactory()
    client.force_login(world.leader)
    data = _create_data(world, required_skills=[med.pk], preferred_skills=[med.pk])
    response = client.post(reverse("needs:create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["preferred_skills"] == [
        "En ferdighet kan ikke være både påkrevd og ønsket."
    ]
    assert not Need.objects.exists()


def test_too_long_shift_is_refused_and_input_is_kept(client, world):
    client.force_login(world.leader)
    data = _create_data(world, start_time="06:00", end_time="21:00", title="Lang vakt")
    response = client.post(reverse("needs:create"), data)
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors and "13" in errors[0]
    assert 'value="Lang vakt"' in response.content.decode()
    assert not Need.objects.exists()


def test_pattern_without_weekdays_or_with_last_day_first_is_refused(client, world):
    client.force_login(world.leader)
    data = _create_data(world, weekdays=[])
    data["last_day"] = _day(1).isoformat()
    data["first_day"] = _day(3).isoformat()
    response = client.post(reverse("needs:create"), data)
    form = response.context["form"]
    assert "weekdays" in form.errors and "last_day" in form.errors
    assert not Need.objects.exists()


def test_single_shift_in_the_past_is_refused(client, world):
    client.force_login(world.leader)
    data = _create_data(world, mode="single", first_day=_day(-1).isoformat())
    response = client.post(reverse("needs:create"), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Need.objects.exists()


# --- reviewing shifts and submitting --------------------------------------------------------


def _formset_data(shifts, extra=()) -> dict:
    rows = []
    for shift in shifts:
        start, end = shift.start.astimezone(OSLO), shift.end.astimezone(OSLO)
        rows.append(
            {
                "id": shift.pk,
                "date": start.date().isoformat(),
                "start_time": f"{start:%H:%M}",
                "end_time": f"{end:%H:%M}",
                "headcount": shift.headcount,
            }
        )
    rows.extend(extra)
    data = {
        "shifts-TOTAL_FORMS": len(rows),
        "shifts-INITIAL_FORMS": len(shifts),
        "shifts-MIN_NUM_FORMS": 0,
        "shifts-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"shifts-{i}-{key}"] = value
    return data


def test_leader_adjusts_removes_and_adds_shifts_then_submits(client, world, trigger):
    need = NeedFactory(unit=world.home, created_by=world.leader, state=Need.State.DRAFT)
    a = ShiftFactory(need=need, start=tomorrow_at(7, days=2))
    b = ShiftFactory(need=need, start=tomorrow_at(7, days=3))
    data = _formset_data(
        [a, b],
        extra=[
            {
                "date": _day(4).isoformat(),
                "start_time": "15:00",
                "end_time": "23:00",
                "headcount": 1,
            }
        ],
    )
    data["shifts-0-headcount"] = 3
    data["shifts-1-DELETE"] = "on"
    data["submit"] = "1"
    client.force_login(world.leader)
    response = client.post(reverse("needs:shifts", kwargs={"pk": need.pk}), data)
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.state == Need.State.SUBMITTED and need.submitted_by == world.leader
    shifts = list(need.shifts.all())
    assert [s.headcount for s in shifts] == [3, 1]
    assert not Shift.objects.filter(pk=b.pk).exists()
    assert shifts[1].start.astimezone(OSLO).hour == 15
    trigger.assert_called_once()


def test_duplicate_shift_row_shows_an_error_on_that_row(client, world):
    need = NeedFactory(unit=world.home, created_by=world.leader, state=Need.State.DRAFT)
    a = ShiftFactory(need=need, start=tomorrow_at(7, days=2))
    start = a.start.astimezone(OSLO)
    data = _formset_data(
        [a],
        extra=[
            {
                "date": start.date().isoformat(),
                "start_time": f"{start:%H:%M}",
                "end_time": f"{a.end.astimezone(OSLO):%H:%M}",
                "headcount": 1,
            }
        ],
    )
    client.force_login(world.leader)
    response = client.post(reverse("needs:shifts", kwargs={"pk": need.pk}), data)
    assert response.status_code == 200
    forms = response.context["formset"].forms
    assert forms[1].non_field_errors() and not forms[0].errors
    assert need.shifts.count() == 1


# --- detail and scoping ---------------------------------------------------------------------


def test_detail_shows_placed_worker_and_readiness_to_coordinator(client, world):
    need = _need_with_shift(world.home, world.leader)
    placed = place(need.shifts.get(), ready=False)
    placed.worker.first_name, placed.worker.last_name = "Oda", "Fiktivsen"
    placed.worker.save()
    client.force_login(world.coordinator)
    response = client.get(reverse("needs:detail", kwargs={"pk": need.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Oda Fiktivsen" in html
    assert "not yet" in html or "ikke ennå" in html


def test_other_leader_and_coordinator_cannot_open_a_draft(client, world):
    draft = _need_with_shift(world.home, world.leader, state=Need.State.DRAFT)
    for user in (world.leader2, world.coordinator):
        client.force_login(user)
        assert client.get(reverse("needs:detail", kwargs={"pk": draft.pk})).status_code == 404
    client.force_login(world.leader2)
    response = client.post(reverse("needs:cancel", kwargs={"pk": draft.pk}))
    assert response.status_code == 404
    assert Need.objects.get(pk=draft.pk).state == Need.State.DRAFT


def test_leader_cancels_a_need(client, world):
    need = _need_with_shift(world.home, world.leader)
    client.force_login(world.leader)
    response = client.post(
        reverse("needs:cancel", kwargs={"pk": need.pk}), {"reason": "Ikke behov"}
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.state == Need.State.CANCELLED
    assert not need.shifts.active().exists()


# --- coordinator overview -------------------------------------------------------------------


@pytest.fixture
def overview(world):
    """Needs spread over districts, sectors, priorities and coverage."""
    school = UnitFactory(name="Sør skole", code="sor-skole", district=world.south, sector="schools")
    east = UnitFactory(name="Øst sykehjem", code="ost", district=DistrictFactory(code="ost"))
    needs = {
        "critical_home": _need_with_shift(
            world.home, world.leader, days=3, priority=Priority.CRITICAL, title="A"
        ),
        "critical_east": _need_with_shift(
            east, world.leader, days=1, priority=Priority.CRITICAL, title="B"
        ),
        "normal_ward": _need_with_shift(world.ward, world.leader, days=1, headcount=2, title="C"),
        "school": _need_with_shift(
            school, world.leader, days=2, title="D", qualification=world.quals["assistent"]
        ),
        "filled": _need_with_shift(world.other, world.leader2, days=2, title="E"),
        "draft": _need_with_shift(world.home, world.leader, state=Need.State.DRAFT, title="F"),
    }
    place(needs["normal_ward"].shifts.get())
    place(needs["filled"].shifts.get())
    past = NeedFactory(unit=world.home, created_by=world.leader, title="G")
    ShiftFactory(need=past, start=timezone.now() - dt.timedelta(days=2))
    return needs


def _titles(client, **params) -> list[str]:
    response = client.get(reverse("needs:list"), params)
    assert response.status_code == 200
    return [need.title for need in response.context["page"].object_list]


def test_overview_lists_open_needs_most_urgent_first(client, world, overview):
    client.force_login(world.coordinator)
    # critical priority first; within it the critical service (Nordtun) before its start time
    assert _titles(client) == ["A", "B", "C", "D", "E"]


def test_overview_filters(client, world, overview):
    client.force_login(world.coordinator)
    assert _titles(client, district=world.south.pk) == ["D", "E"]
    assert _titles(client, sector="schools") == ["D"]
    assert _titles(client, unit=world.home.pk) == ["A", "C"]  # wards included
    assert _titles(client, qualification=world.quals["assistent"].pk) == ["D"]
    assert _titles(client, priority=Priority.CRITICAL) == ["A", "B"]
    assert _titles(client, coverage="filled") == ["E"]
    assert _titles(client, coverage="partly") == ["C"]
    assert _titles(client, coverage="unfilled") == ["A", "B", "D"]
    assert _titles(client, date_from=_day(2).isoformat()) == ["A", "D", "E"]
    assert _titles(client, date_to=_day(1).isoformat()) == ["B", "C"]


def test_overview_rejects_bad_filter_input_without_error(client, world, overview):
    client.force_login(world.coordinator)
    response = client.get(reverse("needs:list"), {"date_from": "not a date", "priority": "9"})
    assert response.status_code == 200
    assert response.context["filter"].errors


def test_leader_changes_what_a_submitted_need_asks_for(client, world, trigger):
    need = _need_with_shift(world.home, world.leader, qualification=world.quals["assistent"])
    client.force_login(world.leader)
    url = reverse("needs:edit", kwargs={"pk": need.pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "qualification": world.quals["helsefagarbeider"].pk,
            "title": "Helsefagarbeider dag",
            "description": "Møt i 1. etasje",
            "priority": Priority.CRITICAL,
        },
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.qualification == world.quals["helsefagarbeider"]
    assert need.priority == Priority.CRITICAL
    assert need.requires_police_certificate is True  # health and care: always
    trigger.assert_called_once()


def test_cancelled_need_cannot_be_changed(client, world):
    need = _need_with_shift(world.home, world.leader, state=Need.State.CANCELLED)
    client.force_login(world.leader)
    for name in ("needs:edit", "needs:shifts", "needs:cancel"):
        response = client.post(reverse(name, kwargs={"pk": need.pk}), {"reason": "x"})
        assert response.status_code == 302
        assert response["Location"] == reverse("needs:detail", kwargs={"pk": need.pk})
    assert Need.objects.get(pk=need.pk).state == Need.State.CANCELLED


def test_review_page_warns_about_a_long_shift(client, world):
    need = NeedFactory(unit=world.home, created_by=world.leader, state=Need.State.DRAFT)
    ShiftFactory(need=need, start=tomorrow_at(7), end=tomorrow_at(19))
    client.force_login(world.leader)
    response = client.get(reverse("needs:shifts", kwargs={"pk": need.pk}))
    (_form, _shift, warnings) = response.context["rows"][0]
    assert len(warnings) == 1 and "12" in warnings[0]
