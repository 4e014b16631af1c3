import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import SHIFT_DATES
from core.forms import DateRangeField, LineField
from rosters.selectors import MAX_EXPORT_DAYS
from staffing.models import Unit


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class UnitChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Unit.objects.none(), **kwargs)


class _UnitForm(forms.Form):
    """A form whose unit is one of the units the user may see (the view passes them)."""

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class WeekForm(_UnitForm):
    unit = UnitChoiceField(label=_("Unit"), required=False)
    week = forms.RegexField(
        label=_("Week"),
        regex=r"^\d{4}-W\d{2}$",
        required=False,
        max_length=8,
        help_text=_("For example 2026-W49"),
    )

    def clean_week(self):
        value = self.cleaned_data["week"]
        if not value:
            today = timezone.localdate()
            return today - dt.timedelta(days=today.weekday())
        try:
            monday = dt.date.fromisocalendar(int(value[:4]), int(value[6:]), 1)
        except ValueError as exc:
            raise forms.ValidationError(_("There is no such week."), code="week") from exc
        message = SHIFT_DATES.error(monday)
        if message:
            raise forms.ValidationError(message, code="date_range")
        return monday


class DayForm(_UnitForm):
    unit = UnitChoiceField(label=_("Unit"), required=False)
    day = DateRangeField(label=_("Day"), date_range=SHIFT_DATES, widget=DateInput(), required=False)

    def clean_day(self):
        return self.cleaned_data["day"] or timezone.localdate()


class ExportForm(_UnitForm):
    unit = UnitChoiceField(label=_("Unit"), required=False, empty_label=_("All units I may see"))
    date_from = DateRangeField(label=_("From"), date_range=SHIFT_DATES, widget=DateInput())
    date_to = DateRangeField(label=_("To"), date_range=SHIFT_DATES, widget=DateInput())

    def clean(self):
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last:
            if last < first:
                self.add_error("date_to", _("The end date cannot be before the start date."))
            elif (last - first).days + 1 > MAX_EXPORT_DAYS:
                self.add_error(
                    "date_to",
                    _("Export at most %(days)s days at a time.") % {"days": MAX_EXPORT_DAYS},
                )
        return data


class StaffSearchForm(forms.Form):
    """Posted, never put in the address or a log: a name or phone number is personal data."""

    term = LineField(label=_("Search"), max_length=100, required=False)
