import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from staffing.models import District, Qualification
from volunteers.models import GeneralTask, Route, Status, Volunteer

YES_NO = [("true", _("Yes")), ("false", _("No"))]


class VolunteerFilter(django_filters.FilterSet):
    # No free-text search on names: the query string would put personal data in URLs and logs.
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    suggested_route = django_filters.ChoiceFilter(label=_("Suggested route"), choices=Route.choices)
    qualification = django_filters.ModelChoiceFilter(
        label=_("Qualification"),
        field_name="qualifications",
        queryset=Qualification.objects.all(),
    )
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=District.objects.all()
    )
    available_on = django_filters.DateFilter(
        label=_("Available on"),
        method="filter_available_on",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    wants_contract = django_filters.ChoiceFilter(
        label=_("Willing to take a contract"), choices=YES_NO, method="filter_wants_contract"
    )
    general_task = django_filters.ChoiceFilter(
        label=_("General task"), choices=GeneralTask.choices, method="filter_general_task"
    )
    registered_from = django_filters.DateFilter(
        label=_("Registered from"),
        field_name="registered_at",
        method="filter_registered_from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    registered_to = django_filters.DateFilter(
        label=_("Registered until"),
        field_name="registered_at",
        method="filter_registered_to",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("registered_at", "registered"),
            ("last_name", "name"),
            ("status", "status"),
            ("follow_up_on", "follow_up"),
            ("available_from", "available_from"),
        ),
        field_labels={
            "registered": _("Registered"),
            "name": _("Name"),
            "status": _("Status"),
            "follow_up": _("Follow-up date"),
            "available_from": _("Available from"),
        },
    )

    class Meta:
        model = Volunteer
        fields: list[str] = []

    def filter_available_on(self, queryset, name, value):
        return queryset.filter(
            Q(available_from__lte=value),
            Q(available_to__isnull=True) | Q(available_to__gte=value),
            Q(weekdays="") | Q(weekdays__contains=str(value.isoweekday())),
        )

    def filter_wants_contract(self, queryset, name, value):
        return queryset.filter(wants_contract=value == "true")

    def filter_general_task(self, queryset, name, value):
        return queryset.filter(general_tasks__contains=value)

    def filter_registered_from(self, queryset, name, value):
        return queryset.filter(registered_at__date__gte=value)

    def filter_registered_to(self, queryset, name, value):
        return queryset.filter(registered_at__date__lte=value)
