"""Reads for help requests and tasks. Staff reads go through the `*_for_user` doors; the
volunteer's only door is the link of their offer."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from community.models import (
    Activity,
    FollowUp,
    HelpRequest,
    JourneyStep,
    Kind,
    Task,
    TaskOffer,
    Visit,
)
from core.tokens import token_hash
from staffing.models import Sector, Unit
from staffing.selectors import units_visible_to
from volunteers.exports import csv_safe
from volunteers.selectors import general_register_base

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")

REQUEST_VIEWS = {
    "new": Q(status=HelpRequest.Status.NEW),
    "accepted": Q(status=HelpRequest.Status.ACCEPTED),
    "referred": Q(status=HelpRequest.Status.REFERRED),
    "closed": Q(status=HelpRequest.Status.CLOSED),
}
TASK_VIEWS = ("open", "taken", "overdue", "recurring", "follow_up", "finished")


def may_see_requests(user: User) -> bool:
    """Residents' requests are for the volunteer coordinator (and administrators) only."""
    return user.has_role(Role.VOLUNTEER_COORDINATOR)


def help_request_list(*, user: User, view: str) -> QuerySet[HelpRequest]:
    if not may_see_requests(user):
        return HelpRequest.objects.none()
    requests = (
        HelpRequest.objects.present()
        .filter(REQUEST_VIEWS.get(view, REQUEST_VIEWS["new"]))
        .select_related("district", "language")
        .annotate(task_count=Count("tasks"))
    )
    if view in ("referred", "closed"):
        return requests.order_by("-closed_at", "-pk")
    return requests.triage_order()


def request_view_counts(*, user: User) -> dict[str, int]:
    if not may_see_requests(user):
        return {}
    counts = HelpRequest.objects.present().aggregate(
        **{view: Count("pk", filter=condition) for view, condition in REQUEST_VIEWS.items()},
        urgent=Count("pk", filter=Q(status=HelpRequest.Status.NEW, urgent=True)),
    )
    return counts


def help_request_get_for_user(user: User, pk: int) -> HelpRequest:
    if not may_see_requests(user):
        raise Http404
    request = (
        HelpRequest.objects.select_related(
            "district", "language", "entered_by", "triaged_by", "closed_by"
        )
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404
    return request


def _overdue() -> Q:
    late = Visit.objects.filter(
        task=OuterRef("pk"), status=Visit.Status.PLANNED, due_on__lt=timezone.localdate()
    )
    return Q(Exists(late))


def task_list(*, user: User, view: str) -> QuerySet[Task]:
    if not may_see_requests(user):
        return Task.objects.none()
    tasks = Task.objects.filter(request__erased_at__isnull=True)
    if view == "taken":
        tasks = tasks.filter(status=Task.Status.TAKEN)
    elif view == "overdue":
        tasks = tasks.filter(status=Task.Status.TAKEN).filter(_overdue())
    elif view == "recurring":
        tasks = tasks.unfinished().exclude(frequency="once")
    elif view == "follow_up":
        tasks = tasks.filter(status__in=[Task.Status.DONE, Task.Status.NOT_POSSIBLE]).exclude(
            Exists(FollowUp.objects.filter(task=OuterRef("pk")))
        )
    elif view == "finished":
        tasks = tasks.exclude(status__in=Task.UNFINISHED)
    else:
        tasks = tasks.filter(status__in=[Task.Status.OPEN, Task.Status.OFFERED])
    tasks = tasks.select_related("request__district", "volunteer").annotate(
        pending_offers=Count("offers", filter=Q(offers__status=TaskOffer.Status.PENDING)),
        planned_visits=Count(
            "visits", filter=Q(visits__status=Visit.Status.PLANNED), distinct=True
        ),
    )
    if view == "finished":
        return tasks.order_by("-finished_at", "-pk")
    return tasks.order_by("-request__urgent", "first_on", "pk")


def task_view_counts(*, user: User) -> dict[str, int]:
    if not may_see_requests(user):
        return {}
    return {view: task_list(user=user, view=view).count() for view in TASK_VIEWS[:5]}


def task_get_for_user(user: User, pk: int) -> Task:
    if not may_see_requests(user):
        raise Http404
    task = (
        Task.objects.select_related("request__district", "request__language", "volunteer")
        .filter(pk=pk, request__erased_at__isnull=True)
        .first()
    )
    if task is None:
        raise Http404
    return task


def task_offer_get_by_token(token: str) -> TaskOffer:
    """The volunteer's door to one task: only the link opens it; an erased volunteer's or an
    erased request's never."""
    if not TOKEN_RE.match(token or ""):
        raise Http404
    offer = (
        TaskOffer.objects.filter(
            token_hash=token_hash(token),
            volunteer__erased_at__isnull=True,
            task__request__erased_at__isnull=True,
        )
        .select_related("task__request__district", "task__request__language", "volunteer")
        .first()
    )
    if offer is None:
        raise Http404
    return offer


# --- reporting (anonymous) --------------------------------------------------------------------


def report_counts(*, since: dt.date, until: dt.date) -> dict:
    """Requests received in the period by kind and outcome, by district, and tasks and visits
    done: counts only, which survive the erasure of residents' data."""
    requests = HelpRequest.objects.filter(created_at__date__gte=since, created_at__date__lte=until)
    by_kind = list(
        requests.values("kind")
        .annotate(
            total=Count("pk"),
            referred=Count("pk", filter=Q(status=HelpRequest.Status.REFERRED)),
            helped=Count("pk", filter=Q(close_reason=HelpRequest.CloseReason.COMPLETED)),
            urgent=Count("pk", filter=Q(urgent=True)),
        )
        .order_by("kind")
    )
    labels = dict(Kind.choices)
    for row in by_kind:
        row["label"] = labels.get(row["kind"], row["kind"])
    by_district = list(
        requests.values("district__name").annotate(total=Count("pk")).order_by("district__name")
    )
    visits = Visit.objects.filter(due_on__gte=since, due_on__lte=until)
    return {
        "by_kind": by_kind,
        "by_district": by_district,
        "total": requests.count(),
        "visits_done": visits.filter(status=Visit.Status.DONE).count(),
        "visits_not_possible": visits.filter(status=Visit.Status.NOT_POSSIBLE).count(),
    }


def requests_for_export(*, user: User, since: dt.date, until: dt.date) -> QuerySet[HelpRequest]:
    if not may_see_requests(user):
        return HelpRequest.objects.none()
    return (
        HelpRequest.objects.filter(created_at__date__gte=since, created_at__date__lte=until)
        .select_related("district")
        .annotate(
            task_count=Count("tasks", distinct=True),
            visits_done=Count(
                "tasks__visits", filter=Q(tasks__visits__status=Visit.Status.DONE), distinct=True
            ),
        )
        .order_by("created_at", "pk")
    )


def requests_csv(requests) -> str:
    """One line per request, with no name, address or phone of anyone: an export may be
    shared for reporting, and residents' contact details never leave the service."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Number"),
            _("Received"),
            _("Received by"),
            _("What help"),
            _("How often"),
            _("Urgent"),
            _("District"),
            _("Status"),
            _("Referred to"),
            _("Reason for closing"),
            _("Closed"),
            _("Tasks"),
            _("Visits done"),
        ]
    )
    for r in requests:
        writer.writerow(
            csv_safe(
                [
                    r.pk,
                    timezone.localtime(r.created_at).date().isoformat(),
                    r.get_channel_display(),
                    r.get_kind_display(),
                    r.get_frequency_display(),
                    _("Yes") if r.urgent else _("No"),
                    r.district.name,
                    r.get_status_display(),
                    r.get_referred_to_display(),
                    r.get_close_reason_display(),
                    timezone.localtime(r.closed_at).date().isoformat() if r.closed_at else "",
                    r.task_count,
                    r.visits_done,
                ]
            )
        )
    return out.getvalue()


# --- contact persons and the journey -----------------------------------------------------------


def care_units_with_contacts(*, user: User) -> QuerySet[Unit]:
    if not may_see_requests(user):
        return Unit.objects.none()
    return (
        Unit.objects.filter(sector=Sector.HEALTH_AND_CARE)
        .select_related("district", "volunteer_contact__user")
        .order_by("name", "pk")
    )


def _activities_scope(user: User) -> QuerySet[Activity]:
    activities = Activity.objects.filter(volunteer__erased_at__isnull=True)
    if user.has_role(Role.VOLUNTEER_COORDINATOR):
        return activities
    if user.is_authenticated and user.role == Role.UNIT_LEADER:
        # a leader follows the volunteers at their own units, and any unit they are contact for
        return activities.filter(
            Q(unit__in=units_visible_to(user)) | Q(unit__volunteer_contact__user=user)
        )
    return Activity.objects.none()


def activity_list(*, user: User) -> QuerySet[Activity]:
    next_step = JourneyStep.objects.filter(
        activity=OuterRef("pk"), done_on__isnull=True, planned_on__isnull=False
    ).order_by("planned_on")
    return (
        _activities_scope(user)
        .select_related("volunteer", "unit__volunteer_contact__user")
        .annotate(
            next_on=Subquery(next_step.values("planned_on")[:1]),
            next_kind=Subquery(next_step.values("kind")[:1]),
        )
        .order_by("ended_on", "-starts_on", "-pk")
    )


def activity_get_for_user(user: User, pk: int) -> Activity:
    activity = (
        _activities_scope(user)
        .select_related("volunteer", "unit__volunteer_contact__user")
        .filter(pk=pk)
        .first()
    )
    if activity is None:
        raise Http404
    return activity


def placeable_volunteers() -> QuerySet:
    return general_register_base().filter(is_paused=False).order_by("first_name", "last_name", "pk")
