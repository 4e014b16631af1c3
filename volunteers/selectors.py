"""Reads for volunteers. Every staff read goes through these, scoped to the user's role."""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from accounts.models import Role
from volunteers.exports import csv_safe
from volunteers.filters import VolunteerFilter
from volunteers.models import (
    CourseSession,
    GeneralTask,
    Route,
    Status,
    TimeOfDay,
    Volunteer,
    Weekday,
)
from volunteers.tokens import link_token, link_token_volunteer_pk, token_hash

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


def _may_see_volunteers(user) -> bool:
    return user.has_role(Role.VOLUNTEER_COORDINATOR)


def volunteer_list(*, user, params=None, base: QuerySet | None = None) -> VolunteerFilter:
    """The filtered queue; `base` narrows it further (the general-volunteer register)."""
    if not _may_see_volunteers(user):
        base = Volunteer.objects.none()
    queryset = (
        (base if base is not None else Volunteer.objects.present())
        .select_related("district")
        .prefetch_related("qualifications")
    )
    return VolunteerFilter(params or None, queryset=queryset)


def volunteer_get_for_user(user, pk: int) -> Volunteer:
    if not _may_see_volunteers(user):
        raise Http404
    try:
        return (
            Volunteer.objects.select_related("district", "worker")
            .prefetch_related("qualifications", "languages")
            .get(pk=pk)
        )
    except Volunteer.DoesNotExist as exc:
        raise Http404 from exc


def volunteer_get_by_token(token: str) -> Volunteer:
    """The volunteer's own door: only the personal link opens it; erased rows never."""
    if not TOKEN_RE.match(token or ""):
        raise Http404
    volunteers = (
        Volunteer.objects.present()
        .exclude(token_hash="")
        .select_related("district")
        .prefetch_related("qualifications", "languages")
    )
    volunteer = volunteers.filter(token_hash=token_hash(token)).first()
    if volunteer is None and (pk := link_token_volunteer_pk(token)) is not None:
        # A link sent again to someone who registered twice (services.link_token).
        volunteer = volunteers.filter(pk=pk).first()
        if volunteer is not None and not constant_time_compare(link_token(volunteer), token):
            volunteer = None
    if volunteer is None:
        raise Http404
    return volunteer


def general_register_base() -> QuerySet:
    return Volunteer.objects.present().filter(status=Status.GENERAL_VOLUNTEER)


def referral_list(*, user) -> QuerySet:
    if not _may_see_volunteers(user):
        return Volunteer.objects.none()
    return (
        Volunteer.objects.present()
        .filter(status=Status.EMERGENCY_CLINIC)
        .select_related("district")
        .prefetch_related("qualifications")
        .order_by("referral_sent_at", "registered_at")
    )


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def _joined(raw: str, labels: dict[str, str]) -> str:
    return ", ".join(labels[v] for v in raw.split(",") if v in labels)


CSV_CHUNK = 1000


def volunteers_csv_lines(volunteers: QuerySet) -> Iterator[str]:
    """The export, line by line, for a streamed response: the rows are read in chunks (their
    qualifications prefetched per chunk) and every label is translated once per export, not
    once per row (3,000 rows took most of a second that way)."""
    out = io.StringIO()
    writer = csv.writer(out)

    def line(row) -> str:
        out.seek(0)
        out.truncate()
        writer.writerow(row)
        return out.getvalue()

    # the words are chosen now, in the reader's language, before the response streams
    header = line(
        [
            _("Registered"),
            _("Status"),
            _("Suggested route"),
            _("First name"),
            _("Last name"),
            _("E-mail"),
            _("Phone"),
            _("District"),
            _("Postcode"),
            _("Qualifications"),
            _("Year of study"),
            _("HPR number"),
            _("Available from"),
            _("Available until"),
            _("Days"),
            _("Times of day"),
            _("Hours per week"),
            _("Willing to take a contract"),
            _("General volunteer tasks"),
            _("Follow-up date"),
        ]
    )
    status = _labels(Status.choices)
    route = _labels(Route.choices)
    weekdays = _labels(Weekday.choices)
    times = _labels(TimeOfDay.choices)
    tasks = _labels(GeneralTask.choices)
    yes, no = _("Yes"), _("No")

    fields = [
        "pk",
        "registered_at",
        "status",
        "suggested_route",
        "first_name",
        "last_name",
        "email",
        "phone",
        "district__name",
        "postcode",
        "study_year",
        "hpr_number",
        "available_from",
        "available_to",
        "weekdays",
        "times_of_day",
        "hours_per_week",
        "wants_contract",
        "general_tasks",
        "follow_up_on",
    ]
    rows_qs = volunteers.prefetch_related(None).select_related(None).values(*fields)

    def rows() -> Iterator[str]:
        # plain values, read in chunks (a server-side cursor on PostgreSQL): no model
        # instances, so thousands of rows cost milliseconds and memory stays flat
        yield header
        quals: dict[int, list[str]] = {}
        for vid, name in (
            Volunteer.qualifications.through.objects.filter(
                volunteer__in=volunteers.order_by().values("pk")
            )
            .order_by("qualification__name")
            .values_list("volunteer_id", "qualification__name")
        ):
            quals.setdefault(vid, []).append(name)
        for v in rows_qs.iterator(chunk_size=CSV_CHUNK):
            yield row_line(v, quals.get(v["pk"], ()))

    def row_line(v: dict, qualifications) -> str:
        return line(
            csv_safe(
                [
                    timezone.localtime(v["registered_at"]).date().isoformat(),
                    status.get(v["status"], v["status"]),
                    route.get(v["suggested_route"], v["suggested_route"]),
                    v["first_name"],
                    v["last_name"],
                    v["email"],
                    v["phone"],
                    v["district__name"] or "",
                    v["postcode"],
                    ", ".join(qualifications),
                    v["study_year"] or "",
                    v["hpr_number"],
                    v["available_from"] or "",
                    v["available_to"] or "",
                    _joined(v["weekdays"], weekdays),
                    _joined(v["times_of_day"], times),
                    v["hours_per_week"] or "",
                    yes if v["wants_contract"] else no,
                    _joined(v["general_tasks"], tasks),
                    v["follow_up_on"] or "",
                ]
            )
        )

    return rows()


def volunteers_csv(volunteers: QuerySet) -> str:
    return "".join(volunteers_csv_lines(volunteers))


# Which general-volunteer task (volunteers.models.GeneralTask) a kind of resident's help is.
HELP_KIND_TASKS = {
    "shopping": "shopping",
    "pharmacy": "shopping",
    "phone_friend": "phone",
    "transport": "driving",
    "walk": "other",
    "other": "other",
}


def general_volunteers_suitable(
    *,
    district_id: int | None,
    language_id: int | None,
    on_date: dt.date,
    help_kind: str,
    limit: int = 50,
) -> list[Volunteer]:
    """General volunteers who can take a resident's task: in the register, not paused, with an
    address or a mobile number to send the link to, in the district, speaking the language, available on the date
    (from-until and weekdays). Those who chose this kind of task come first."""
    volunteers = (
        general_register_base()
        .filter(is_paused=False)
        .exclude(email="", phone="")
        .filter(Q(available_from__isnull=True) | Q(available_from__lte=on_date))
        .filter(Q(available_to__isnull=True) | Q(available_to__gte=on_date))
        .filter(Q(weekdays="") | Q(weekdays__contains=str(on_date.isoweekday())))
    )
    if district_id:
        volunteers = volunteers.filter(district_id=district_id)
    if language_id:
        volunteers = volunteers.filter(languages=language_id)
    task = HELP_KIND_TASKS.get(help_kind, "other")
    volunteers = volunteers.annotate(
        wants_this=Case(
            When(general_tasks__contains=task, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).select_related("district")
    return list(volunteers.order_by("wants_this", "registered_at", "pk")[:limit])


def course_sessions_upcoming() -> QuerySet:
    return (
        CourseSession.objects.upcoming()
        .annotate(taken=Count("signups"))
        .annotate(free=F("capacity") - F("taken"))
        .order_by("starts_at")
    )


def course_sessions_for_coordinator(*, user) -> QuerySet:
    if not _may_see_volunteers(user):
        return CourseSession.objects.none()
    return CourseSession.objects.annotate(
        taken=Count("signups"), came=Count("signups", filter=Q(signups__attended=True))
    ).order_by("-starts_at")


def course_session_get_for_user(user, pk: int):
    if not _may_see_volunteers(user):
        raise Http404
    session = CourseSession.objects.filter(pk=pk).first()
    if session is None:
        raise Http404
    return session
