from django.contrib import admin

from placements.models import ChecklistTemplate, Placement, PlacementShift


class PlacementShiftInline(admin.TabularInline):
    model = PlacementShift
    extra = 0
    readonly_fields = ["shift", "worker", "start", "end", "is_active"]
    can_delete = False


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ["worker", "unit", "status", "approved_by", "approved_at", "ready_at"]
    list_filter = ["status", "unit__district", "worker__source"]
    search_fields = ["worker__first_name", "worker__last_name", "unit__name"]
    readonly_fields = ["worker", "unit", "need", "approved_by", "approved_at", "ready_at"]
    list_select_related = ["worker", "unit", "approved_by"]
    inlines = [PlacementShiftInline]


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = [
        "source",
        "item_type",
        "title",
        "required",
        "applies_when",
        "order",
        "is_active",
    ]
    list_filter = ["source", "item_type", "required", "is_active"]
    list_editable = ["required", "order", "is_active"]
    ordering = ["source", "order"]
