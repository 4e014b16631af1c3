import datetime as dt

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from needs.models import Need, Priority, Shift
from needs.shifts import OSLO
from staffing.models import District, Qualification, Sector, Unit


class DateInput(forms.DateInput):
    input_type = "date"


class NeedOverviewFilter(django_filters.FilterSet):
    """The coordinator's filters; expects a queryset from `needs_open_overview`."""

    UNFILLED = "unfilled"
    PARTLY = "partly"
    FILLED = "filled"

    district = django_filters.ModelChoiceFilter(
        field_name="unit__district", queryset=District.objects.all(), label=_("District")
    )
    sector = django_filters.ChoiceFilter(
        field_name="unit__sector", choices=Sector.choices, label=_("Sector")
    )
    unit = django_filters.ModelChoiceFilter(
        method="filter_unit", queryset=Unit.objects.order_by("name"), label=_("Unit")
    )
    qualification = django_filters.ModelChoiceFilter(
        queryset=Qualification.objects.all(), label=_("Qualification")
    )
    priority = django_filters.ChoiceFilter(choices=Priority.choices, label=_("Priority"))
    date_from = django_filters.DateFilter(
        method="filter_date_from", label=_("Shifts from"), widget=DateInput
    )
    date_to = django_filters.DateFilter(
        method="filter_date_to", label=_("Shifts to"), widget=DateInput
    )
    coverage = django_filters.ChoiceFilter(
        method="filter_coverage",
        label=_("Coverage"),
        choices=[
            (UNFILLED, _("Nothing approved")),
            (PARTLY, _("Partly filled")),
            (FILLED, _("Filled")),
        ],
    )

    class Meta:
        model = Need
        fields: list[str] = []

    def filter_unit(self, queryset, name, value):
        # A unit includes its wards.
        return queryset.filter(unit__in=Unit.objects.subtree_ids([value]))

    @staticmethod
    def _local_midnight(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(0), tzinfo=OSLO)

    def filter_date_from(self, queryset, name, value):
        shifts = Shift.objects.active().filter(
            need=OuterRef("pk"), end__gt=self._local_midnight(value)
        )
        return queryset.filter(Exists(shifts))

    def filter_date_to(self, queryset, name, value):
        shifts = Shift.objects.active().filter(
            need=OuterRef("pk"), start__lt=self._local_midnight(value + dt.timedelta(days=1))
        )
        return queryset.filter(Exists(shifts))

    def filter_coverage(self, queryset, name, value):
        if value == self.UNFILLED:
            return queryset.filter(slots_open__gte=1, slots_open=F("slots_requested"))
        if value == self.PARTLY:
            return queryset.filter(slots_open__gte=1, slots_open__lt=F("slots_requested"))
        if value == self.FILLED:
            return queryset.filter(Q(slots_open=0), slots_requested__gte=1)
        return queryset
