"""Garbage in every form: no 5xx, and what is accepted is stored as the person meant it.

Property-based (hypothesis): each case starts from a valid submission and spoils one to three
fields with huge, empty, NUL, control, direction, confusable and injection strings, impossible
dates, times and numbers, or drops or duplicates them. Raw bodies add invalid UTF-8 and wrong
content types. Examples are derandomised so CI runs the same ones each time (on SQLite and on
PostgreSQL); `GARBAGE_EXAMPLES` raises the count for a deeper local hunt.
"""

from __future__ import annotations

import importlib
import os
from contextlib import contextmanager

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from tests.garbage.cases import CASES, FormCase
from tests.garbage.strategies import apply, mutations

EXAMPLES = int(os.environ.get("GARBAGE_EXAMPLES", "20"))
GARBAGE = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# Base classes whose fields reach the server only through a subclass that has a case.
ABSTRACT = {
    "needs.forms.NeedFieldsForm": "fields of NeedCreateForm and NeedEditForm",
    "volunteers.forms.VolunteerForm": "fields of RegistrationForm and SelfUpdateForm",
    "rosters.forms._UnitForm": "the unit choice of WeekForm, DayForm and ExportForm",
    "resources.forms._PeriodForm": "fields of ReleaseForm and AbsenceForm",
    "community.forms.HelpRequestForm": "fields of HelpRequestPublicForm and HelpRequestStaffForm",
}


class _Rollback(Exception):
    pass


@contextmanager
def _rolled_back():
    """Each example starts from the same database: its writes are undone afterwards."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def _posted_name(data: dict, name: str) -> str:
    """Fields of checklist item forms carry a prefix with the item's id."""
    if name in data:
        return name
    return next((key for key in data if key.endswith(f"-{name}")), name)


def _send(client, case: FormCase, ctx, data: dict):
    url = reverse(case.url, kwargs=ctx.kwargs)
    if case.method == "get":
        return client.get(url, data)
    return client.post(url, data)


def _last(value):
    return value[-1] if isinstance(value, list) else value


def _prepare(case: FormCase, client, world):
    ctx = case.setup(world)
    if case.role:
        client.force_login(getattr(world, case.role))
    return ctx


def _check_stored(case: FormCase, ctx, data: dict, changes) -> None:
    if case.stored is None:
        return
    stored = case.stored(ctx)
    for op, name, _value in changes:
        if name not in case.expect or op == "drop":
            continue
        posted = _last(data.get(_posted_name(data, name)))
        if not isinstance(posted, str):
            continue
        assert stored[name] == case.expect[name](posted), (name, posted, stored[name])


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_the_valid_submission_of_each_case_is_accepted_and_stored_as_meant(client, world, case):
    """Without this, a case whose baseline fails would test nothing but error pages."""
    ctx = _prepare(case, client, world)
    data = case.data(world, ctx)
    response = _send(client, case, ctx, data)
    assert response.status_code < 400, response.status_code
    if case.stored is not None:
        form = (response.context or {}).get("form") if response.status_code == 200 else None
        assert case.accepted(response, ctx), form.errors if form else response.status_code
        changes = [("set", name, None) for name in case.expect]
        _check_stored(case, ctx, data, changes)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_garbage_in_any_field_gives_no_server_error(client, world, case):
    ctx = _prepare(case, client, world)
    baseline = case.data(world, ctx)
    names = {_posted_name(baseline, name): name for name in case.fields}
    fields = {posted: case.fields[name] for posted, name in names.items()}

    @GARBAGE
    @given(changes=mutations(fields))
    def spoil(changes):
        cache.clear()  # the registration rate limit would hide the form after five posts
        with _rolled_back():
            data = apply(baseline, changes)
            response = _send(client, case, ctx, data)
            assert response.status_code < 500, (response.status_code, changes)
            if case.accepted(response, ctx):
                _check_stored(case, ctx, data, [(op, names[n], v) for op, n, v in changes])

    spoil()


RAW_BODIES = [
    b"\xff\xfe\xfd",
    b"first_name=%ff%fe&last_name=\xc3\x28&email=a%00b%40example.test&reason=%c0%af",
    b"a=" + b"\xe2\x82" * 100,
    b"%" * 50 + b"=&=&&==",
    b"next=%00&items=1&items=x&items=&status=done",
    b'--xyz\r\nContent-Disposition: form-data; name="reason"\r\n\r\n\xff\r\n--xyz--\r\n',
]
CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=latin-1",
    "application/x-www-form-urlencoded; charset=nonsense",
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=xyz",
    "application/json",
    "text/plain",
    "",
]


@pytest.mark.parametrize("case", [c for c in CASES if c.method == "post"], ids=lambda c: c.name)
def test_raw_bodies_with_invalid_utf8_or_a_wrong_content_type_give_no_server_error(
    client, world, case
):
    ctx = _prepare(case, client, world)
    url = reverse(case.url, kwargs=ctx.kwargs)
    sent = [(CONTENT_TYPES[0], body) for body in RAW_BODIES]
    sent += [(kind, RAW_BODIES[i % len(RAW_BODIES)]) for i, kind in enumerate(CONTENT_TYPES[1:])]
    for content_type, body in sent:
        cache.clear()
        with _rolled_back():
            response = client.generic("POST", url, body, content_type=content_type)
            assert response.status_code < 500, (content_type, body)


def _project_modules() -> list[str]:
    base = str(django_settings.BASE_DIR)
    names = []
    for config in apps.get_app_configs():
        if not config.path.startswith(base) or "site-packages" in config.path:
            continue
        for sub in ("forms", "filters", "views"):
            try:
                importlib.import_module(f"{config.name}.{sub}")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.{sub}":
                    raise
        names.append(config.name)
    return names


def _subclasses(cls) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found.add(sub)
        found |= _subclasses(sub)
    return found


def test_every_form_class_of_the_project_has_a_garbage_case():
    project = tuple(f"{name}." for name in _project_modules())
    classes = _subclasses(forms.BaseForm) | _subclasses(django_filters.FilterSet)
    ours = {f"{c.__module__}.{c.__qualname__}" for c in classes if c.__module__.startswith(project)}
    covered = {path for case in CASES for path in case.forms} | set(ABSTRACT)
    missing = sorted(ours - covered)
    assert not missing, f"forms without a garbage case in tests/garbage/cases.py: {missing}"
    stale = sorted(p for p in covered - ours if p.split(".")[0] in set(_project_modules()))
    assert not stale, f"cases name forms that no longer exist: {stale}"


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c.name in ("register", "need_create", "item_status")],
    ids=lambda c: c.name,
)
def test_a_form_posted_in_utf16_gives_a_client_error(client, world, case):
    ctx = _prepare(case, client, world)
    url = reverse(case.url, kwargs=ctx.kwargs)
    body = "first_name=Frida&title=x&reason=x".encode("utf-16")
    response = client.generic(
        "POST", url, body, content_type="application/x-www-form-urlencoded; charset=utf-16"
    )
    assert response.status_code < 500


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_case_spoils_every_field_of_its_forms(case):
    project = tuple(f"{name}." for name in _project_modules())
    spoiled = {name.rsplit("-", 1)[-1] for name in case.fields}
    for path in case.forms:
        if not path.startswith(project):
            continue
        module, name = path.rsplit(".", 1)
        cls = getattr(importlib.import_module(module), name)
        declared = getattr(cls, "base_filters", None) or cls.base_fields
        missing = set(declared) - spoiled
        assert not missing, f"{case.name}: fields of {path} no case spoils: {sorted(missing)}"
