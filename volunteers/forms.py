import re

import phonenumbers
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import AVAILABILITY_DATES, FOLLOW_UP_DATES, MILESTONE_DATES
from core.forms import DateRangeField, DigitsField, LineField, ModelMultipleChoiceField, TextField
from staffing.models import ContactChannel, District, Qualification, Skill
from volunteers.models import GeneralTask, Milestone, Status, TimeOfDay, Volunteer, Weekday
from volunteers.services import volunteer_data_check

PHONE_REGIONS = ("NO", "SE")
HPR_RE = re.compile(r"^[0-9]{6,9}$")
POSTCODE_RE = re.compile(r"^[0-9]{4}$")


def parse_phone(raw: str) -> str:
    """A Norwegian or Swedish mobile or landline number → E.164. Numbers without a country
    code are read as Norwegian first, then Swedish; numbers with one may be from anywhere."""
    raw = raw.strip()
    regions = (None,) if raw.startswith(("+", "00")) else PHONE_REGIONS
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    for region in regions:
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise forms.ValidationError(
        _("Enter a valid phone number, for example 912 34 567 or +46 70 123 45 67."),
        code="phone",
    )


class VolunteerForm(forms.Form):
    first_name = LineField(label=_("First name"), max_length=100)
    last_name = LineField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_("Norwegian or Swedish number."),
    )
    contact_channel = forms.ChoiceField(
        label=_("Send me offers and messages by"),
        choices=ContactChannel.choices,
        initial=ContactChannel.BOTH,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("By SMS you can answer an offer with JA or NEI."),
    )
    district = forms.ModelChoiceField(
        label=_("District where you live"),
        queryset=District.objects.all(),
        required=False,
        empty_label=_("— choose —"),
    )
    postcode = DigitsField(
        label=_("Postcode"),
        max_length=4,
        required=False,
        help_text=_("If you do not know your district."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    qualifications = ModelMultipleChoiceField(
        label=_("Education and qualifications"),
        queryset=Qualification.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose all that apply, including what you are studying."),
    )
    study_year = forms.IntegerField(
        label=_("Year of study"),
        required=False,
        min_value=1,
        max_value=7,
        help_text=_("If you are a student."),
    )
    hpr_number = DigitsField(
        label=_("HPR number"),
        max_length=20,
        required=False,
        help_text=_("For authorised health personnel: your number in Helsepersonellregisteret."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    languages = ModelMultipleChoiceField(
        label=_("Languages you speak"),
        queryset=Skill.objects.filter(kind=Skill.Kind.LANGUAGE),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    available_from = DateRangeField(
        label=_("I can help from"),
        date_range=AVAILABILITY_DATES,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    available_to = DateRangeField(
        label=_("I can help until"),
        date_range=AVAILABILITY_DATES,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty if you do not know."),
    )
    weekdays = forms.MultipleChoiceField(
        label=_("Days"),
        choices=Weekday.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty if any day suits you."),
    )
    times_of_day = forms.MultipleChoiceField(
        label=_("Times of day"),
        choices=TimeOfDay.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    hours_per_week = forms.IntegerField(
        label=_("Hours per week"), required=False, min_value=1, max_value=60
    )
    wants_contract = forms.BooleanField(
        label=_("I can take a temporary paid employment contract"),
        required=False,
        help_text=_("For health and care work in the municipality's services."),
    )
    general_tasks = forms.MultipleChoiceField(
        label=_("I would like to help with general volunteer tasks"),
        choices=GeneralTask.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    free_text = TextField(
        label=_("Anything else we should know?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree that the municipality stores my data"),
        required=True,
        error_messages={"required": _("You must agree to the privacy notice to register.")},
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_phone(self):
        return parse_phone(self.cleaned_data["phone"])

    def clean_contact_channel(self):
        return self.cleaned_data["contact_channel"] or ContactChannel.EMAIL

    def clean_postcode(self):
        value = self.cleaned_data["postcode"]
        if value and not POSTCODE_RE.match(value):
            raise forms.ValidationError(_("A postcode is four digits."), code="postcode")
        return value

    def clean_hpr_number(self):
        value = self.cleaned_data["hpr_number"]
        if value and not HPR_RE.match(value):
            raise forms.ValidationError(
                _("An HPR number is 6 to 9 digits (Helsepersonellregisteret)."), code="hpr"
            )
        return value

    def clean_available_from(self):
        value = self.cleaned_data["available_from"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the past."), code="past")
        return value

    def clean_available_to(self):
        value = self.cleaned_data["available_to"]
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the past."), code="past")
        return value

    def clean(self):
        data = super().clean()
        try:
            volunteer_data_check(data=data)
        except ValidationError as exc:
            self.add_error(None, exc)
        return data


class RegistrationForm(VolunteerForm):
    # Hidden from people by CSS; bots fill in every field they find.
    website = forms.CharField(label=_("Leave this field empty"), required=False)


def volunteer_initial(volunteer: Volunteer) -> dict:
    return {
        "first_name": volunteer.first_name,
        "last_name": volunteer.last_name,
        "email": volunteer.email,
        "phone": volunteer.phone,
        "contact_channel": volunteer.contact_channel,
        "district": volunteer.district_id,
        "postcode": volunteer.postcode,
        "qualifications": list(volunteer.qualifications.all()),
        "study_year": volunteer.study_year,
        "hpr_number": volunteer.hpr_number,
        "languages": list(volunteer.languages.all()),
        "available_from": volunteer.available_from,
        "available_to": volunteer.available_to,
        "weekdays": volunteer.weekday_list,
        "times_of_day": volunteer.times_list,
        "hours_per_week": volunteer.hours_per_week,
        "wants_contract": volunteer.wants_contract,
        "general_tasks": volunteer.general_task_list,
        "free_text": volunteer.free_text,
    }


class SelfUpdateForm(VolunteerForm):
    """The volunteer's own edit: an old start date may stay as it was."""

    def __init__(self, *args, volunteer: Volunteer, **kwargs):
        self.volunteer = volunteer
        super().__init__(*args, **kwargs)
        self.fields["email"].disabled = True
        self.fields["email"].help_text = _(
            "To change your e-mail address, withdraw and register again."
        )

    def clean_available_from(self):
        value = self.cleaned_data["available_from"]
        if value == self.volunteer.available_from:
            return value
        return super().clean_available_from()


class ScreeningForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    follow_up_on = DateRangeField(
        label=_("Follow-up date"),
        date_range=FOLLOW_UP_DATES,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = TextField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm_withdraw = forms.BooleanField(
        label=_("Yes, erase this person's data (they asked to withdraw)"), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("status") == Status.WITHDRAWN and not data.get("confirm_withdraw"):
            self.add_error("confirm_withdraw", _("Confirm that the person's data shall be erased."))
        return data


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label=_("Milestone"), choices=Milestone.Kind.choices)
    done_on = DateRangeField(
        label=_("Date"),
        date_range=MILESTONE_DATES,
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def privacy_version() -> str:
    return settings.DUGNAD["PRIVACY_NOTICE_VERSION"]


class CourseSessionForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = LineField(label=_("Place"), max_length=200)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=500)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The session must end after it starts."))
        if starts and starts <= timezone.now():
            self.add_error("starts_at", _("The session must start in the future."))
        if starts and (starts - timezone.now()).days > 366:
            self.add_error("starts_at", _("Plan sessions at most a year ahead."))
        return data


class CourseAttendanceForm(forms.Form):
    attended = forms.TypedMultipleChoiceField(
        label=_("Came to the session"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, signups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(s.volunteer_id, str(s.volunteer)) for s in signups]


class CourseSignupForm(forms.Form):
    session = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    action = forms.ChoiceField(
        choices=[("join", "join"), ("leave", "leave")], widget=forms.HiddenInput
    )
