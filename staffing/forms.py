from django import forms
from django.utils.translation import gettext_lazy as _

from staffing.models import (
    CertificatePurpose,
    ChecklistItem,
    ContractType,
    TemporaryGround,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ItemStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ChecklistItem.Status.choices)
    reason = forms.CharField(label=_("Reason (if not applicable)"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class NotApplicableForm(forms.Form):
    reason = forms.CharField(label=_("Reason not applicable"), max_length=200)


class PoliceCertificateForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Purpose (legal basis)"), choices=CertificatePurpose.choices
    )
    issued_on = forms.DateField(label=_("Issue date"), widget=DateInput())
    presented_on = forms.DateField(label=_("Date presented"), widget=DateInput())
    cleared = forms.BooleanField(
        label=_("The certificate cleared the person for this work"), required=False
    )


class ContractForm(forms.Form):
    contract_type = forms.ChoiceField(label=_("Contract type"), choices=ContractType.choices)
    legal_ground = forms.ChoiceField(
        label=_("Legal ground (arbeidsmiljøloven § 14-9 (2))"),
        choices=[("", "—"), *TemporaryGround.choices],
        required=False,
    )
    starts_on = forms.DateField(label=_("Start"), widget=DateInput(), required=False)
    ends_on = forms.DateField(label=_("End"), widget=DateInput(), required=False)
    signed_on = forms.DateField(label=_("Signed"), widget=DateInput(), required=False)


class SystemAccessForm(forms.Form):
    ordered_on = forms.DateField(label=_("Access ordered"), widget=DateInput(), required=False)
    granted_on = forms.DateField(label=_("Access granted"), widget=DateInput(), required=False)


class WorkerContactForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Mobile phone"), max_length=32, required=False)


class BulkDoneForm(forms.Form):
    items = forms.ModelMultipleChoiceField(
        queryset=ChecklistItem.objects.none(),
        label=_("Items"),
        error_messages={"required": _("Select at least one item.")},
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = queryset
