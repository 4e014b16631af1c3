"""Pieces for the apps' ModelAdmins (core is not an app; nothing is registered here)."""

from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models

from core.forms import ModelMultipleChoiceField

# Many-to-many fields in admin forms refuse an id beyond 64 bits instead of failing (500).
FORMFIELD_OVERRIDES = {models.ManyToManyField: {"form_class": ModelMultipleChoiceField}}


class SafeAutocompleteSelect(AutocompleteSelect):
    """Re-rendering a refused form looks the posted id up again; an id that is no id at all
    ("1e309") made that lookup fail (500). Such a value is shown as nothing chosen."""

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.model._meta.get_field(self.field.remote_field.field_name)
        kept = []
        for item in value:
            try:
                parsed = target.to_python(item) if item not in ("", None) else item
            except (ValidationError, TypeError, ValueError):
                continue
            if isinstance(parsed, int) and not -(2**63) <= parsed < 2**63:
                continue
            kept.append(item)
        return super().optgroups(name, kept, attr)


class SafeAutocompleteMixin:
    """For ModelAdmins and inlines with `autocomplete_fields`."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
