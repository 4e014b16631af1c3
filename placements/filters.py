import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from placements.models import ChecklistItem, ItemType
from staffing.models import Unit, WorkerSource

OPEN = "open"


class ChecklistItemFilter(django_filters.FilterSet):
    item_type = django_filters.ChoiceFilter(label=_("Item type"), choices=ItemType.choices)
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(OPEN, _("Open (to do or in progress)")), *ChecklistItem.Status.choices],
        method="filter_status",
        empty_label=_("All"),
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"),
        queryset=Unit.objects.only("pk", "name").order_by("name"),
        method="filter_unit",
    )
    due_from = django_filters.DateFilter(
        label=_("Due from"),
        field_name="due_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    due_to = django_filters.DateFilter(
        label=_("Due by"),
        field_name="due_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    source = django_filters.ChoiceFilter(
        label=_("Source"), field_name="placement__worker__source", choices=WorkerSource.choices
    )

    class Meta:
        model = ChecklistItem
        fields = ["item_type", "status", "unit", "due_from", "due_to", "source"]

    def __init__(self, data=None, *args, **kwargs):
        # The queue shows open items unless the user asks for something else.
        if data is not None and "status" not in data:
            data = data.copy()
            data["status"] = OPEN
        super().__init__(data, *args, **kwargs)

    def filter_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.open()
        return queryset.filter(status=value)

    def filter_unit(self, queryset, name, value):
        return queryset.filter(placement__unit_id__in=Unit.objects.subtree_ids([value]))
