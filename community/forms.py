from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from community.models import FollowUp, Frequency, HelpRequest, Kind, Relation, TimeOfDay
from community.selectors import placeable_volunteers
from community.services import help_request_check
from core.dates import MILESTONE_DATES, DateRange
from core.forms import DateRangeField, LineField, TextField
from staffing.models import District, Sector, Skill, Unit
from volunteers.forms import parse_phone

# Help is asked for from today up to a year ahead; a series is planned at most half a year.
HELP_DATES = DateRange(years_back=0, years_ahead=1)


class PhoneField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})

    def clean(self, value):
        value = super().clean(value)
        return parse_phone(value) if value else value


class HelpRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you need help with?"), choices=Kind.choices, widget=forms.RadioSelect
    )
    description = TextField(
        label=_("What should the volunteer know?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example which shop, or that the doorbell does not work. Do not write anything "
            "about health, illness or medicines: volunteers must not know it, and we must not "
            "store it."
        ),
    )
    frequency = forms.ChoiceField(
        label=_("How often?"), choices=Frequency.choices, widget=forms.RadioSelect
    )
    wanted_on = DateRangeField(
        label=_("From which date?"),
        date_range=HELP_DATES,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    time_of_day = forms.ChoiceField(label=_("What time of day?"), choices=TimeOfDay.choices)
    urgent = forms.BooleanField(
        label=_("It is urgent: help is needed within two days"), required=False
    )
    district = forms.ModelChoiceField(
        label=_("District where the help is needed"),
        queryset=District.objects.all(),
        empty_label=_("— choose —"),
    )
    language = forms.ModelChoiceField(
        label=_("Language, if not Norwegian"),
        queryset=Skill.objects.filter(kind=Skill.Kind.LANGUAGE),
        required=False,
        empty_label=_("Norwegian"),
    )
    first_name = LineField(label=_("First name of the person who needs help"), max_length=100)
    address = LineField(
        label=_("Address"),
        max_length=200,
        required=False,
        help_text=_("Where the volunteer shall help. Not needed for a phone friend."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    phone = PhoneField(
        label=_("Phone number of the person who needs help"), max_length=30, required=False
    )
    relation = forms.ChoiceField(
        label=_("Who is asking?"), choices=Relation.choices, widget=forms.RadioSelect
    )
    requester_name = LineField(
        label=_("Your name"),
        max_length=100,
        required=False,
        help_text=_("If you ask on someone else's behalf."),
    )
    requester_phone = PhoneField(
        label=_("Your phone number"),
        max_length=30,
        required=False,
        help_text=_("If we should call you rather than the person who needs help."),
    )
    consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice, and the person who needs help agrees that the "
            "municipality stores these details"
        ),
        error_messages={"required": _("Tick the box to agree to the privacy notice.")},
    )

    def clean(self):
        data = super().clean()
        try:
            help_request_check(data=data)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, messages)
        return data


class HelpRequestPublicForm(HelpRequestForm):
    # Hidden from people by CSS; bots fill in every field they find.
    website = forms.CharField(label=_("Leave this field empty"), required=False)


class HelpRequestStaffForm(HelpRequestForm):
    """Staff enter a request they took on the phone: the caller heard the notice."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = _(
            "I have read the privacy notice to the caller, and they agree that the municipality "
            "stores these details"
        )


class ReferForm(forms.Form):
    referred_to = forms.ChoiceField(label=_("Refer to"), choices=HelpRequest.ReferredTo.choices)
    note = TextField(
        label=_("What was passed on, and to whom"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=HelpRequest.CloseReason.choices)
    note = TextField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class TaskForm(forms.Form):
    first_on = DateRangeField(
        label=_("First date"), date_range=HELP_DATES, widget=forms.DateInput(attrs={"type": "date"})
    )
    frequency = forms.ChoiceField(label=_("How often"), choices=Frequency.choices)
    last_on = DateRangeField(
        label=_("Last date (series)"),
        date_range=HELP_DATES,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For a series: the last visit or call. At most 26 weeks ahead."),
    )
    time_of_day = forms.ChoiceField(label=_("Time of day"), choices=TimeOfDay.choices)
    note = TextField(
        label=_("What the volunteer should know"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("No health details."),
    )

    def clean(self):
        data = super().clean()
        first, last = data.get("first_on"), data.get("last_on")
        if data.get("frequency") not in (None, Frequency.ONCE) and not last:
            self.add_error("last_on", _("A series needs a last date."))
        elif first and last and data.get("frequency") != Frequency.ONCE and last < first:
            self.add_error("last_on", _("The last date must be on or after the first."))
        return data


class TaskSendForm(forms.Form):
    volunteers = forms.TypedMultipleChoiceField(
        label=_("Send to"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteers"].choices = [(v.pk, str(v)) for v in candidates]


class TaskEndForm(forms.Form):
    reason = LineField(label=_("Why does it end?"), max_length=300)


class FollowUpForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("How did it go?"), choices=FollowUp.Outcome.choices, widget=forms.RadioSelect
    )
    note = TextField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("No health details."),
    )


class TaskAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("yes", _("Yes, I can help")), ("no", _("No, not this time"))],
        widget=forms.RadioSelect,
    )
    reason = LineField(
        label=_("Anything you want to tell us (optional)"), max_length=300, required=False
    )


class VisitReportForm(forms.Form):
    visit = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    outcome = forms.ChoiceField(
        label=_("How did it go?"),
        choices=[("done", _("Done")), ("not_possible", _("It was not possible"))],
        widget=forms.RadioSelect,
    )
    reason = LineField(
        label=_("Why was it not possible?"),
        max_length=300,
        required=False,
        help_text=_("No health details."),
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "not_possible" and not data.get("reason"):
            self.add_error("reason", _("Tell us briefly why it was not possible."))
        return data


class ContactPersonForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    user = forms.ModelChoiceField(
        label=_("Volunteer contact person"),
        queryset=User.objects.filter(is_active=True).exclude(role="").order_by("email"),
        required=False,
        empty_label=_("— nobody —"),
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()


class ActivityForm(forms.Form):
    volunteer = forms.ModelChoiceField(
        label=_("Volunteer"), queryset=placeable_volunteers(), empty_label=_("— choose —")
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.filter(sector=Sector.HEALTH_AND_CARE).order_by("name"),
        empty_label=_("— choose —"),
    )
    description = LineField(
        label=_("Activity"),
        max_length=200,
        help_text=_("For example reading aloud, walks, a choir, a chat over coffee."),
    )
    starts_on = DateRangeField(
        label=_("Starts"), date_range=HELP_DATES, widget=forms.DateInput(attrs={"type": "date"})
    )


class JourneyStepForm(forms.Form):
    planned_on = DateRangeField(
        label=_("Planned"),
        date_range=MILESTONE_DATES,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    done_on = DateRangeField(
        label=_("Done"),
        date_range=MILESTONE_DATES,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_done_on(self):
        value = self.cleaned_data["done_on"]
        if value and value > timezone.localdate():
            raise ValidationError(_("A step cannot be done in the future."), code="future")
        return value
