from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import LineField
from core.i18n import pick


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
