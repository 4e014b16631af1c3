"""Garbage in the administrators' forms (Django admin add pages of the project's models).

The admin builds its forms from the models, so there is no class to list: every registered
model of a project app with an add page is spoiled here. No valid baseline (required relations
differ per model), so this checks only that nothing answers 5xx.
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.contrib import admin
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.garbage.strategies import value_for
from tests.garbage.test_forms import GARBAGE, _rolled_back


def _project_admins():
    base = str(django_settings.BASE_DIR)
    found = []
    for model, model_admin in admin.site._registry.items():
        path = model._meta.app_config.path
        if path.startswith(base) and "site-packages" not in path:
            found.append((model, model_admin))
    return sorted(found, key=lambda pair: pair[0]._meta.label)


ADMINS = _project_admins()


def _kind(field) -> str:
    name = type(field).__name__
    if "Date" in name:
        return "date"
    if "Time" in name:
        return "time"
    if any(word in name for word in ("Integer", "Decimal", "Float", "ModelChoice", "Choice")):
        return "number"
    return "text"


@pytest.mark.parametrize(("model", "model_admin"), ADMINS, ids=lambda v: getattr(v, "__name__", ""))
def test_garbage_in_admin_add_forms_gives_no_server_error(client, world, model, model_admin):
    request = RequestFactory().get("/")
    request.user = world.admin
    if not model_admin.has_add_permission(request):
        pytest.skip("no add page")
    fields = {name: _kind(f) for name, f in model_admin.get_form(request).base_fields.items()}
    if not fields:
        pytest.skip("no fields")
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    client.force_login(world.admin)
    names = sorted(fields)

    @GARBAGE
    @given(
        data=st.dictionaries(
            st.sampled_from(names), st.just(None), min_size=1, max_size=len(names)
        ).flatmap(
            lambda chosen: st.fixed_dictionaries({name: value_for(fields[name]) for name in chosen})
        )
    )
    def spoil(data):
        cache.clear()
        with _rolled_back():
            response = client.post(url, data)
            assert response.status_code < 500, (response.status_code, data)

    spoil()
