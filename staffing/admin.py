from django.contrib import admin

from core.admin import FORMFIELD_OVERRIDES, SafeAutocompleteMixin
from staffing.models import (
    Absence,
    Agency,
    AgreementRate,
    AuditEntry,
    Availability,
    District,
    EmployeeProfile,
    FrameworkAgreement,
    ITSystem,
    Qualification,
    Skill,
    Unit,
    Worker,
    WorkerQualification,
    WorkerSkill,
)


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(ITSystem)
class ITSystemAdmin(admin.ModelAdmin):
    list_display = ["name", "is_clinical"]
    list_filter = ["is_clinical"]
    search_fields = ["name"]


@admin.register(Unit)
class UnitAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    formfield_overrides = FORMFIELD_OVERRIDES
    list_display = ["name", "code", "sector", "district", "parent", "is_critical"]
    list_filter = ["sector", "district", "is_critical"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["it_systems"]
    list_select_related = ["district", "parent"]


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "name_en",
        "code",
        "is_health",
        "requires_authorisation",
        "is_student",
        "rank",
    ]
    list_filter = ["is_health", "requires_authorisation", "is_student"]
    search_fields = ["name", "code"]
    filter_horizontal = ["covers"]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


class AgreementRateInline(admin.TabularInline):
    model = AgreementRate
    extra = 1


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "org_number", "contact_email"]
    search_fields = ["name", "org_number"]


@admin.register(FrameworkAgreement)
class FrameworkAgreementAdmin(admin.ModelAdmin):
    list_display = ["agency", "reference", "valid_from", "valid_to"]
    list_filter = ["agency"]
    search_fields = ["reference", "agency__name"]
    date_hierarchy = "valid_from"
    inlines = [AgreementRateInline]


class EmployeeProfileInline(SafeAutocompleteMixin, admin.StackedInline):
    model = EmployeeProfile
    can_delete = False
    autocomplete_fields = ["home_unit"]


class AvailabilityInline(admin.TabularInline):
    model = Availability
    extra = 0
    readonly_fields = ["release"]


class WorkerQualificationInline(admin.TabularInline):
    model = WorkerQualification
    extra = 0
    fields = ["qualification", "valid_until"]


class WorkerSkillInline(admin.TabularInline):
    model = WorkerSkill
    extra = 0
    fields = ["skill", "valid_until"]


class AbsenceInline(admin.TabularInline):
    model = Absence
    extra = 0
    fields = ["kind", "starts_on", "ends_on", "created_by"]
    readonly_fields = ["created_by"]


@admin.register(Worker)
class WorkerAdmin(admin.ModelAdmin):
    formfield_overrides = FORMFIELD_OVERRIDES
    list_display = ["__str__", "source", "home_district", "agency", "is_active"]
    list_filter = ["source", "is_active", "home_district", "agency", "qualifications"]
    search_fields = ["first_name", "last_name", "email", "employee__employee_number"]
    readonly_fields = ["hpr_verified_by", "created_at", "updated_at"]
    list_select_related = ["home_district", "agency"]
    inlines = [
        EmployeeProfileInline,
        WorkerQualificationInline,
        WorkerSkillInline,
        AvailabilityInline,
        AbsenceInline,
    ]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "object_type", "object_id", "field"]
    list_filter = ["object_type", "field"]
    readonly_fields = ["at", "actor", "object_type", "object_id", "field", "old_value", "new_value"]
    list_select_related = ["actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
