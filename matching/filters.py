import datetime as dt

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.dates import DateRange
from core.forms import DateRangeField
from matching.models import Offer, Proposal, UnfilledSlot
from needs.models import Need, Priority, Shift
from needs.shifts import OSLO
from staffing.models import District, Unit


class DateInput(forms.DateInput):
    input_type = "date"


class RangeDateFilter(django_filters.DateFilter):
    field_class = DateRangeField


FILTER_DATES = DateRange(years_back=5, years_ahead=5)


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=OSLO)


class MatchingFilter(django_filters.FilterSet):
    """The coordinator's filters on /matching/: which needs are shown, and which of their
    slots (the date range and the state narrow the rows too, see selectors.proposal_groups)."""

    PROPOSED = "proposed"
    OFFERED = "offered"
    UNFILLED = "unfilled"

    district = django_filters.ModelChoiceFilter(
        field_name="unit__district", queryset=District.objects.all(), label=_("District")
    )
    unit = django_filters.ModelChoiceFilter(
        method="filter_unit", queryset=Unit.objects.order_by("name"), label=_("Unit")
    )
    need = django_filters.NumberFilter(
        field_name="pk", label=_("Need no."), min_value=1, max_value=2**31 - 1
    )
    date_from = RangeDateFilter(
        method="filter_date_from",
        label=_("Shifts from"),
        widget=DateInput,
        date_range=FILTER_DATES,
    )
    date_to = RangeDateFilter(
        method="filter_date_to", label=_("Shifts to"), widget=DateInput, date_range=FILTER_DATES
    )
    priority = django_filters.ChoiceFilter(choices=Priority.choices, label=_("Priority"))
    state = django_filters.ChoiceFilter(
        method="filter_state",
        label=_("State"),
        choices=[
            (PROPOSED, _("Proposed")),
            (OFFERED, _("Offered")),
            (UNFILLED, _("Unfilled")),
        ],
    )

    class Meta:
        model = Need
        fields: list[str] = []

    def filter_unit(self, queryset, name, value):
        return queryset.filter(unit__in=Unit.objects.subtree_ids([value]))

    def filter_date_from(self, queryset, name, value):
        shifts = Shift.objects.active().filter(need=OuterRef("pk"), end__gt=local_midnight(value))
        return queryset.filter(Exists(shifts))

    def filter_date_to(self, queryset, name, value):
        shifts = Shift.objects.active().filter(
            need=OuterRef("pk"), start__lt=local_midnight(value + dt.timedelta(days=1))
        )
        return queryset.filter(Exists(shifts))

    def filter_state(self, queryset, name, value):
        if value == self.PROPOSED:
            rows = Proposal.objects.filter(
                shift__need=OuterRef("pk"), status=Proposal.Status.PROPOSED
            )
        elif value == self.OFFERED:
            rows = Offer.objects.pending().filter(shift__need=OuterRef("pk"))
        else:
            rows = UnfilledSlot.objects.filter(shift__need=OuterRef("pk"))
        return queryset.filter(Exists(rows))

    def rows_q(self, prefix: str = "shift__") -> Q:
        """The date range as a condition on the rows (proposals, offers, unfilled slots)."""
        q = Q()
        data = self.form.cleaned_data if self.form.is_valid() else {}
        if data.get("date_from"):
            q &= Q(**{f"{prefix}end__gt": local_midnight(data["date_from"])})
        if data.get("date_to"):
            q &= Q(**{f"{prefix}start__lt": local_midnight(data["date_to"] + dt.timedelta(days=1))})
        return q

    @property
    def row_state(self) -> str:
        return (self.form.cleaned_data.get("state") or "") if self.form.is_valid() else ""
