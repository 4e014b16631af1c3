# English for a Norwegian municipality: day before month with the month's name, and the
# 24-hour clock, so "1 Dec 2026 07:30" is read the same everywhere (Django's default English is
# US-style: 12/01/2026, 7:30 a.m.).
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATETIME_FORMAT = "j M Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d %b %Y", "%d %B %Y"]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%H.%M"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M:%S"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

# Dugnad's own named formats (see config/formats/nb/formats.py; every name in both modules).
# Long, with the weekday: Tuesday 1 December 2026 (07:30).
WEEKDAY_DATE_FORMAT = "l j F Y"
WEEKDAY_DATETIME_FORMAT = "l j F Y H:i"
# Without the year: Tuesday 1 December (07:30).
WEEKDAY_MONTH_DAY_FORMAT = "l j F"
WEEKDAY_MONTH_DAY_TIME_FORMAT = "l j F H:i"
# Short (SMS, tables): Tue 1 Dec 2026 07:30, Tue 1 Dec 07:30, Tue 1 Dec, 1 Dec 07:30, 1 Dec;
# as long as the Norwegian ones, so an SMS stays within its length in either language.
SHORT_WEEKDAY_DATETIME_FORMAT = "D j M Y H:i"
SHORT_WEEKDAY_MONTH_DAY_TIME_FORMAT = "D j M H:i"
SHORT_WEEKDAY_MONTH_DAY_FORMAT = "D j M"
SHORT_MONTH_DAY_TIME_FORMAT = "j M H:i"
SHORT_MONTH_DAY_SECONDS_FORMAT = "j M H:i:s"
SHORT_MONTH_DAY_FORMAT = "j M"
