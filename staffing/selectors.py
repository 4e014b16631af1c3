"""Reads of the organisation and workforce: which units a user may see, HPR numbers to check."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Role, User
from staffing.models import Unit, Worker


def units_visible_to(user) -> QuerySet[Unit]:
    """Units whose needs and people this user may see. A unit leader sees only the units they
    lead and their sub-units; never another unit's needs or people."""
    if not user.is_authenticated or not user.is_active:
        return Unit.objects.none()
    if user.has_role(Role.COORDINATOR, Role.HR, Role.VOLUNTEER_COORDINATOR):
        return Unit.objects.all()
    if user.role == Role.UNIT_LEADER:
        return Unit.objects.filter(pk__in=Unit.objects.subtree_ids(user.led_units.all()))
    return Unit.objects.none()


def workers_awaiting_hpr_verification() -> QuerySet[Worker]:
    """Active workers with an authorised qualification whose HPR number nobody has checked."""
    return (
        Worker.objects.active()
        .exclude(hpr_number="")
        .filter(hpr_verified_at__isnull=True, qualifications__requires_authorisation=True)
        .distinct()
        .select_related("home_district", "agency")
        .prefetch_related("qualifications")
        .order_by("created_at", "pk")
    )


def worker_get_for_hpr_verification(user: User, pk: int) -> Worker:
    if not user.has_role(Role.HR):
        raise Http404
    return get_object_or_404(workers_awaiting_hpr_verification(), pk=pk)
