"""Reads for volunteers. Every staff read goes through these, scoped to the user's role."""

import csv
import io
import re
from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import Http404
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from accounts.models import Role
from volunteers.exports import csv_safe
from volunteers.filters import VolunteerFilter
from volunteers.models import Status, Volunteer
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


def volunteers_csv(volunteers: Iterable[Volunteer]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
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
    for v in volunteers:
        writer.writerow(
            csv_safe(
                [
                    v.registered_at.date().isoformat(),
                    v.get_status_display(),
                    v.get_suggested_route_display(),
                    v.first_name,
                    v.last_name,
                    v.email,
                    v.phone,
                    v.district.name if v.district else "",
                    v.postcode,
                    ", ".join(q.name for q in v.qualifications.all()),
                    v.study_year or "",
                    v.hpr_number,
                    v.available_from or "",
                    v.available_to or "",
                    v.get_weekdays_display(),
                    v.get_times_of_day_display(),
                    v.hours_per_week or "",
                    _("Yes") if v.wants_contract else _("No"),
                    v.get_general_tasks_display(),
                    v.follow_up_on or "",
                ]
            )
        )
    return out.getvalue()
