"""Pattern expansion and shift validation: pure functions, no database."""

import datetime as dt

from needs.shifts import OSLO, ShiftSpec, check_shifts, expand_pattern, local_span

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def _local(value: dt.datetime) -> tuple[dt.date, dt.time]:
    local = value.astimezone(OSLO)
    return local.date(), local.time()


def test_pattern_expands_on_chosen_weekdays_only():
    shifts = expand_pattern(
        first_day=dt.date(2026, 3, 2),  # Monday
        last_day=dt.date(2026, 3, 15),
        weekdays=[0, 2, 4],
        start_time=dt.time(7, 30),
        end_time=dt.time(15, 30),
        headcount=2,
    )
    days = [_local(s.start)[0] for s in shifts]
    assert days == [
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 4),
        dt.date(2026, 3, 6),
        dt.date(2026, 3, 9),
        dt.date(2026, 3, 11),
        dt.date(2026, 3, 13),
    ]
    assert all(s.headcount == 2 and s.hours == 8 for s in shifts)
    assert all(s.start.utcoffset() == dt.timedelta(0) for s in shifts)


def test_night_shift_ends_the_next_morning():
    (shift,) = expand_pattern(
        first_day=dt.date(2026, 3, 6),
        last_day=dt.date(2026, 3, 6),
        weekdays=range(7),
        start_time=dt.time(22, 0),
        end_time=dt.time(7, 0),
    )
    assert _local(shift.start) == (dt.date(2026, 3, 6), dt.time(22, 0))
    assert _local(shift.end) == (dt.date(2026, 3, 7), dt.time(7, 0))
    assert shift.hours == 9


def test_night_shift_over_spring_dst_change_keeps_wall_clock_and_is_an_hour_shorter():
    # Clocks go forward 02:00 → 03:00 on Sunday 29 March 2026.
    shifts = expand_pattern(
        first_day=dt.date(2026, 3, 27),
        last_day=dt.date(2026, 3, 29),
        weekdays=range(7),
        start_time=dt.time(22, 0),
        end_time=dt.time(7, 0),
    )
    assert [_local(s.start)[1] for s in shifts] == [dt.time(22, 0)] * 3
    assert [_local(s.end)[1] for s in shifts] == [dt.time(7, 0)] * 3
    assert [s.hours for s in shifts] == [9, 8, 9]


def test_night_shift_over_autumn_dst_change_is_an_hour_longer():
    # Clocks go back 03:00 → 02:00 on Sunday 25 October 2026.
    start, end = local_span(dt.date(2026, 10, 24), dt.time(22, 0), dt.time(7, 0))
    assert (end - start) == dt.timedelta(hours=10)
    day_start, day_end = local_span(dt.date(2026, 10, 25), dt.time(7, 30), dt.time(15, 30))
    assert (day_end - day_start) == dt.timedelta(hours=8)
    assert day_start == dt.datetime(2026, 10, 25, 6, 30, tzinfo=dt.UTC)  # UTC+1 after the change


def test_day_shifts_keep_local_start_across_the_dst_change():
    shifts = expand_pattern(
        first_day=dt.date(2026, 3, 27),
        last_day=dt.date(2026, 3, 30),
        weekdays=range(7),
        start_time=dt.time(7, 30),
        end_time=dt.time(15, 30),
    )
    assert {_local(s.start)[1] for s in shifts} == {dt.time(7, 30)}
    assert [s.start.hour for s in shifts] == [6, 6, 5, 5]  # UTC hour moves with the offset


def _check(shifts, **kwargs):
    return check_shifts(shifts, now=NOW, max_hours=13, warn_hours=10, **kwargs)


def _spec(day: int, start: int, end: int, headcount: int = 1) -> ShiftSpec:
    s, e = local_span(dt.date(2026, 3, day), dt.time(start), dt.time(end))
    return ShiftSpec(s, e, headcount)


def test_valid_shifts_pass():
    check = _check([_spec(10, 7, 15), _spec(11, 22, 7)])
    assert check.ok and not check.warnings


def test_shift_longer_than_the_legal_maximum_is_refused():
    check = _check([_spec(10, 7, 15), _spec(11, 6, 20)])
    assert list(check.errors) == [1]
    assert "13" in check.errors[1][0]


def test_long_shift_is_warned_about_but_accepted():
    check = _check([_spec(10, 7, 19)])
    assert check.ok
    assert list(check.warnings) == [0]


def test_shift_in_the_past_is_refused_unless_unchanged():
    past = _spec(1, 7, 15)  # 1 March 07:00 is before NOW (12:00 UTC)
    assert list(_check([past]).errors) == [0]
    assert _check([past], past_allowed=[0]).ok


def test_end_before_start_and_zero_headcount_are_refused():
    start = dt.datetime(2026, 3, 10, 10, tzinfo=dt.UTC)
    check = _check(
        [
            ShiftSpec(start, start - dt.timedelta(hours=1), 1),
            ShiftSpec(start, start, 1),
            _spec(12, 7, 15, headcount=0),
        ]
    )
    assert sorted(check.errors) == [0, 1, 2]


def test_duplicate_shift_is_refused():
    check = _check([_spec(10, 7, 15), _spec(11, 7, 15), _spec(10, 7, 15, headcount=2)])
    assert list(check.errors) == [2]
