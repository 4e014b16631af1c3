"""What placements registers with the apps below it (from PlacementsConfig.ready())."""

from django.db.models import Prefetch, QuerySet

from needs import hooks as needs_hooks
from placements.models import Placement, PlacementShift
from placements.services import placement_worker_erase, placements_end_for_shifts
from staffing import erasure


def _approved_rows() -> QuerySet[PlacementShift]:
    return PlacementShift.objects.filter(is_active=True)


def _ready_rows() -> QuerySet[PlacementShift]:
    return _approved_rows().filter(placement__ready_at__isnull=False)


def _active_placements_prefetch() -> Prefetch:
    rows = _approved_rows().select_related("placement", "worker")
    return Prefetch("placement_shifts", queryset=rows, to_attr="active_placements")


def _workers_on_active_placements() -> QuerySet:
    return Placement.objects.filter(status=Placement.Status.ACTIVE).values("worker_id")


def register() -> None:
    needs_hooks.on_shifts_cancelled(placements_end_for_shifts)
    needs_hooks.register_counter("approved", _approved_rows)
    needs_hooks.register_counter("ready", _ready_rows)
    needs_hooks.register_shift_prefetch(_active_placements_prefetch)
    erasure.register(placement_worker_erase)
    erasure.register_in_use(_workers_on_active_placements)
