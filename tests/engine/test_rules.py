from __future__ import annotations

from datetime import UTC, timedelta

from matching.engine import Interval, Params, Slot, check_solution, objective_of, why_infeasible

from .conftest import one_candidate, oslo, slot, utc

NO_DAY_CAP = Params(max_hours_per_24_hours=24)


def test_overlap_and_rest():
    a = slot("a", utc(2026, 5, 4, 7), 8)
    b = slot("b", utc(2026, 5, 4, 14), 8)  # overlaps a
    c = slot("c", utc(2026, 5, 4, 23), 8)  # 8 h after a ends
    d = slot("d", utc(2026, 5, 5, 7), 8)  # 16 h after a ends, outside its 24 h window
    inst = one_candidate([a, b, c, d])
    assert why_infeasible(inst, "b", "c", {"a": "c"}) == "overlap"
    assert why_infeasible(inst, "c", "c", {"a": "c"}) == "rest < 11 h"
    assert why_infeasible(inst, "d", "c", {"a": "c"}) is None
    assert check_solution(inst, {"a": "c", "d": "c"}) == []
    problems = check_solution(inst, {"a": "c", "c": "c"})
    assert any("rest < 11 h" in p for p in problems)


def test_window_rules():
    # 5 x 8 h within a week is 40 h; the sixth makes 48 h (allowed), the seventh is over
    days = [slot(f"s{i}", utc(2026, 5, 4 + i, 7), 8) for i in range(7)]
    inst = one_candidate(days)
    six = {f"s{i}": "c" for i in range(6)}
    assert check_solution(inst, six) == []
    assert why_infeasible(inst, "s6", "c", six) == "over 48 h in 7 days"
    # 24 h: 8 h + 6 h starting 19 h apart is 14 h > 13 h
    x = slot("x", utc(2026, 5, 4, 7), 8)
    y = slot("y", utc(2026, 5, 5, 2), 6)
    inst = one_candidate([x, y])
    assert why_infeasible(inst, "y", "c", {"x": "c"}) == "over 13 h in 24 h"


def test_booked_shifts_count_but_booked_only_violations_are_ignored():
    booked = (
        Interval(utc(2026, 5, 4, 7), utc(2026, 5, 4, 15)),
        Interval(utc(2026, 5, 4, 16), utc(2026, 5, 4, 20)),  # clashes with the one above
    )
    far = slot("far", utc(2026, 5, 6, 7), 8)
    near = slot("near", utc(2026, 5, 5, 5), 8)
    inst = one_candidate([far, near], booked=booked)
    assert why_infeasible(inst, "far", "c", {}) is None
    assert why_infeasible(inst, "near", "c", {}) == "rest < 11 h"
    assert check_solution(inst, {"far": "c"}) == []


def test_week_window_with_bookings():
    booked = tuple(
        Interval(utc(2026, 5, 4 + i, 7), utc(2026, 5, 4 + i, 15)) for i in range(5)
    )  # 40 h
    ok = slot("ok", utc(2026, 5, 9, 7), 8)  # 48 h
    long = slot("long", utc(2026, 5, 9, 7), 12)  # 52 h
    inst = one_candidate([ok, long], booked=booked)
    assert why_infeasible(inst, "ok", "c", {}) is None
    assert why_infeasible(inst, "long", "c", {}) == "over 48 h in 7 days"


def test_rest_is_absolute_time_across_spring_dst():
    # ends Sat 23:00 (+01:00); Sun 10:30 (+02:00) is only 10.5 h later in real time
    evening = slot("e", oslo(2026, 3, 28, 15), 8)
    assert evening.end == oslo(2026, 3, 28, 23)
    morning = slot("m", oslo(2026, 3, 29, 10, 30), 8)
    inst = one_candidate([evening, morning], params=NO_DAY_CAP)
    assert why_infeasible(inst, "m", "c", {"e": "c"}) == "rest < 11 h"


def test_rest_is_absolute_time_across_autumn_dst():
    # ends Sat 23:00 (+02:00); Sun 09:30 (+01:00) is 11.5 h later in real time
    evening = slot("e", oslo(2026, 10, 24, 15), 8)
    morning = slot("m", oslo(2026, 10, 25, 9, 30), 8)
    inst = one_candidate([evening, morning], params=NO_DAY_CAP)
    assert why_infeasible(inst, "m", "c", {"e": "c"}) is None


def test_night_shift_length_follows_dst_in_24h_window():
    # 22:30-07:30 local is 8 h on 2026-03-29 and 10 h on 2026-10-25
    spring = (oslo(2026, 3, 28, 22, 30), oslo(2026, 3, 29, 7, 30))
    autumn = (oslo(2026, 10, 24, 22, 30), oslo(2026, 10, 25, 7, 30))
    # (aware datetimes in the same zone subtract as wall-clock time, hence UTC)
    assert spring[1].astimezone(UTC) - spring[0].astimezone(UTC) == timedelta(hours=8)
    assert autumn[1].astimezone(UTC) - autumn[0].astimezone(UTC) == timedelta(hours=10)
    params = Params(min_rest_hours=0)
    for (start, end), expected in ((spring, None), (autumn, "over 13 h in 24 h")):
        night = Slot("n", start, end, 1000.0)
        extra = slot("x", end + timedelta(hours=1), 4.5)
        inst = one_candidate([night, extra], params=params)
        assert why_infeasible(inst, "x", "c", {"n": "c"}) == expected


def test_objective_and_unknown_arc():
    a = slot("a", utc(2026, 5, 4, 7), 8, cost=1000)
    b = slot("b", utc(2026, 5, 6, 7), 8, cost=3000)
    inst = one_candidate([a, b], cost=120)
    assert objective_of(inst, {}) == 4000
    assert objective_of(inst, {"a": "c"}) == 3120
    assert why_infeasible(inst, "a", "nobody", {}) == "not eligible"
    assert check_solution(inst, {"a": "nobody"})


WEEKLY = Params(min_weekly_rest_hours=35)


def test_weekly_rest_needs_one_free_stretch_of_35_hours_in_seven_days():
    # 8 h shifts starting every 32 h leave 24 h gaps: the fifth in a week breaks the rule
    shifts = [slot(f"s{i}", utc(2026, 5, 4, 7) + timedelta(hours=32 * i), 8) for i in range(5)]
    inst = one_candidate(shifts, params=WEEKLY)
    four = {f"s{i}": "c" for i in range(4)}
    # four shifts span 104 h: the window from the first still ends with 64 h free
    assert check_solution(inst, four) == []
    assert why_infeasible(inst, "s4", "c", four) == "weekly rest < 35 h"
    problems = check_solution(inst, {**four, "s4": "c"})
    assert any("weekly rest < 35 h" in p for p in problems)
    # without the parameter the same five shifts are fine
    plain = one_candidate(shifts)
    assert check_solution(plain, {**four, "s4": "c"}) == []


def test_weekly_rest_counts_bookings_but_judges_only_windows_with_assigned_shifts():
    # bookings alone already leave no 35 h stretch: not the engine's to judge
    booked = tuple(
        Interval(
            utc(2026, 5, 4, 7) + timedelta(hours=30 * i),
            utc(2026, 5, 4, 15) + timedelta(hours=30 * i),
        )
        for i in range(6)
    )
    far = slot("far", utc(2026, 5, 20, 7), 8)  # more than a week after the last booking
    near = slot("near", utc(2026, 5, 11, 14), 8)  # its window from the bookings lacks 35 h
    inst = one_candidate([far, near], booked=booked, params=WEEKLY)
    assert why_infeasible(inst, "far", "c", {}) is None
    assert check_solution(inst, {"far": "c"}) == []
    assert why_infeasible(inst, "near", "c", {}) == "weekly rest < 35 h"


def test_weekly_rest_is_absolute_time_across_spring_dst():
    # Sat 28 Mar 23:00 (+01:00) to Mon 30 Mar 07:00 (+02:00) is 31 h in real time, 32 h on
    # the wall clock; with a 31.5 h rule it is too short, although the wall clock says enough
    params = Params(min_weekly_rest_hours=31.5, max_hours_per_7_days=80, max_hours_per_24_hours=24)
    days = [slot(f"d{i}", oslo(2026, 3, 23 + i, 15), 8) for i in range(6)]  # Mon-Sat evenings
    monday = slot("mon", oslo(2026, 3, 30, 7), 8)
    inst = one_candidate([*days, monday], params=params)
    week = {s.id: "c" for s in days}
    assert check_solution(inst, week) == []
    assert why_infeasible(inst, "mon", "c", week) == "weekly rest < 31.5 h"
    # half an hour less rest asked: now it fits
    relaxed = one_candidate(
        [*days, monday],
        params=Params(min_weekly_rest_hours=31, max_hours_per_7_days=80, max_hours_per_24_hours=24),
    )
    assert why_infeasible(relaxed, "mon", "c", week) is None
