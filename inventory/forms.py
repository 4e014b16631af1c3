import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateRangeField, DigitsField, LineField, ModelMultipleChoiceField, TextField
from inventory.models import Answer, Weekday
from inventory.services import CAPACITY_DATES, STATE_LABELS, VALID_UNTIL_DATES, answer_data_check
from staffing.models import Qualification, Skill, Unit
from staffing.models.workforce import hpr_validator


class InventoryStartForm(forms.Form):
    title = LineField(label=_("Title"), max_length=150)
    units = ModelMultipleChoiceField(
        label=_("Units"),
        queryset=Unit.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every employee of these units and their sub-units gets a personal link."),
    )
    valid_until = DateRangeField(
        label=_("Answer by"),
        date_range=VALID_UNTIL_DATES,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The links work until the end of this day, also for later updates."),
    )
    message = TextField(
        label=_("Message to the employees"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_until"].initial = timezone.localdate() + dt.timedelta(days=21)


class AnswerForm(forms.Form):
    qualifications = ModelMultipleChoiceField(
        label=_("Health and care qualifications"),
        queryset=Qualification.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Only what you are educated or authorised as. HR checks it before it counts."),
    )
    hpr_number = DigitsField(
        label=_("HPR number"),
        required=False,
        max_length=20,
        help_text=_("If you are authorised health personnel (Helsepersonellregisteret)."),
    )
    experience_years = forms.IntegerField(
        label=_("Years of experience in health and care"),
        required=False,
        min_value=0,
        max_value=60,
    )
    experience = TextField(
        label=_("Experience"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Where and with what you have worked, e.g. nursing home, home care."),
    )
    skills = ModelMultipleChoiceField(
        label=_("Skills"),
        queryset=Skill.objects.exclude(kind=Skill.Kind.LANGUAGE),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    languages = ModelMultipleChoiceField(
        label=_("Languages"),
        queryset=Skill.objects.filter(kind=Skill.Kind.LANGUAGE),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    willing = forms.ChoiceField(
        label=_("Can you be redeployed to another unit in the crisis?"),
        choices=Answer.Willing.choices,
        widget=forms.RadioSelect,
    )
    capacity = forms.ChoiceField(
        label=_("Free capacity"),
        choices=Answer.Capacity.choices,
        widget=forms.RadioSelect,
        initial=Answer.Capacity.NONE,
    )
    weekdays = forms.MultipleChoiceField(
        label=_("Days"),
        choices=Weekday.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    time_from = forms.TimeField(
        label=_("From"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    time_to = forms.TimeField(
        label=_("To"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    share_percent = forms.IntegerField(
        label=_("Share of your position (%)"), required=False, min_value=1, max_value=100
    )
    available_from = DateRangeField(
        label=_("Free from"),
        date_range=CAPACITY_DATES,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    available_to = DateRangeField(
        label=_("Free until"),
        date_range=CAPACITY_DATES,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty if you do not know; we then count the next eight weeks."),
    )

    COMPETENCE = (
        "qualifications",
        "hpr_number",
        "experience_years",
        "experience",
        "skills",
        "languages",
    )

    def __init__(self, *args, competence_locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.competence_locked = competence_locked
        if competence_locked:
            for name in self.COMPETENCE:
                self.fields[name].disabled = True

    def clean_hpr_number(self):
        value = self.cleaned_data["hpr_number"]
        if value:
            hpr_validator(value)
        return value

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            answer_data_check(data=data)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
        return data


def answer_initial(answer: Answer | None) -> dict:
    if answer is None:
        return {}
    skills = list(answer.skills.all())
    return {
        "qualifications": list(answer.qualifications.all()),
        "hpr_number": answer.hpr_number,
        "experience_years": answer.experience_years,
        "experience": answer.experience,
        "skills": [s for s in skills if s.kind != Skill.Kind.LANGUAGE],
        "languages": [s for s in skills if s.kind == Skill.Kind.LANGUAGE],
        "willing": answer.willing,
        "capacity": answer.capacity,
        "weekdays": answer.weekday_list,
        "time_from": answer.time_from,
        "time_to": answer.time_to,
        "share_percent": answer.share_percent,
        "available_from": answer.available_from,
        "available_to": answer.available_to,
    }


class RemindForm(forms.Form):
    round = forms.IntegerField(min_value=1, max_value=1000, widget=forms.HiddenInput)


class ProgressFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Show"), choices=[("", _("Everyone"))], required=False)
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("Everyone")), *STATE_LABELS]
        self.fields["unit"].choices = [("", _("All units")), *units]


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("verify", _("Verify what is ticked")), ("reject", _("Cannot be verified"))],
        widget=forms.RadioSelect,
        initial="verify",
    )
    qualifications = ModelMultipleChoiceField(
        label=_("Qualifications"),
        queryset=Qualification.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    skills = ModelMultipleChoiceField(
        label=_("Skills and languages"),
        queryset=Skill.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = LineField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, answer: Answer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qualifications"].queryset = answer.qualifications.all()
        self.fields["skills"].queryset = answer.skills.all()
        if not self.is_bound:
            self.initial["qualifications"] = list(answer.qualifications.all())
            self.initial["skills"] = list(answer.skills.all())

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("note"):
            self.add_error("note", _("Say why, so the person can be told."))
        return data
