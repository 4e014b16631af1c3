from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import SHIFT_DATES
from core.forms import DateRangeField, LineField
from core.i18n import pick
from staffing.models import Unit


class RejectForm(forms.Form):
    reason = LineField(
        label=_("Reason"),
        max_length=300,
        help_text=_("The worker is not proposed for this shift again."),
    )


class PickAlternativeForm(forms.Form):
    worker = forms.TypedChoiceField(label=_("Alternative"), coerce=int, choices=())

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].choices = [
            (a["worker"], f"{a.get('name', '')} – {pick(a.get('reason'))}")
            for a in proposal.alternatives or []
        ]


class OfferAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("yes", _("Yes, I'll take it")), ("no", _("No"))],
        widget=forms.RadioSelect,
    )
    reason = LineField(
        label=_("Reason (optional)"),
        max_length=300,
        required=False,
        help_text=_("If you say no, you may tell us why. It helps us ask better next time."),
    )


class DateInput(forms.DateInput):
    input_type = "date"


class Section143Form(forms.Form):
    """The § 14-3 report's choice: a unit (with its sub-units) or all, and a period."""

    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.order_by("name"),
        required=False,
        empty_label=_("All units"),
    )
    date_from = DateRangeField(label=_("From"), date_range=SHIFT_DATES, widget=DateInput)
    date_to = DateRangeField(label=_("To"), date_range=SHIFT_DATES, widget=DateInput)

    MAX_DAYS = 400

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", _("The end of the period cannot be before its start."))
            elif (end - start).days > self.MAX_DAYS:
                self.add_error("date_to", _("Choose a period of at most 400 days."))
        return data
