import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.dates import SHIFT_DATES
from core.forms import DateRangeField, LineField, ModelMultipleChoiceField, TextField
from needs.models import Need, Priority
from needs.services import need_fields_check
from needs.shifts import MAX_PATTERN_DAYS, OSLO, ShiftSpec, expand_pattern, local_span
from staffing.models import Qualification, Skill
from staffing.selectors import units_visible_to

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class NeedFieldsForm(forms.Form):
    """What a need asks for; shared by the new-need form and the edit form."""

    qualification = forms.ModelChoiceField(
        label=_("Qualification required"),
        queryset=Qualification.objects.all(),
        help_text=_("A lower qualification is never proposed; a higher one may be."),
    )
    required_skills = ModelMultipleChoiceField(
        label=_("Required skills"),
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    preferred_skills = ModelMultipleChoiceField(
        label=_("Preferred skills"),
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    title = LineField(label=_("Title"), max_length=150, required=False)
    description = TextField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the work is, where to meet, who to ask for. No patient data."),
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )
    requires_police_certificate = forms.BooleanField(
        label=_("Police certificate required"),
        required=False,
        initial=True,
        help_text=_("Always required in health and care services."),
    )

    def clean(self):
        data = super().clean()
        try:
            need_fields_check(
                required_skills=data.get("required_skills") or (),
                preferred_skills=data.get("preferred_skills") or (),
            )
        except ValidationError as exc:
            self.add_error(None, exc)
        return data


class NeedCreateForm(NeedFieldsForm):
    """New need: the request and its shifts, as one shift or a recurring pattern."""

    SINGLE = "single"
    PATTERN = "pattern"

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    headcount = forms.IntegerField(
        label=_("People per shift"),
        min_value=1,
        max_value=99,
        initial=1,
    )
    mode = forms.ChoiceField(
        label=_("Shifts"),
        choices=[(SINGLE, _("One shift")), (PATTERN, _("A recurring pattern"))],
        initial=PATTERN,
        widget=forms.RadioSelect,
    )
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput())
    end_time = forms.TimeField(
        label=_("End time"),
        widget=TimeInput(),
        help_text=_("An end before the start means the shift ends the next day (night shift)."),
    )
    first_day = DateRangeField(label=_("Date / from"), date_range=SHIFT_DATES, widget=DateInput())
    last_day = DateRangeField(
        label=_("To (for a pattern)"),
        date_range=SHIFT_DATES,
        widget=DateInput(),
        required=False,
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays (for a pattern)"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        initial=[0, 1, 2, 3, 4],
    )

    field_order = [
        "unit",
        "qualification",
        "title",
        "description",
        "priority",
        "requires_police_certificate",
        "required_skills",
        "preferred_skills",
        "headcount",
        "mode",
        "start_time",
        "end_time",
        "first_day",
        "last_day",
        "weekdays",
    ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = units_visible_to(user).select_related("district").order_by("name")
        self.fields["unit"].queryset = units
        if not self.is_bound and len(units) == 1:
            self.fields["unit"].initial = units[0].pk

    def clean(self):
        data = super().clean()
        if (
            data.get("start_time")
            and data.get("end_time")
            and data["start_time"] == data["end_time"]
        ):
            self.add_error("end_time", _("The end time must differ from the start time."))
        if data.get("mode") == self.PATTERN:
            first, last = data.get("first_day"), data.get("last_day")
            if not last:
                self.add_error("last_day", _("Enter the last day of the pattern."))
            elif first and last < first:
                self.add_error("last_day", _("The last day must be on or after the first day."))
            elif first and (last - first).days > MAX_PATTERN_DAYS:
                self.add_error(
                    "last_day",
                    _("A pattern can span at most %(days)s days.") % {"days": MAX_PATTERN_DAYS},
                )
            if not data.get("weekdays"):
                self.add_error("weekdays", _("Choose at least one weekday."))
        if not self.errors:
            # A time the clocks skip is refused here, next to the times, not by the service.
            try:
                self._specs = self._shift_specs()
            except forms.ValidationError as error:
                self.add_error("start_time", error)
        return data

    def shift_specs(self) -> list[ShiftSpec]:
        return self._specs

    def _shift_specs(self) -> list[ShiftSpec]:
        data = self.cleaned_data
        if data["mode"] == self.SINGLE:
            start, end = local_span(data["first_day"], data["start_time"], data["end_time"])
            return [ShiftSpec(start=start, end=end, headcount=data["headcount"])]
        return expand_pattern(
            first_day=data["first_day"],
            last_day=data["last_day"],
            weekdays=data["weekdays"],
            start_time=data["start_time"],
            end_time=data["end_time"],
            headcount=data["headcount"],
        )


class NeedEditForm(NeedFieldsForm):
    @classmethod
    def initial_for(cls, need: Need) -> dict:
        return {
            "qualification": need.qualification_id,
            "required_skills": list(need.required_skills.all()),
            "preferred_skills": list(need.preferred_skills.all()),
            "title": need.title,
            "description": need.description,
            "priority": need.priority,
            "requires_police_certificate": need.requires_police_certificate,
        }


class ShiftRowForm(forms.Form):
    """One row of the shift table, in local wall-clock time."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    date = DateRangeField(label=_("Date"), date_range=SHIFT_DATES, widget=DateInput())
    start_time = forms.TimeField(label=_("Start"), widget=TimeInput())
    end_time = forms.TimeField(label=_("End"), widget=TimeInput())
    headcount = forms.IntegerField(label=_("People"), min_value=1, max_value=99)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The table's column headers label the inputs visually; screen readers get the same.
        for field in self.fields.values():
            if field.label:
                field.widget.attrs.setdefault("aria-label", field.label)

    @classmethod
    def initial_for(cls, shift) -> dict:
        start = shift.start.astimezone(OSLO)
        end = shift.end.astimezone(OSLO)
        return {
            "id": shift.pk,
            "date": start.date(),
            "start_time": start.time().replace(tzinfo=None),
            "end_time": end.time().replace(tzinfo=None),
            "headcount": shift.headcount,
        }

    def clean(self):
        data = super().clean()
        if (
            data.get("start_time")
            and data.get("end_time")
            and data["start_time"] == data["end_time"]
        ):
            self.add_error("end_time", _("The end time must differ from the start time."))
        elif not self.errors and data.get("date"):
            try:
                self._span = local_span(data["date"], data["start_time"], data["end_time"])
            except forms.ValidationError as error:
                self.add_error(None, error)
        return data

    def span(self) -> tuple[dt.datetime, dt.datetime]:
        return self._span


class BaseShiftFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")
            form.fields["DELETE"].widget.attrs["aria-label"] = _("Remove this shift")

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form for form in self.forms if form.cleaned_data and not self._should_delete_form(form)
        ]
        if not kept:
            raise forms.ValidationError(_("A need must have at least one shift."))


ShiftFormSet = forms.formset_factory(
    ShiftRowForm, formset=BaseShiftFormSet, extra=2, can_delete=True, max_num=400
)


class CancelForm(forms.Form):
    reason = LineField(
        label=_("Reason"),
        max_length=200,
        required=False,
        help_text=_("Shown to the coordinators if people were already placed."),
    )
