"""Reads for onboarding: the HR work queue, a placement's checklist, readiness for others."""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Min, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Role, User
from placements.models import (
    ITEM_TYPES_NOT_BY_HR,
    ITEM_TYPES_WITH_DATA,
    ChecklistItem,
    EmploymentContract,
    Placement,
)
from staffing.models import AuditEntry, Worker
from staffing.selectors import units_visible_to

DUE_SOON = dt.timedelta(days=3)


def _placements_visible_to(user: User) -> QuerySet[Placement]:
    return Placement.objects.filter(unit__in=units_visible_to(user))


def placement_get_for_hr(user: User, pk: int) -> Placement:
    """A placement whose checklist the user may work on (HR and administrators) or 404."""
    qs = Placement.objects.none() if not user.has_role(Role.HR) else _placements_visible_to(user)
    return get_object_or_404(
        qs.select_related(
            "worker__agency", "worker__employee__home_unit", "unit", "need__qualification"
        ).prefetch_related("worker__qualifications"),
        pk=pk,
    )


def checklist_item_get_for_hr(user: User, pk: int) -> ChecklistItem:
    if not user.has_role(Role.HR):
        qs = ChecklistItem.objects.none()
    else:
        qs = ChecklistItem.objects.filter(placement__in=_placements_visible_to(user))
    return get_object_or_404(qs.select_related("placement__worker", "placement__unit"), pk=pk)


def checklist_queue() -> QuerySet[ChecklistItem]:
    """Items of active placements, soonest due first, with what each row shows."""
    return (
        ChecklistItem.objects.filter(placement__status=Placement.Status.ACTIVE)
        .select_related("placement__worker", "placement__unit", "it_system")
        .order_by("due_on", "placement_id", "order", "pk")
    )


def checklist_items_for_hr(user: User) -> QuerySet[ChecklistItem]:
    """Open items HR may tick off in bulk: not those that need their own data."""
    if not user.has_role(Role.HR):
        return ChecklistItem.objects.none()
    return (
        ChecklistItem.objects.open()
        .filter(placement__in=_placements_visible_to(user))
        .exclude(item_type__in=ITEM_TYPES_WITH_DATA | ITEM_TYPES_NOT_BY_HR)
    )


def _person_search(queryset: QuerySet[Worker], term: str) -> QuerySet[Worker]:
    """Every word of a name, or an e-mail, or a phone number however it is written."""
    term = term.strip()
    if not term:
        return queryset
    names = Q()
    for word in term.split()[:6]:
        names &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    condition = names | Q(email__iexact=term)
    digits = re.sub(r"\D", "", term)
    if len(digits) >= 5 and not re.search(r"[^\d\s+()./-]", term):
        condition |= Q(phone__contains=digits[-8:])
    return queryset.filter(condition)


def onboarding_people(user: User, *, search: str = "") -> QuerySet[Worker]:
    """People with open checklist items in active placements HR may work on, the most urgent
    first, each with how many items are open and when the first is due; their placements come
    prefetched with their own open counts."""
    if not user.has_role(Role.HR):
        return Worker.objects.none()
    placements = _placements_visible_to(user).filter(status=Placement.Status.ACTIVE)
    open_items = Q(placements__in=placements) & Q(
        placements__checklist_items__status__in=[
            ChecklistItem.Status.TODO,
            ChecklistItem.Status.IN_PROGRESS,
        ]
    )
    workers = (
        Worker.objects.filter(open_items)
        .annotate(
            open_items=Count("placements__checklist_items", filter=open_items, distinct=True),
            next_due=Min("placements__checklist_items__due_on", filter=open_items),
        )
        .prefetch_related(
            Prefetch(
                "placements",
                queryset=placements.select_related("unit")
                .annotate(
                    open_items=Count(
                        "checklist_items",
                        filter=Q(
                            checklist_items__status__in=[
                                ChecklistItem.Status.TODO,
                                ChecklistItem.Status.IN_PROGRESS,
                            ]
                        ),
                    ),
                    first_shift=Min("shifts__start", filter=Q(shifts__is_active=True)),
                )
                .order_by("pk"),
                to_attr="active_placements",
            )
        )
        .order_by(F("next_due").asc(nulls_last=True), "last_name", "first_name", "pk")
    )
    return _person_search(workers, search)


def placement_checklist(placement: Placement) -> list[ChecklistItem]:
    return list(
        placement.checklist_items.select_related(
            "done_by", "police_certificate__checked_by", "it_system"
        ).order_by("order", "pk")
    )


def worker_other_active_placements(placement: Placement) -> list[Placement]:
    """The same person's other active placements, so HR can clear them next."""
    return list(
        Placement.objects.filter(worker_id=placement.worker_id, status=Placement.Status.ACTIVE)
        .exclude(pk=placement.pk)
        .select_related("unit")
        .order_by("pk")[:20]
    )


def placement_shift_span(placement: Placement) -> dict:
    return placement.shifts.filter(is_active=True).aggregate(first=Min("start"), count=Count("pk"))


@dataclass(frozen=True)
class Readiness:
    """What coordinators and unit leaders may know: ready or not, and how many items are open.
    Never which certificate or what it says."""

    ready: bool
    open_items: int


def placement_readiness_for(placements: Iterable[Placement]) -> dict[int, Readiness]:
    """Readiness per placement id, in one query."""
    placements = list(placements)
    counts = dict(
        ChecklistItem.objects.filter(placement__in=[p.pk for p in placements])
        .values("placement_id")
        .annotate(
            open=Count(
                "pk",
                filter=Q(required=True)
                & Q(status__in=[ChecklistItem.Status.TODO, ChecklistItem.Status.IN_PROGRESS]),
            )
        )
        .values_list("placement_id", "open")
    )
    return {
        p.pk: Readiness(ready=p.ready_at is not None, open_items=counts.get(p.pk, 0))
        for p in placements
    }


def placements_for_overview(user: User) -> QuerySet[Placement]:
    """Active placements in the units the user may see, with the first shift, for the
    readiness overview of coordinators and unit leaders."""
    return (
        _placements_visible_to(user)
        .filter(status=Placement.Status.ACTIVE)
        .select_related("worker", "unit", "need__qualification")
        .annotate(first_shift=Min("shifts__start", filter=Q(shifts__is_active=True)))
        .order_by("first_shift", "pk")
    )


def placement_audit_trail(placement: Placement, items: list[ChecklistItem], limit: int = 50):
    """The latest changes to a placement, its checklist, its contract and certificates, and the
    worker's personal data, newest first."""
    contract_ids = EmploymentContract.objects.filter(placement=placement).values_list(
        "pk", flat=True
    )
    certificate_ids = {item.police_certificate_id for item in items if item.police_certificate_id}
    condition = (
        Q(object_type="placements.placement", object_id=placement.pk)
        | Q(object_type="placements.checklistitem", object_id__in=[item.pk for item in items])
        | Q(object_type="placements.employmentcontract", object_id__in=list(contract_ids))
        | Q(object_type="placements.policecertificate", object_id__in=certificate_ids)
        | Q(object_type="staffing.worker", object_id=placement.worker_id)
    )
    return list(AuditEntry.objects.filter(condition).select_related("actor")[:limit])


def coordinator_emails() -> list[str]:
    """Who hears about placements that end or open up: every active coordinator."""
    return list(
        User.objects.filter(role=Role.COORDINATOR, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
