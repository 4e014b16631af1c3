"""Placements moved from `staffing` into their own app without copying a row: the tables, the
data, the content types (permissions, admin history), the audit trail and, on PostgreSQL, the
exclusion constraint against overlapping shifts all survive, there and back."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from placements.models import ChecklistItem, Placement, PlacementShift
from staffing.models import AuditEntry
from tests.matching.factories import employee, need_with_shifts

BEFORE = [
    ("staffing", "0004_checklist_templates"),
    ("matching", "0003_explanations_per_language"),
    ("placements", None),
]
AFTER = [
    ("staffing", "0005_placements_moved_to_their_app"),
    ("matching", "0004_proposal_placement_in_placements_app"),
    ("placements", "0001_initial"),
]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in target if t[1] is not None]).apps


def _has_overlap_constraint() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_constraint WHERE conname = 'placement_shift_no_overlap'"
            " AND conrelid = 'staffing_placementshift'::regclass"
        )
        return cursor.fetchone() is not None


@pytest.mark.django_db(transaction=True)
def test_placements_and_their_checklist_survive_the_move_to_their_own_app(world):
    need = need_with_shifts(world)
    shift = need.shifts.get()
    worker = employee(world)
    ContentType.objects.get_for_model(Placement)  # as an existing database has it
    try:
        old = _migrate(BEFORE)
        # Written through the old app's models, as the data of a running site was.
        placement = old.get_model("staffing", "Placement").objects.create(
            worker_id=worker.pk,
            unit_id=need.unit_id,
            need_id=need.pk,
            approved_by_id=world.coordinator.pk,
            approved_at=timezone.now(),
        )
        old.get_model("staffing", "PlacementShift").objects.create(
            placement_id=placement.pk,
            shift_id=shift.pk,
            worker_id=worker.pk,
            start=shift.start,
            end=shift.end,
        )
        item = old.get_model("staffing", "ChecklistItem").objects.create(
            placement_id=placement.pk, key="introduction", item_type="introduction", title="Intro"
        )
        old.get_model("staffing", "AuditEntry").objects.create(
            object_type="staffing.checklistitem",
            object_id=item.pk,
            field="status",
            old_value="todo",
            new_value="done",
        )
        old_type = ContentType.objects.get(app_label="staffing", model="placement")
    finally:
        _migrate(AFTER)
        # Later migrations (e.g. staffing's import fields) add columns today's models read.
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    moved = Placement.objects.get(pk=placement.pk)
    assert (moved.worker_id, moved.need_id) == (worker.pk, need.pk)
    assert PlacementShift.objects.get(placement=moved).shift_id == shift.pk
    assert ChecklistItem.objects.get(placement=moved).title == "Intro"
    assert AuditEntry.objects.get(object_id=item.pk).object_type == "placements.checklistitem"
    # the same content type row, so permissions and admin history stay attached
    assert ContentType.objects.get_for_model(Placement).pk == old_type.pk
    if connection.vendor == "postgresql":
        assert _has_overlap_constraint()
        with pytest.raises(IntegrityError), transaction.atomic():
            PlacementShift.objects.create(
                placement=moved, shift=shift, worker=worker, start=shift.start, end=shift.end
            )
