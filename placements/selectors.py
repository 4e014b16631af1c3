"""Reads for onboarding: the HR work queue, a placement's checklist, readiness for others."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Min, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Role, User
from placements.models import ITEM_TYPES_WITH_DATA, ChecklistItem, EmploymentContract, Placement
from staffing.models import AuditEntry
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
        .exclude(item_type__in=ITEM_TYPES_WITH_DATA)
    )


def placement_checklist(placement: Placement) -> list[ChecklistItem]:
    return list(
        placement.checklist_items.select_related(
            "done_by", "police_certificate__checked_by", "it_system"
        ).order_by("order", "pk")
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
