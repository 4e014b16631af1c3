"""Dates and times in the reader's language: Bokmål "tirsdag 1. desember 2026", "tir 1.12. 07:30";
English "Tuesday 1 December 2026", "Tue 1 Dec 07:30". Pages follow the interface language, e-mails
and SMS the recipient's. The named formats live in config/formats/<lang>/formats.py; templates
write `date:"WEEKDAY_DATE_FORMAT"`, code `core.dates.format_local(value, "WEEKDAY_DATE_FORMAT")`.
"""

import datetime as dt
import re
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import FORMAT_SETTINGS

from core.dates import format_local

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = [code for code, _name in settings.LANGUAGES]
# 06:30 UTC is 07:30 in Oslo in winter.
MORNING = dt.datetime(2026, 12, 1, 6, 30, tzinfo=dt.UTC)

# Written out here, not taken from Django, so the tests say what the reader sees.
NB_DAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
NB_DAYS_SHORT = ["man", "tir", "ons", "tor", "fre", "lør", "søn"]
NB_MONTHS = "januar februar mars april mai juni juli august september oktober november desember"
EN_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
EN_MONTHS = "January February March April May June July August September October November December"


def short_weekday(day: dt.date, language: str, *, year: bool = False) -> str:
    """ "tir 1.12." / "Tue 1 Dec", with the year "tir 1.12.2026" / "Tue 1 Dec 2026"."""
    if language == "nb":
        return f"{NB_DAYS_SHORT[day.weekday()]} {day.day}.{day.month}.{day.year if year else ''}"
    month = EN_MONTHS.split()[day.month - 1][:3]
    return f"{EN_DAYS[day.weekday()][:3]} {day.day} {month}{f' {day.year}' if year else ''}"


def long_weekday(day: dt.date, language: str) -> str:
    """ "tirsdag 1. desember 2026" / "Tuesday 1 December 2026"."""
    if language == "nb":
        month = NB_MONTHS.split()[day.month - 1]
        return f"{NB_DAYS[day.weekday()]} {day.day}. {month} {day.year}"
    return f"{EN_DAYS[day.weekday()]} {day.day} {EN_MONTHS.split()[day.month - 1]} {day.year}"


# --- the named formats -----------------------------------------------------------------------

NAMED = [
    ("WEEKDAY_DATE_FORMAT", "tirsdag 1. desember 2026", "Tuesday 1 December 2026"),
    ("WEEKDAY_DATETIME_FORMAT", "tirsdag 1. desember 2026 07:30", "Tuesday 1 December 2026 07:30"),
    ("WEEKDAY_MONTH_DAY_FORMAT", "tirsdag 1. desember", "Tuesday 1 December"),
    ("WEEKDAY_MONTH_DAY_TIME_FORMAT", "tirsdag 1. desember 07:30", "Tuesday 1 December 07:30"),
    ("SHORT_WEEKDAY_DATETIME_FORMAT", "tir 1.12.2026 07:30", "Tue 1 Dec 2026 07:30"),
    ("SHORT_WEEKDAY_MONTH_DAY_TIME_FORMAT", "tir 1.12. 07:30", "Tue 1 Dec 07:30"),
    ("SHORT_WEEKDAY_MONTH_DAY_FORMAT", "tir 1.12.", "Tue 1 Dec"),
    ("SHORT_MONTH_DAY_TIME_FORMAT", "1.12. 07:30", "1 Dec 07:30"),
    ("SHORT_MONTH_DAY_SECONDS_FORMAT", "1.12. 07:30:00", "1 Dec 07:30:00"),
    ("SHORT_MONTH_DAY_FORMAT", "1.12.", "1 Dec"),
    ("MONTH_DAY_FORMAT", "1. desember", "1 December"),
    ("DATE_FORMAT", "1. desember 2026", "1 December 2026"),
    ("SHORT_DATE_FORMAT", "1.12.2026", "1 Dec 2026"),
    ("SHORT_DATETIME_FORMAT", "1.12.2026 07:30", "1 Dec 2026 07:30"),
    ("DATETIME_FORMAT", "1. desember 2026 07:30", "1 December 2026 07:30"),
    ("YEAR_MONTH_FORMAT", "desember 2026", "December 2026"),
    ("TIME_FORMAT", "07:30", "07:30"),
]


def _filter(value, name: str) -> str:
    return Template('{{ value|date:"' + name + '" }}').render(Context({"value": value}))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("name", "nb", "en"), NAMED, ids=[n[0] for n in NAMED])
def test_each_named_format_reads_right_in_each_language(language, name, nb, en):
    expected = {"nb": nb, "en": en}[language]
    with translation.override(language):
        assert format_local(MORNING, name) == expected
        assert _filter(MORNING, name) == expected


@pytest.mark.parametrize(
    ("value", "nb", "en"),
    [
        # a UTC evening is the next morning in Oslo, in winter (+1) and in summer (+2)
        (dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC), "tir 1.12. 00:30", "Tue 1 Dec 00:30"),
        (dt.datetime(2026, 6, 30, 22, 15, tzinfo=dt.UTC), "ons 1.7. 00:15", "Wed 1 Jul 00:15"),
        # a naive datetime is taken as the local time it says
        (dt.datetime(2026, 12, 1, 7, 30), "tir 1.12. 07:30", "Tue 1 Dec 07:30"),
    ],
)
def test_aware_datetimes_are_shown_in_oslo_time(value, nb, en):
    for language, expected in (("nb", nb), ("en", en)):
        with translation.override(language):
            assert format_local(value, "SHORT_WEEKDAY_MONTH_DAY_TIME_FORMAT") == expected
            assert _filter(value, "SHORT_WEEKDAY_MONTH_DAY_TIME_FORMAT") == expected


def test_a_date_has_no_time_zone():
    with translation.override("en"):
        assert (
            format_local(dt.date(2026, 12, 1), "WEEKDAY_DATE_FORMAT") == "Tuesday 1 December 2026"
        )
        assert _filter(dt.date(2026, 12, 1), "SHORT_WEEKDAY_MONTH_DAY_FORMAT") == "Tue 1 Dec"


@pytest.mark.parametrize("empty", [None, ""])
def test_nothing_is_written_as_nothing(empty):
    assert format_local(empty, "WEEKDAY_DATE_FORMAT") == ""
    assert _filter(empty, "WEEKDAY_DATE_FORMAT") == ""


def test_without_an_active_language_the_default_language_is_used():
    with translation.override(None):
        assert format_local(MORNING, "WEEKDAY_DATE_FORMAT") == "tirsdag 1. desember 2026"


def test_an_unknown_name_is_an_error_not_a_pattern_printed_letter_by_letter():
    with pytest.raises(KeyError):
        format_local(MORNING, "WEEKDAY_DATE")


# --- guards: every name in every language, and no pattern of one language in a template -------


def _format_names(language: str) -> set[str]:
    module = import_module(f"config.formats.{language}.formats")
    return {name for name in vars(module) if name.endswith("_FORMAT")}


def test_every_language_defines_the_same_named_formats():
    names = {language: _format_names(language) for language in LANGUAGES}
    for language in LANGUAGES:
        assert names[language] == names[settings.LANGUAGE_CODE], language
    assert {n for n, _nb, _en in NAMED} == names[settings.LANGUAGE_CODE]


def _sources(*suffixes: str):
    skip = {".venv", "node_modules", "tests", "migrations", "formats"}
    for suffix in suffixes:
        for path in ROOT.rglob(f"*{suffix}"):
            if not skip & set(path.relative_to(ROOT).parts):
                yield path


TEMPLATE_DATE = re.compile(r"""\|date:(["'])(.*?)\1""")
# Patterns that read the same in every language: a time, a weekday's name, an ISO date in a link.
NEUTRAL = {"H:i", "l", "D", "Y-m-d", "Y"}


def test_templates_use_named_formats_for_dates():
    """A template writes `date:"SHORT_DATE_FORMAT"` (or another name from the formats modules),
    never a pattern of its own such as "j.n." or "l j. F Y", which reads wrong in English."""
    defined = _format_names(settings.LANGUAGE_CODE) | {
        n for n in FORMAT_SETTINGS if n.endswith("_FORMAT")
    }
    wrong = []
    for path in _sources(".html", ".txt"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for _quote, pattern in TEMPLATE_DATE.findall(line):
                if pattern in NEUTRAL or pattern in defined:
                    continue
                wrong.append(f"{path.relative_to(ROOT)}:{number}: date:{pattern!r}")
    assert not wrong, "use a named format (config/formats/<lang>/formats.py):\n" + "\n".join(wrong)


def test_code_uses_named_formats_for_dates():
    """The same in Python: `format_local(value, "NAME")`, no `%d.%m.%Y` or "j.n." of its own."""
    literal = re.compile(r"""%d\.%m|(date_format|format_local)\([^)]*["'][^"']*j\.""")
    named = re.compile(r"""format_local\([^)]*?["']([A-Z_]+)["']""")
    defined = _format_names(settings.LANGUAGE_CODE) | set(FORMAT_SETTINGS)
    wrong = []
    for path in _sources(".py"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if literal.search(line) or any(n not in defined for n in named.findall(line)):
                wrong.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not wrong, "use core.dates.format_local with a named format:\n" + "\n".join(wrong)


# --- what people read: pages, e-mails and SMS ------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_an_offer_by_email_and_sms_has_the_dates_in_the_persons_language(world, language):
    from outbox.models import Message
    from outbox.sms import MAX_SEGMENTS, sms_segments
    from staffing.models import ContactChannel
    from tests.matching.factories import employee, offer_sent, proposal_in_home

    worker = employee(
        world, phone="912 34 567", contact_channel=ContactChannel.BOTH, language=language
    )
    other = "nb" if language == "en" else "en"
    with translation.override(other):  # the coordinator's language is not the person's
        offer, _token = offer_sent(world, proposal=proposal_in_home(world, worker=worker))
    start = timezone.localtime(offer.shift.start)
    sms = Message.objects.get(kind="matching.offer", channel="sms").body
    email = Message.objects.get(kind="matching.offer", channel="email").body

    assert f"{short_weekday(start, language)} {start:%H:%M}-" in sms  # "tir 4.12. 07:00-15:00"
    assert sms_segments(sms).segments <= MAX_SEGMENTS
    assert f"{long_weekday(start, language)} {start:%H:%M}–" in email
    assert long_weekday(start, other) not in email


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_task_offer_by_sms_has_the_date_in_the_volunteers_language(world, language):
    from outbox.models import Message
    from outbox.sms import MAX_SEGMENTS, sms_segments
    from tests.community.factories import general_volunteer, sent_task

    volunteer = general_volunteer(
        world, contact_channel="sms", phone="+4791200001", language=language
    )
    task, _offers = sent_task(world, [volunteer])
    sms = Message.objects.get(kind="community.task_offer").body

    word = {"nb": "fra", "en": "from"}[language]
    assert f"{word} {short_weekday(task.first_on, language)}?" in sms  # "fra tir 1.12.?"
    assert sms_segments(sms).segments <= MAX_SEGMENTS


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_coordinators_pages_have_the_dates_in_the_interface_language(client, world, language):
    from tests.matching.factories import offer_sent

    offer, _token = offer_sent(world)
    start = timezone.localtime(offer.shift.start)
    sent = timezone.localtime(offer.sent_at)
    client.force_login(world.coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    overview = client.get(reverse("needs:list")).content.decode()
    # the next open shift: "tir 4.12.2026 07:00" / "Fri 4 Dec 2026 07:00"
    assert f"{short_weekday(start, language, year=True)} {start:%H:%M}" in overview

    detail = client.get(reverse("needs:detail", args=[offer.shift.need_id])).content.decode()
    # waiting since "1.12. 09:12" / "1 Dec 09:12"
    day = short_weekday(sent, language).split(" ", 1)[1]
    assert f"{day} {sent:%H:%M}" in detail
