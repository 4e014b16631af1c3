"""Form fields every app uses for what people type (see core/dates.py and core/text.py)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from core.dates import DateRange
from core.text import ascii_digits, clean_line, clean_text


class DateRangeField(forms.DateField):
    """A date within `date_range` of today; outside it the field says which dates it takes."""

    def __init__(self, *, date_range: DateRange, **kwargs):
        self.date_range = date_range
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = ascii_digits(value)
        return super().to_python(value)

    def validate(self, value: dt.date | None) -> None:
        super().validate(value)
        if value in self.empty_values:
            return
        message = self.date_range.error(value)
        if message:
            raise ValidationError(message, code="date_range")


class LineField(forms.CharField):
    """One line: a name, a title, a reason (core.text.clean_line)."""

    def to_python(self, value):
        value = super().to_python(value)
        return clean_line(value) if value else value


class TextField(forms.CharField):
    """Several lines of free text (core.text.clean_text)."""

    def to_python(self, value):
        value = super().to_python(value)
        return clean_text(value) if value else value


class DigitsField(forms.CharField):
    """A number people may type in any script's digits, kept as ASCII digits; spaces and
    hyphens between groups are dropped."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        return "".join(ch for ch in ascii_digits(value) if ch not in " -\u00a0\u2009\u202f")


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field looks the chosen ids up with `pk__in`, which fails (OverflowError on
    SQLite) for an id beyond 64 bits, e.g. 30 nines from a tampered form. Such an id is refused
    like any other unknown choice."""

    def _check_values(self, value):
        for item in value if isinstance(value, list | tuple) else [value]:
            try:
                number = int(str(item))
            except (TypeError, ValueError):
                continue  # Django refuses these itself
            if not -(2**63) <= number < 2**63:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super()._check_values(value)
