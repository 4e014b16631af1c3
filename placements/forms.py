from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.dates import ACCESS_DATES, CERTIFICATE_DATES, CONTRACT_DATES
from core.forms import DateRangeField, LineField, ModelMultipleChoiceField
from placements.models import CertificatePurpose, ChecklistItem, ContractType, TemporaryGround
from staffing.models import ContactChannel


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ItemStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ChecklistItem.Status.choices)
    reason = LineField(label=_("Reason (if not applicable)"), max_length=200, required=False)
    note = LineField(label=_("Note"), max_length=200, required=False)


class NotApplicableForm(forms.Form):
    reason = LineField(label=_("Reason not applicable"), max_length=200)


class PoliceCertificateForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Purpose (legal basis)"), choices=CertificatePurpose.choices
    )
    issued_on = DateRangeField(
        label=_("Issue date"), date_range=CERTIFICATE_DATES, widget=DateInput()
    )
    presented_on = DateRangeField(
        label=_("Date presented"), date_range=CERTIFICATE_DATES, widget=DateInput()
    )
    cleared = forms.BooleanField(
        label=_("The certificate cleared the person for this work"), required=False
    )


class ContractForm(forms.Form):
    # The empty choice lets a page that shows every item at once leave an unrecorded contract
    # untouched; choosing nothing is still refused when the contract is recorded.
    contract_type = forms.ChoiceField(
        label=_("Contract type"), choices=[("", "—"), *ContractType.choices]
    )
    legal_ground = forms.ChoiceField(
        label=_("Legal ground (arbeidsmiljøloven § 14-9 (2))"),
        choices=[("", "—"), *TemporaryGround.choices],
        required=False,
    )
    starts_on = DateRangeField(
        label=_("Start"), date_range=CONTRACT_DATES, widget=DateInput(), required=False
    )
    ends_on = DateRangeField(
        label=_("End"), date_range=CONTRACT_DATES, widget=DateInput(), required=False
    )
    signed_on = DateRangeField(
        label=_("Signed"), date_range=CONTRACT_DATES, widget=DateInput(), required=False
    )


class SystemAccessForm(forms.Form):
    ordered_on = DateRangeField(
        label=_("Access ordered"), date_range=ACCESS_DATES, widget=DateInput(), required=False
    )
    granted_on = DateRangeField(
        label=_("Access granted"), date_range=ACCESS_DATES, widget=DateInput(), required=False
    )


class WorkerContactForm(forms.Form):
    # As long as the model's column: a longer address was a database error (500).
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Mobile phone"), max_length=32, required=False)
    contact_channel = forms.ChoiceField(
        label=_("Messages by"), choices=ContactChannel.choices, required=False
    )
    language = forms.ChoiceField(
        label=_("Language of messages"),
        choices=[("", _("Default (Norwegian Bokmål)")), *settings.LANGUAGES],
        required=False,
    )


class BulkDoneForm(forms.Form):
    items = ModelMultipleChoiceField(
        queryset=ChecklistItem.objects.none(),
        label=_("Items"),
        error_messages={"required": _("Select at least one item.")},
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = queryset


class PersonSearchForm(forms.Form):
    """Posted, never put in the address: a name or phone number is personal data."""

    q = LineField(label=_("Search by name, phone or e-mail"), max_length=100, required=False)
