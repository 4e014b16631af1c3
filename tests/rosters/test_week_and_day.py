"""The unit's week grid and the printable daily roster, with each slot's state."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from matching.models import MatchingRun, Proposal
from tests.matching.factories import at, employee, need_with_shifts, offer_sent
from tests.rosters.factories import placed_on


def _iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _grid(world):
    """A week with a shift in every state: two ready/onboarding placements, an offer, a
    proposal, and an open slot."""
    need = need_with_shifts(world, shifts=((8, 7),))
    shift = need.shifts.get()
    shift.headcount = 5
    shift.save(update_fields=["headcount"])
    ready = placed_on(world, shift, ready=True, last_name="Klarsen")
    onboarding = placed_on(world, shift, last_name="Onboardingsen")
    run = MatchingRun.objects.create(trigger="manual", status="succeeded")
    offered = Proposal.objects.create(
        run=run, shift=shift, worker=employee(world, last_name="Tilbudsen"), slot_index=2
    )
    offer_sent(world, proposal=offered)
    Proposal.objects.create(
        run=run, shift=shift, worker=employee(world, last_name="Forslagsen"), slot_index=3
    )
    return shift, ready, onboarding


def test_the_week_grid_shows_every_slot_in_its_state(client, world):
    shift, ready, _onboarding = _grid(world)
    client.force_login(world.coordinator)
    day = timezone.localtime(shift.start).date()

    response = client.get(reverse("rosters:week"), {"unit": world.home.pk, "week": _iso_week(day)})

    assert response.status_code == 200
    days = response.context["days"]
    row = next(d for d in days if d["date"] == day)["shifts"][0]
    assert [slot.state for slot in row.slots] == ["ready", "placed", "offered", "proposed", "open"]
    body = response.content.decode()
    assert ready.worker.full_name in body
    assert "Tilbudsen" in body and "Forslagsen" in body


def test_a_leader_sees_who_is_placed_but_not_who_is_only_proposed(client, world):
    shift, ready, _ = _grid(world)
    client.force_login(world.leader)
    day = timezone.localtime(shift.start).date()

    response = client.get(reverse("rosters:week"), {"week": _iso_week(day)})

    assert response.context["unit"] == world.home  # the leader's only unit, chosen for them
    body = response.content.decode()
    assert ready.worker.full_name in body
    assert "Tilbudsen" not in body and "Forslagsen" not in body
    assert 'data-state="offered"' in body and 'data-state="proposed"' in body


def test_a_leader_cannot_open_another_units_roster(client, world):
    shift, ready, _ = _grid(world)
    client.force_login(world.leader2)
    day = timezone.localtime(shift.start).date()

    for name, params in (
        ("rosters:week", {"unit": world.home.pk, "week": _iso_week(day)}),
        ("rosters:day", {"unit": world.home.pk, "day": day.isoformat()}),
    ):
        response = client.get(reverse(name), params)
        assert response.status_code == 400
        assert ready.worker.full_name not in response.content.decode()


def test_the_week_grid_runs_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries
):
    for n in range(8):
        need = need_with_shifts(world, shifts=((8, 7), (9, 7), (10, 15)))
        for shift in need.shifts.all():
            placed_on(world, shift, last_name=f"Person{n}{shift.pk}")
    client.force_login(world.coordinator)
    day = timezone.localtime(at(8, 7)).date()

    with django_assert_max_num_queries(14):
        response = client.get(
            reverse("rosters:week"), {"unit": world.home.pk, "week": _iso_week(day)}
        )

    assert sum(len(d["shifts"]) for d in response.context["days"]) >= 16


def test_the_daily_roster_lists_the_days_shifts_with_phone_for_printing(client, world):
    shift, _ready, _onboarding = _grid(world)
    other_day = need_with_shifts(world, shifts=((9, 7),)).shifts.get()
    client.force_login(world.leader)
    day = timezone.localtime(shift.start).date()

    response = client.get(reverse("rosters:day"), {"unit": world.home.pk, "day": day.isoformat()})

    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-shift="{shift.pk}"' in body
    assert f'data-shift="{other_day.pk}"' not in body
    assert 'href="tel:+4791234567"' in body
    assert "js/print.js" in body and "data-print" in body
    assert "no-store" in response["Cache-Control"]


def test_garbage_week_and_day_give_a_clear_400(client, world):
    client.force_login(world.coordinator)
    for name, params in (
        ("rosters:week", {"week": "2026-W99"}),
        ("rosters:week", {"week": "9999-W01"}),
        ("rosters:week", {"unit": "abc"}),
        ("rosters:day", {"day": "2026-02-30"}),
        ("rosters:day", {"day": "0001-01-01"}),
    ):
        response = client.get(reverse(name), params)
        assert response.status_code == 400, params
        assert 'class="errorlist"' in response.content.decode()
