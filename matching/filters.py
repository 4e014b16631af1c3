import datetime as dt

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.dates import DateRange
from core.forms import DateRangeField
from matching.models import Offer, Proposal, UnfilledSlot
from matching.selectors import DateWindow, shifts_showing_closed_offers
from needs.models import Need, Priority, Shift
from needs.shifts import OSLO
from staffing.models import District, Unit


class DateInput(forms.DateInput):
    input_type = "date"


class QuickSelect(forms.Select):
    """forms.Select's HTML written out here rather than through a template per option and
    per option's attributes: the filters are on every /matching/ page, and the list of units
    alone took a millisecond to render."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], flatatt(option["attrs"]), option["label"])
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            ),
        )
        return format_html(
            '<select name="{}"{}>\n{}\n</select>', widget["name"], flatatt(widget["attrs"]), options
        )


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
    DECLINED = "declined"
    EXPIRED = "expired"

    district = django_filters.ModelChoiceFilter(
        field_name="unit__district",
        queryset=District.objects.all(),
        label=_("District"),
        widget=QuickSelect,
    )
    unit = django_filters.ModelChoiceFilter(
        method="filter_unit",
        queryset=Unit.objects.order_by("name"),
        label=_("Unit"),
        widget=QuickSelect,
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
    priority = django_filters.ChoiceFilter(
        choices=Priority.choices, label=_("Priority"), widget=QuickSelect
    )
    state = django_filters.ChoiceFilter(
        method="filter_state",
        label=_("State"),
        widget=QuickSelect,
        choices=[
            (PROPOSED, _("Proposed")),
            (OFFERED, _("Offered")),
            (UNFILLED, _("Unfilled")),
            (DECLINED, _("Declined, still open")),
            (EXPIRED, _("No answer, still open")),
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
        """Needs with a slot of that state in the date range: a proposal not yet offered, an
        offer waiting, a slot still open after a no (`declined`) or an offer nobody answered
        (`expired`), or any slot nobody holds (`unfilled`: those two, and the slots a run
        could not fill). A no or an expiry counts only while slot_states shows it, that is
        until someone new is proposed, offered or placed in its place: the same rule in SQL
        (selectors.offers_shown_on_open_slots)."""
        window = self.rows_window()
        need = OuterRef("pk")
        if value == self.PROPOSED:
            rows = Proposal.objects.filter(shift__need=need, status=Proposal.Status.PROPOSED)
            return queryset.filter(Exists(rows.filter(window.q())))
        if value == self.OFFERED:
            return queryset.filter(
                Exists(Offer.objects.pending().filter(window.q(), shift__need=need))
            )
        shown = Exists(
            Shift.objects.filter(
                window.q(""),
                need=need,
                pk__in=shifts_showing_closed_offers(
                    value if value in (self.DECLINED, self.EXPIRED) else None
                ),
            )
        )
        if value in (self.DECLINED, self.EXPIRED):
            return queryset.filter(shown)
        return queryset.filter(
            Exists(UnfilledSlot.objects.filter(window.q(), shift__need=need)) | shown
        )

    def rows_window(self) -> DateWindow:
        """The date range as it narrows the rows (proposals, offers, slots): shifts that end
        after the first day begins and start before the last day ends, Oslo time."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        first, last = data.get("date_from"), data.get("date_to")
        return DateWindow(
            after=local_midnight(first) if first else None,
            before=local_midnight(last + dt.timedelta(days=1)) if last else None,
        )

    @property
    def row_state(self) -> str:
        return (self.form.cleaned_data.get("state") or "") if self.form.is_valid() else ""
