"""Free capacity as windows (inventory/capacity.py): pure, no database."""

import datetime as dt
from zoneinfo import ZoneInfo

from inventory.capacity import capacity_windows, share_days

OSLO = ZoneInfo("Europe/Oslo")
MONDAY = dt.date(2026, 3, 23)  # the week before summer time starts (29 March)


def _local(windows):
    return [(s.astimezone(OSLO), e.astimezone(OSLO)) for s, e in windows]


def test_a_share_of_the_position_is_whole_days_rounded_up():
    assert share_days(40, []) == ["1", "2"]
    assert share_days(40, ["5", "2", "4"]) == ["2", "4"]
    assert share_days(10, ["3"]) == ["3"]
    assert share_days(100, ["6", "7"]) == ["6", "7"]  # fewer days ticked than the share


def test_days_and_hours_keep_oslo_wall_clock_across_summer_time():
    windows = _local(
        capacity_windows(
            capacity="days",
            weekdays=["1"],
            time_from=dt.time(8),
            time_to=dt.time(12),
            share_percent=None,
            available_from=MONDAY,
            available_to=MONDAY + dt.timedelta(days=7),
            today=MONDAY,
        )
    )
    assert [(s.date(), s.hour, e.hour) for s, e in windows] == [
        (MONDAY, 8, 12),
        (MONDAY + dt.timedelta(days=7), 8, 12),
    ]


def test_an_evening_to_morning_window_ends_the_next_day():
    (start, end), *_ = _local(
        capacity_windows(
            capacity="days",
            weekdays=["2"],
            time_from=dt.time(22),
            time_to=dt.time(7),
            share_percent=None,
            available_from=MONDAY,
            available_to=MONDAY + dt.timedelta(days=2),
            today=MONDAY,
        )
    )
    assert start == dt.datetime(2026, 3, 24, 22, tzinfo=OSLO)
    assert end == dt.datetime(2026, 3, 25, 7, tzinfo=OSLO)


def test_past_dates_start_today_and_an_open_end_stops_after_eight_weeks():
    windows = capacity_windows(
        capacity="share",
        weekdays=[],
        time_from=None,
        time_to=None,
        share_percent=100,
        available_from=MONDAY - dt.timedelta(days=30),
        available_to=None,
        today=MONDAY,
    )
    days = sorted({s.astimezone(OSLO).date() for s, _e in windows})
    assert days[0] == MONDAY
    assert days[-1] <= MONDAY + dt.timedelta(days=56)
    assert len(days) == 5 * 8 + 1  # Monday to Friday for eight weeks, and the last Monday


def test_no_free_capacity_gives_no_windows():
    assert (
        capacity_windows(
            capacity="none",
            weekdays=["1"],
            time_from=dt.time(8),
            time_to=dt.time(12),
            share_percent=50,
            available_from=None,
            available_to=None,
            today=MONDAY,
        )
        == []
    )
