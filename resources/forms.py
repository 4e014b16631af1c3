import datetime as dt

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from staffing.models import Agency, WorkerSource


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
