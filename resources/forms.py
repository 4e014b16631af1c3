import datetime as dt

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from staffing.models import WEEKDAYS, Absence, Agency, WorkerSource


class PeopleImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_(
            "First row: column names. Employees: employee number, first name, last name, "
            "unit (code), and optionally e-mail, mobile, position size, qualifications, "
            "skills, wants more hours, HPR. Agency temps: reference instead of employee "
            "number and unit."
        ),
    )
    source = forms.ChoiceField(
        label=_("Who the file lists"),
        choices=[
            (WorkerSource.EMPLOYEE, _("Employees (from the HR system)")),
            (WorkerSource.AGENCY, _("Temps of a staffing agency")),
        ],
        initial=WorkerSource.EMPLOYEE,
    )
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.order_by("name"), required=False
    )
    full = forms.BooleanField(
        label=_("The file lists everyone (a full export)"),
        required=False,
        help_text=_("People it does not list are flagged for review. Nobody is deleted."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.DUGNAD["IMPORT_MAX_BYTES"]
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; at most %(limit)s can be imported at once."),
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
                code="too_large",
            )
        return upload

    def clean(self):
        data = super().clean()
        if data.get("source") == WorkerSource.AGENCY and not data.get("agency"):
            self.add_error("agency", _("Choose the agency whose temps the file lists."))
        if data.get("source") == WorkerSource.EMPLOYEE:
            data["agency"] = None
        return data


class RegisterSearchForm(forms.Form):
    """Posted, never put in the address: a name, phone number or e-mail is personal data."""

    q = forms.CharField(
        label=_("Search by name, phone, e-mail or employee number"),
        max_length=100,
        required=False,
        strip=True,
    )


class WeekForm(forms.Form):
    """Which week of a person's calendar to show (ISO week, e.g. 2026-W49)."""

    week = forms.RegexField(label=_("Week"), regex=r"^\d{4}-W\d{2}$", required=False, max_length=8)

    def clean_week(self):
        value = self.cleaned_data["week"]
        if not value:
            return None
        year, week = int(value[:4]), int(value[6:])
        try:
            return dt.date.fromisocalendar(year, week, 1)
        except ValueError as exc:
            raise forms.ValidationError(_("There is no such week."), code="week") from exc


def _plausible(value: dt.date | None) -> dt.date | None:
    if value is not None and not 2000 <= value.year <= 2100:
        raise forms.ValidationError(_("Enter a date between 2000 and 2100."), code="date_range")
    return value


class _PeriodForm(forms.Form):
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput({"type": "date"}))
    ends_on = forms.DateField(label=_("To"), widget=forms.DateInput({"type": "date"}))

    def clean_starts_on(self):
        return _plausible(self.cleaned_data["starts_on"])

    def clean_ends_on(self):
        return _plausible(self.cleaned_data["ends_on"])

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The end date is before the start date."))
        return data


class ReleaseForm(_PeriodForm):
    """The home leader's release: a period, weekdays, and either hours or a share."""

    weekdays = forms.MultipleChoiceField(
        label=_("Weekdays"),
        choices=WEEKDAYS,
        initial=["0", "1", "2", "3", "4"],
        widget=forms.CheckboxSelectMultiple,
    )
    how = forms.ChoiceField(
        label=_("Released"),
        choices=[("hours", _("Between these hours")), ("share", _("A share of the position"))],
        initial="hours",
        widget=forms.RadioSelect,
    )
    day_from = forms.TimeField(
        label=_("From time"), required=False, widget=forms.TimeInput({"type": "time"})
    )
    day_to = forms.TimeField(
        label=_("To time"),
        required=False,
        widget=forms.TimeInput({"type": "time"}),
        help_text=_("An end before the start runs past midnight."),
    )
    share_percent = forms.IntegerField(
        label=_("Share of the position (%)"), required=False, min_value=1, max_value=100
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("how") == "hours":
            for name in ("day_from", "day_to"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Give both the start and the end time."))
            data["share_percent"] = None
        elif data.get("how") == "share":
            if data.get("share_percent") is None and "share_percent" not in self.errors:
                self.add_error("share_percent", _("Give the share of the position."))
            data["day_from"] = data["day_to"] = None
        return data


class RecallForm(forms.Form):
    back_on = forms.DateField(
        label=_("Back at the home unit from"), widget=forms.DateInput({"type": "date"})
    )

    def clean_back_on(self):
        return _plausible(self.cleaned_data["back_on"])


class AbsenceForm(_PeriodForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Absence.Kind.choices)

    field_order = ["kind", "starts_on", "ends_on"]


class CredentialForm(forms.Form):
    """Until when one credential is valid; empty: no end date."""

    credential = forms.RegexField(
        regex=r"^(hpr|qualification:\d{1,18}|skill:\d{1,18})$",
        max_length=40,
        widget=forms.HiddenInput,
    )
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput({"type": "date"})
    )

    def clean_valid_until(self):
        return _plausible(self.cleaned_data["valid_until"])

    def clean(self):
        data = super().clean()
        value = data.get("credential")
        if value:
            kind, _sep, pk = value.partition(":")
            data["kind"], data["pk"] = kind, int(pk) if pk else None
        return data
