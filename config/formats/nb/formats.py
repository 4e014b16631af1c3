# Bokmål as Norwegians write it: 1.12.2026 and 07:30.
DATE_FORMAT = "j. F Y"
SHORT_DATE_FORMAT = "j.n.Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j. F Y H:i"
SHORT_DATETIME_FORMAT = "j.n.Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j. F"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y"]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%H.%M"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M:%S"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3

# Dugnad's own named formats. Django's `date` filter and `formats.date_format` look any name up
# in the active language's module (config/formats/<lang>/formats.py) before the settings, so
# `{{ shift.start|date:"WEEKDAY_DATE_FORMAT" }}` and `core.dates.format_local(value,
# "WEEKDAY_DATE_FORMAT")` read these. Every name here must be in every language's module (a name
# missing from the module is printed as a pattern letter by letter); tests/test_dates.py
# checks both that and that no template writes a Norwegian pattern of its own.
# Long, with the weekday (pages and e-mails): tirsdag 1. desember 2026 (07:30).
WEEKDAY_DATE_FORMAT = "l j. F Y"
WEEKDAY_DATETIME_FORMAT = "l j. F Y H:i"
# Without the year, when it is plain (an offer's deadline, a visit this month): tirsdag 1. desember.
WEEKDAY_MONTH_DAY_FORMAT = "l j. F"
WEEKDAY_MONTH_DAY_TIME_FORMAT = "l j. F H:i"
# Short (SMS, tables): tir 1.12.2026 07:30, tir 1.12. 07:30, tir 1.12., 1.12. 07:30, 1.12.
SHORT_WEEKDAY_DATETIME_FORMAT = "D j.n.Y H:i"
SHORT_WEEKDAY_MONTH_DAY_TIME_FORMAT = "D j.n. H:i"
SHORT_WEEKDAY_MONTH_DAY_FORMAT = "D j.n."
SHORT_MONTH_DAY_TIME_FORMAT = "j.n. H:i"
SHORT_MONTH_DAY_SECONDS_FORMAT = "j.n. H:i:s"
SHORT_MONTH_DAY_FORMAT = "j.n."
