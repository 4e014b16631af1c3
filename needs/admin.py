from django.contrib import admin

from core.admin import FORMFIELD_OVERRIDES
from needs.models import Need, Shift


class ShiftInline(admin.TabularInline):
    model = Shift
    extra = 0


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    formfield_overrides = FORMFIELD_OVERRIDES
    list_display = ["__str__", "unit", "qualification", "priority", "state", "created_at"]
    list_filter = ["state", "priority", "unit__district", "unit__sector", "qualification"]
    search_fields = ["title", "description", "unit__name"]
    list_select_related = ["unit", "qualification"]
    filter_horizontal = ["required_skills", "preferred_skills"]
    inlines = [ShiftInline]
