from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import SHIFT_DATES
from core.forms import DateRangeField, LineField
from staffing.models import Unit


class RejectForm(forms.Form):
    reason = LineField(
        label=_("Reason"),
        max_length=300,
        help_text=_("The worker is not proposed for this shift again."),
    )


class PickAlternativeForm(forms.Form):
    """The run's alternatives, checked again now: only those free to take the slot now can be
    picked (the others are listed with the rule that stops them)."""

    worker = forms.TypedChoiceField(
        label=_("Alternative"), coerce=int, choices=(), widget=forms.RadioSelect
    )

    def __init__(self, *args, proposal, **kwargs):
        from matching.explain import reason_text
        from matching.selectors import alternatives_now

        super().__init__(*args, **kwargs)
        self.alternatives = alternatives_now(proposal)
        self.fields["worker"].choices = [
            (a.worker_id, f"{a.name} – {a.note}" if a.note else a.name)
            for a in self.alternatives
            if a.feasible
        ]
        self.blocked = [
            (a.name, reason_text(a.reason)) for a in self.alternatives if not a.feasible
        ]


class ProposalSelectionForm(forms.Form):
    """Proposals ticked across needs (ids; each is checked again when its offer is sent)."""

    MAX = 200
    proposals = forms.Field(label=_("Proposals"), widget=forms.MultipleHiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].error_messages["required"] = _(
            "Tick at least one proposal to send offers to."
        )

    def clean_proposals(self):
        raw = self.cleaned_data["proposals"]
        ids = []
        for value in raw if isinstance(raw, list) else [raw]:
            value = (value or "").strip()
            if not value.isascii() or not value.isdigit() or len(value) > 12:
                raise forms.ValidationError(_("The selection is not valid; reload the page."))
            ids.append(int(value))
        if not ids:
            raise forms.ValidationError(_("Tick at least one proposal to send offers to."))
        if len(ids) > self.MAX:
            raise forms.ValidationError(_("Send at most %(n)s offers at a time.") % {"n": self.MAX})
        return sorted(set(ids))


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


class WhyNotSearchForm(forms.Form):
    """A person's name, phone or e-mail, posted (never in a URL), and the shift asked about."""

    q = LineField(label=_("Person (name, phone or e-mail)"), max_length=100, min_length=2)
    shift = forms.IntegerField(label=_("Shift"), min_value=1, max_value=2**31 - 1)


class AssignForm(forms.Form):
    """Place a named person on a shift by hand (after a yes by phone)."""

    worker = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    said_yes = forms.BooleanField(label=_("They said yes (by phone or in person)"), required=False)
    override_reason = LineField(
        label=_("Reason for the exception"),
        max_length=300,
        required=False,
        help_text=_(
            "Only where a rule allows an exception by policy (their stated free time, a "
            "required skill, an earlier rejection). The audit trail keeps it."
        ),
    )
