import datetime as dt
from zoneinfo import ZoneInfo

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.forms import ModelMultipleChoiceField
from resources.status import Status, status_conditions
from staffing.capacity import EXPIRY_NOTICE_DAYS, local_today
from staffing.models import (
    Availability,
    District,
    Qualification,
    Skill,
    Worker,
    WorkerQualification,
    WorkerSkill,
    WorkerSource,
)

OSLO = ZoneInfo("Europe/Oslo")
YES_NO = [("true", _("Yes")), ("false", _("No"))]


class _SafeMultipleChoiceField(
    ModelMultipleChoiceField, django_filters.fields.ModelMultipleChoiceField
):
    """django-filter's field, refusing ids beyond 64 bits like core.forms does."""


class SafeModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = _SafeMultipleChoiceField


def validate_plausible_date(value: dt.date) -> None:
    # Year 1 or 9999 cannot be turned into a time in Oslo and back.
    if not 2000 <= value.year <= 2100:
        raise ValidationError(_("Enter a date between 2000 and 2100."), code="date_range")


def fillers_of(qualification: Qualification) -> set[int]:
    """Qualifications that can fill a need for `qualification`: itself and every one that
    covers it, directly or through others (a nurse covers a health worker who covers an
    auxiliary nurse)."""
    covered_by: dict[int, set[int]] = {}
    for coverer, covered in Qualification.covers.through.objects.values_list(
        "from_qualification_id", "to_qualification_id"
    ):
        covered_by.setdefault(covered, set()).add(coverer)
    found, frontier = {qualification.pk}, [qualification.pk]
    while frontier:
        for coverer in covered_by.get(frontier.pop(), ()):
            if coverer not in found:
                found.add(coverer)
                frontier.append(coverer)
    return found


class WorkerRegisterFilter(django_filters.FilterSet):
    source = django_filters.ChoiceFilter(label=_("Source"), choices=WorkerSource.choices)
    qualification = django_filters.ModelChoiceFilter(
        label=_("Can fill"),
        queryset=Qualification.objects.order_by("-rank", "name"),
        method="filter_qualification",
        help_text=_("Also those whose qualification covers it."),
    )
    skills = SafeModelMultipleChoiceFilter(
        label=_("Skills"),
        queryset=Skill.objects.order_by("kind", "name"),
        method="filter_skills",
        widget=forms.SelectMultiple(attrs={"size": 3}),
    )
    district = django_filters.ModelChoiceFilter(
        label=_("District"), field_name="home_district", queryset=District.objects.all()
    )
    available_from = django_filters.DateFilter(
        label=_("Available from"),
        method="filter_noop",
        widget=forms.DateInput({"type": "date"}),
        validators=[validate_plausible_date],
    )
    available_to = django_filters.DateFilter(
        label=_("Available to"),
        method="filter_noop",
        widget=forms.DateInput({"type": "date"}),
        validators=[validate_plausible_date],
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.CHOICES, method="filter_status"
    )
    wants_more_hours = django_filters.TypedChoiceFilter(
        label=_("Wants more hours"),
        choices=YES_NO,
        coerce=lambda value: value == "true",
        field_name="employee__wants_more_hours",
    )
    hpr_verified = django_filters.TypedChoiceFilter(
        label=_("HPR verified"),
        choices=YES_NO,
        coerce=lambda value: value == "true",
        method="filter_hpr_verified",
    )
    credentials = django_filters.ChoiceFilter(
        label=_("Credentials"),
        choices=[
            ("expiring", _("Expiring within 30 days")),
            ("expired", _("Expired")),
        ],
        method="filter_credentials",
        help_text=_("Qualifications, skill certificates or the health authorisation."),
    )
    flagged = django_filters.TypedChoiceFilter(
        label=_("Missing from the last import"),
        choices=YES_NO,
        coerce=lambda value: value == "true",
        field_name="missing_since",
        method="filter_flagged",
    )

    class Meta:
        model = Worker
        fields: list[str] = []

    def filter_noop(self, queryset, name, value):
        return queryset  # both ends are applied together in filter_queryset

    def filter_qualification(self, queryset, name, value):
        through = Worker.qualifications.through
        return queryset.filter(
            Exists(
                through.objects.filter(
                    worker_id=OuterRef("pk"), qualification_id__in=fillers_of(value)
                )
            )
        )

    def filter_skills(self, queryset, name, value):
        through = Worker.skills.through
        for skill in value:
            queryset = queryset.filter(
                Exists(through.objects.filter(worker_id=OuterRef("pk"), skill_id=skill.pk))
            )
        return queryset

    def filter_status(self, queryset, name, value):
        return queryset.filter(status_conditions()[value])

    def filter_hpr_verified(self, queryset, name, value):
        verified = ~Q(hpr_number="") & Q(hpr_verified_at__isnull=False)
        return queryset.filter(verified) if value else queryset.exclude(verified)

    def filter_credentials(self, queryset, name, value):
        today = local_today()
        if value == "expiring":
            dates = {"gte": today, "lte": today + dt.timedelta(days=EXPIRY_NOTICE_DAYS)}
        else:
            dates = {"lt": today}
        held = {f"valid_until__{op}": day for op, day in dates.items()}
        hpr = {f"hpr_valid_until__{op}": day for op, day in dates.items()}
        return queryset.filter(
            Q(**hpr)
            | Exists(WorkerQualification.objects.filter(worker_id=OuterRef("pk"), **held))
            | Exists(WorkerSkill.objects.filter(worker_id=OuterRef("pk"), **held))
        )

    def filter_flagged(self, queryset, name, value):
        return queryset.filter(missing_since__isnull=not value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        start, end = (
            self.form.cleaned_data.get("available_from"),
            self.form.cleaned_data.get("available_to"),
        )
        if start or end:
            start = start or end
            end = end or start
            if end < start:
                start, end = end, start
            window_start = dt.datetime.combine(start, dt.time.min, tzinfo=OSLO)
            window_end = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=OSLO)
            queryset = queryset.filter(
                Exists(
                    Availability.objects.filter(
                        worker_id=OuterRef("pk"), start__lt=window_end, end__gt=window_start
                    )
                )
            )
        return queryset
