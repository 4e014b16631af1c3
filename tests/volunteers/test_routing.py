import datetime as dt

from volunteers.models import Route
from volunteers.rules import QualificationFacts, availability_windows, route_suggest

NURSE = QualificationFacts("sykepleier", True)
DOCTOR = QualificationFacts("lege", True)
MED_STUDENT = QualificationFacts("medisinstudent", True)
OTHER_TRADE = QualificationFacts("annen", False)


def test_licensed_doctor_is_suggested_for_the_emergency_clinic_even_if_willing_to_take_contract():
    assert route_suggest(qualifications=[DOCTOR], wants_contract=True) == Route.EMERGENCY_CLINIC
    assert route_suggest(qualifications=[DOCTOR], wants_contract=False) == Route.EMERGENCY_CLINIC


def test_medical_student_is_suggested_for_the_emergency_clinic():
    assert (
        route_suggest(qualifications=[MED_STUDENT, NURSE], wants_contract=True)
        == Route.EMERGENCY_CLINIC
    )


def test_health_qualified_person_willing_to_take_contract_is_suggested_for_the_pool():
    assert route_suggest(qualifications=[NURSE], wants_contract=True) == Route.STAFFING_POOL


def test_person_not_wanting_a_contract_goes_to_the_general_volunteer_register():
    assert route_suggest(qualifications=[NURSE], wants_contract=False) == Route.GENERAL_VOLUNTEER
    assert route_suggest(qualifications=[], wants_contract=False) == Route.GENERAL_VOLUNTEER


def test_willing_but_without_health_background_needs_assessment():
    assert route_suggest(qualifications=[OTHER_TRADE], wants_contract=True) == Route.ASSESS
    assert route_suggest(qualifications=[], wants_contract=True) == Route.ASSESS


def test_availability_windows_keep_oslo_wall_clock_across_daylight_saving_change():
    # 2026-10-25 is the night summer time ends in Norway.
    windows = availability_windows(
        available_from=dt.date(2026, 10, 24),
        available_to=dt.date(2026, 10, 26),
        weekdays=[],
        times_of_day=["day"],
        today=dt.date(2026, 10, 20),
    )
    assert [(s.hour, e.hour) for s, e in windows] == [(5, 13), (6, 14), (6, 14)]  # UTC


def test_availability_windows_merge_adjacent_times_and_respect_weekdays():
    windows = availability_windows(
        available_from=dt.date(2026, 12, 7),  # a Monday
        available_to=dt.date(2026, 12, 13),
        weekdays=["1", "3"],
        times_of_day=["day", "evening"],
        today=dt.date(2026, 12, 1),
    )
    assert len(windows) == 2
    start, end = windows[0]
    assert (start.day, start.hour, end.hour) == (7, 6, 22)  # 07–23 Oslo in winter
    assert windows[1][0].day == 9


def test_availability_windows_stop_at_the_horizon_when_no_end_date():
    windows = availability_windows(
        available_from=dt.date(2026, 12, 1),
        available_to=None,
        weekdays=[],
        times_of_day=["night"],
        today=dt.date(2026, 12, 1),
        horizon_days=6,
    )
    assert len(windows) == 7
    assert windows[0][1] - windows[0][0] == dt.timedelta(hours=8)
