"""Reads for the resource register, a person's page and the import pages."""

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import (
    Aggregate,
    BooleanField,
    CharField,
    ExpressionWrapper,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from matching.models import Proposal
from placements.models import ChecklistItem, ItemType, Placement, PlacementShift
from placements.selectors import placement_readiness_for
from resources.filters import WorkerRegisterFilter
from resources.status import (
    STATUS_FLAGS,
    Status,
    status_expression,
    status_flag_annotations,
    status_of,
)
from staffing.models import (
    Absence,
    PeopleImport,
    Qualification,
    Release,
    Skill,
    Worker,
    WorkerQualification,
    WorkerSkill,
    WorkerSource,
)
from staffing.models.workforce import translated_name
from staffing.selectors import units_visible_to

IMPORTERS = (Role.HR, Role.COORDINATOR)
# How the import report names a changed field.
CHANGE_LABELS = {
    "first_name": _("first name"),
    "last_name": _("last name"),
    "email": _("e-mail"),
    "phone": _("mobile phone"),
    "hpr_number": _("HPR number"),
    "home_district_id": _("district"),
    "home_unit_id": _("home unit"),
    "position_percent": _("position size"),
    "wants_more_hours": _("wants more hours"),
    "qualifications": _("qualifications"),
    "skills": _("skills"),
    "missing_since": _("back in the export"),
}


def people_imports_recent(user: User, limit: int = 10) -> QuerySet[PeopleImport]:
    if not user.has_role(*IMPORTERS):
        return PeopleImport.objects.none()
    return (
        PeopleImport.objects.select_related("created_by", "applied_by", "agency")
        .defer("content", "report")
        .order_by("-created_at", "-pk")[:limit]
    )


def people_import_get_for_user(user: User, pk: int) -> PeopleImport:
    if not user.has_role(*IMPORTERS):
        raise Http404
    return get_object_or_404(
        PeopleImport.objects.select_related("created_by", "applied_by", "agency").defer("content"),
        pk=pk,
    )


def people_import_report_rows(people_import: PeopleImport) -> dict[str, list[dict]]:
    """The stored report's rows by kind, with changed fields named for the reader."""
    rows: dict[str, list[dict]] = {"rejected": [], "changed": [], "new": []}
    for row in people_import.report.get("rows", []):
        if row["action"] in rows:
            changes = [str(CHANGE_LABELS.get(name, name)) for name in row.get("changes", [])]
            rows[row["action"]].append({**row, "changes": changes})
    return rows


# --- the register -------------------------------------------------------------------------------

REGISTER_ROLES = (Role.COORDINATOR,)
# HR opens a person's page (from the credential notices and to record absences), not the list.
PERSON_ROLES = (Role.COORDINATOR, Role.HR)


def worker_register_base(user: User) -> QuerySet[Worker]:
    """Every worker of the three sources, with what a register row shows, for coordinators."""
    if not user.has_role(*REGISTER_ROLES):
        return Worker.objects.none()
    return _worker_rows()


def _worker_rows() -> QuerySet[Worker]:
    return (
        Worker.objects.select_related("employee__home_unit", "agency", "home_district")
        .prefetch_related("qualifications", "skills")
        .annotate(status_code=status_expression())
        .order_by("last_name", "first_name", "pk")
    )


def worker_search(queryset: QuerySet[Worker], term: str) -> QuerySet[Worker]:
    """Name (every word), e-mail, employee or agency number, or phone (any way it is
    written: the last eight digits are compared)."""
    term = term.strip()
    if not term:
        return queryset
    names = Q()
    for word in term.split():
        names &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    condition = (
        names
        | Q(email__iexact=term)
        | Q(employee__employee_number__iexact=term)
        | Q(agency_reference__iexact=term)
    )
    if "@" in term and len(term) > 3:
        condition |= Q(email__icontains=term)
    digits = re.sub(r"\D", "", term)
    if len(digits) >= 5 and not re.search(r"[^\d\s+()./-]", term):
        condition |= Q(phone__contains=digits[-8:])
    return queryset.filter(condition)


def worker_register(
    *, user: User, params, search: str = ""
) -> tuple[WorkerRegisterFilter, QuerySet[Worker]]:
    """The register's filter (for its form) and the workers it and the search select; nobody
    if a filter value is invalid."""
    register_filter = WorkerRegisterFilter(params, queryset=worker_register_base(user))
    if not register_filter.is_valid():
        return register_filter, Worker.objects.none()
    return register_filter, worker_search(register_filter.qs, search)


# Rows fetched from the database cursor at a time for the exports.
EXPORT_BLOCK = 2000


class _IdList(Aggregate):
    """The ids of a group as one text, "3,7,12" (PostgreSQL's string_agg, SQLite's
    group_concat), for a per-row subquery that needs no query of its own per block."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s)"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(CAST(%(expressions)s AS text), ',')",
            **extra_context,
        )


def _held_ids(through, field: str) -> Subquery:
    return Subquery(
        through.objects.filter(worker_id=OuterRef("pk"))
        .values("worker_id")
        .annotate(ids=_IdList(field))
        .values("ids")
    )


_EXPORT_FIELDS = (
    "last_name",
    "first_name",
    "source",
    "employee__pk",
    "employee__employee_number",
    "agency_reference",
    "agency__name",
    "employee__home_unit__name",
    "home_district__name",
    "employee__position_percent",
    "employee__wants_more_hours",
    "export_hpr_verified",
    "export_qualifications",
    "export_skills",
    "phone",
    "email",
    *STATUS_FLAGS,
)


def _labels_in_order(queryset) -> dict[str, tuple[int, str]]:
    """{id as text: (place in the model's order, name in the reader's language)}."""
    return {
        str(pk): (place, translated_name(name, name_en))
        for place, (pk, name, name_en) in enumerate(queryset.values_list("pk", "name", "name_en"))
    }


def _names(ids: str | None, labels: dict[str, tuple[int, str]]) -> str:
    if not ids:
        return ""
    # (one added since the names were read is left out rather than failing the export)
    held = sorted(labels[i] for i in ids.split(",") if i in labels)
    return ", ".join(name for _place, name in held)


def worker_register_rows(workers: QuerySet[Worker]) -> Iterator[list[str]]:
    """Header and one row per worker for the CSV and XLSX exports: one query of plain value
    rows (qualifications and skills as lists of ids, the status as its facts), however many
    people, plus one for the qualifications' and one for the skills' names; every label is
    translated once, in the language active when the rows are read."""
    statuses = {code: str(label) for code, label in Status.CHOICES}
    sources = {code: str(label) for code, label in WorkerSource.choices}
    yes, no = str(_("Yes")), str(_("No"))
    yield [
        str(label)
        for label in (
            _("Last name"),
            _("First name"),
            _("Source"),
            _("Employee number or agency reference"),
            _("Agency"),
            _("Home unit"),
            _("District"),
            _("Position size (%)"),
            _("Wants more hours"),
            _("Qualifications"),
            _("Skills"),
            _("HPR verified"),
            _("Status"),
            _("Mobile phone"),
            _("E-mail"),
        )
    ]
    qualification_labels = _labels_in_order(Qualification.objects.all())
    skill_labels = _labels_in_order(Skill.objects.all())
    rows = (
        workers.prefetch_related(None)
        .annotate(
            export_hpr_verified=ExpressionWrapper(
                ~Q(hpr_number="") & Q(hpr_verified_at__isnull=False),
                output_field=BooleanField(),
            ),
            export_qualifications=_held_ids(WorkerQualification, "qualification_id"),
            export_skills=_held_ids(WorkerSkill, "skill_id"),
            **status_flag_annotations(),
        )
        .values_list(*_EXPORT_FIELDS)
    )
    for (
        last_name,
        first_name,
        source,
        employee,
        employee_number,
        agency_reference,
        agency,
        home_unit,
        district,
        position_percent,
        wants_more_hours,
        hpr_verified,
        qualifications,
        skills,
        phone,
        email,
        *flags,
    ) in rows.iterator(chunk_size=EXPORT_BLOCK):
        is_employee = employee is not None
        yield [
            last_name,
            first_name,
            sources.get(source, source),
            employee_number if is_employee else agency_reference,
            agency or "",
            (home_unit or "") if is_employee else "",
            district or "",
            str(position_percent) if is_employee else "",
            (yes if wants_more_hours else no) if is_employee else "",
            _names(qualifications, qualification_labels),
            _names(skills, skill_labels),
            yes if hpr_verified else no,
            statuses[status_of(*flags)],
            phone,
            email,
        ]


# --- a person's page ----------------------------------------------------------------------------


def worker_get_for_user(user: User, pk: int) -> Worker:
    """A worker the user may open (coordinators, HR and administrators), or 404."""
    if not user.has_role(*PERSON_ROLES):
        raise Http404
    return get_object_or_404(_worker_rows().select_related("volunteer", "hpr_verified_by"), pk=pk)


def worker_credentials(worker: Worker) -> list[dict]:
    """Qualifications, skills and the authorisation, each with its valid-until, for the
    person's page (and the form that changes the date)."""
    today = timezone.localdate()
    rows = []
    for held in (
        WorkerQualification.objects.filter(worker=worker)
        .select_related("qualification")
        .order_by("-qualification__rank", "qualification__name")
    ):
        rows.append(("qualification", held.pk, held.qualification.label, held.valid_until))
    for held in (
        WorkerSkill.objects.filter(worker=worker).select_related("skill").order_by("skill__name")
    ):
        rows.append(("skill", held.pk, held.skill.label, held.valid_until))
    if worker.hpr_number:
        rows.append(("hpr", None, _("Health authorisation (HPR)"), worker.hpr_valid_until))
    return [
        {
            "key": f"{kind}:{pk}" if pk else kind,
            "kind": kind,
            "name": name,
            "valid_until": until,
            "expired": until is not None and until < today,
            "expiring": until is not None and today <= until <= today + dt.timedelta(days=30),
        }
        for kind, pk, name, until in rows
    ]


@dataclass(frozen=True)
class Stretch:
    """A part of one day: when it starts and ends there, and what it is."""

    start: dt.time
    end: dt.time
    label: str
    kind: str  # "available" or "shift"
    detail: str = ""


def worker_week(worker: Worker, monday: dt.date) -> list[dict]:
    """Seven days from `monday` (Europe/Oslo): the availability windows and the placement
    shifts of each day, clipped to the day."""
    tz = timezone.get_current_timezone()
    week_start = dt.datetime.combine(monday, dt.time.min, tzinfo=tz)
    week_end = week_start + dt.timedelta(days=7)
    windows = list(
        worker.availability.filter(start__lt=week_end, end__gt=week_start).order_by("start")
    )
    shifts = list(
        PlacementShift.objects.filter(
            worker=worker, is_active=True, start__lt=week_end, end__gt=week_start
        )
        .select_related("placement__unit")
        .order_by("start")
    )
    days = []
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        day_start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
        day_end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        stretches = []
        for kind, items in (("available", windows), ("shift", shifts)):
            for item in items:
                if item.start >= day_end or item.end <= day_start:
                    continue
                start = max(item.start, day_start).astimezone(tz).time()
                end = min(item.end, day_end)
                end_time = dt.time(23, 59) if end == day_end else end.astimezone(tz).time()
                if kind == "available":
                    stretches.append(Stretch(start, end_time, str(_("Available")), kind, item.note))
                else:
                    state = _("ready") if item.placement.ready_at else _("in onboarding")
                    stretches.append(
                        Stretch(start, end_time, item.placement.unit.name, kind, str(state))
                    )
        stretches.sort(key=lambda stretch: (stretch.start, stretch.kind))
        days.append({"date": day, "stretches": stretches})
    return days


def worker_placements(worker: Worker) -> list[dict]:
    """The worker's placements, newest first, with readiness and their shifts' span."""
    placements = list(
        Placement.objects.filter(worker=worker)
        .select_related("unit", "need__qualification")
        .annotate(
            first_shift=Min("shifts__start", filter=Q(shifts__is_active=True)),
            last_shift=Max("shifts__end", filter=Q(shifts__is_active=True)),
        )
        .order_by("-approved_at")
    )
    readiness = placement_readiness_for(placements)
    return [{"placement": p, "readiness": readiness[p.pk]} for p in placements]


def worker_open_proposals(worker: Worker) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(
            worker=worker, status=Proposal.Status.PROPOSED, shift__end__gt=timezone.now()
        )
        .select_related("shift__need__unit", "shift__need__qualification")
        .order_by("shift__start")
    )


# --- the home unit's leader: their staff, releases, where they are redeployed ---------------------

LEADER_ROLES = (Role.UNIT_LEADER,)


def staff_for_leader(user: User) -> QuerySet[Worker]:
    """Employees whose home unit the leader leads (or a sub-unit of it); nobody else's."""
    if not user.has_role(*LEADER_ROLES):
        return Worker.objects.none()
    return (
        Worker.objects.filter(employee__home_unit__in=units_visible_to(user))
        .select_related("employee__home_unit")
        .prefetch_related(
            "qualifications",
            Prefetch(
                "releases",
                queryset=Release.objects.filter(ends_on__gte=timezone.localdate())
                .filter(Q(back_on__isnull=True) | Q(back_on__gt=timezone.localdate()))
                .order_by("starts_on", "pk"),
                to_attr="current_releases",
            ),
            Prefetch(
                "placements",
                queryset=Placement.objects.filter(status=Placement.Status.ACTIVE)
                .select_related("unit")
                .order_by("-approved_at"),
                to_attr="active_placements",
            ),
        )
        .order_by("last_name", "first_name", "pk")
    )


def staff_get_for_leader(user: User, pk: int) -> Worker:
    return get_object_or_404(staff_for_leader(user).select_related("home_district"), pk=pk)


def staff_releases(worker: Worker) -> QuerySet[Release]:
    return worker.releases.select_related("created_by", "recalled_by").order_by("-starts_on", "-pk")


def staff_redeployments(worker: Worker) -> list[dict]:
    """Where the person works elsewhere (active placements), with their span, readiness and
    the home leader's confirmation item (if the checklist has one)."""
    placements = list(
        Placement.objects.filter(worker=worker, status=Placement.Status.ACTIVE)
        .select_related("unit", "need__qualification")
        .annotate(
            first_shift=Min("shifts__start", filter=Q(shifts__is_active=True)),
            last_shift=Max("shifts__end", filter=Q(shifts__is_active=True)),
        )
        .order_by("-approved_at")
    )
    confirmations = {
        item.placement_id: item
        for item in ChecklistItem.objects.filter(
            placement__in=placements, item_type=ItemType.HOME_LEADER_CONFIRMATION
        ).select_related("done_by")
    }
    readiness = placement_readiness_for(placements)
    return [
        {
            "placement": p,
            "readiness": readiness[p.pk],
            "confirmation": confirmations.get(p.pk),
        }
        for p in placements
    ]


def release_get_for_leader(user: User, pk: int) -> Release:
    return get_object_or_404(
        Release.objects.filter(worker__in=staff_for_leader(user).values("pk")).select_related(
            "worker", "home_unit"
        ),
        pk=pk,
    )


def confirmation_get_for_leader(user: User, pk: int) -> ChecklistItem:
    """A home-leader confirmation item of a placement of the leader's own staff, or 404."""
    return get_object_or_404(
        ChecklistItem.objects.filter(
            item_type=ItemType.HOME_LEADER_CONFIRMATION,
            placement__worker__in=staff_for_leader(user).values("pk"),
        ),
        pk=pk,
    )


def absence_worker_get_for_user(user: User, pk: int) -> Worker:
    """Whose absences the user may register: HR and coordinators anyone's, a leader their
    own staff's."""
    if user.has_role(Role.HR, Role.COORDINATOR):
        return get_object_or_404(Worker.objects.select_related("employee"), pk=pk)
    return get_object_or_404(staff_for_leader(user).select_related("employee"), pk=pk)


def absence_get_for_user(user: User, pk: int) -> Absence:
    absence = get_object_or_404(Absence.objects.select_related("worker"), pk=pk)
    absence_worker_get_for_user(user, absence.worker_id)
    return absence
