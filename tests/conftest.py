"""Users for each role and a small organisation that every test can build on."""

import os
from types import SimpleNamespace

import pytest
from django.db import connection

from accounts.models import Role
from tests.staffing.factories import (
    DistrictFactory,
    UnitFactory,
    UserFactory,
    standard_qualifications,
)

ROLES = [
    Role.UNIT_LEADER,
    Role.COORDINATOR,
    Role.HR,
    Role.VOLUNTEER_COORDINATOR,
    Role.ADMIN,
]


def pytest_collection_modifyitems(config, items):
    on_postgres = bool(os.environ.get("DATABASE_URL", "").startswith("postgres"))
    with_worker = bool(os.environ.get("REDIS_URL"))
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL)")
    skip_worker = pytest.mark.skip(reason="needs Redis and a Celery worker (REDIS_URL)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
        if "celery_worker" in item.keywords and not with_worker:
            item.add_marker(skip_worker)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # SMS stay in memory (outbox.backends.MemorySmsBackend.outbox), emptied for every test.
    from outbox.backends import MemorySmsBackend

    MemorySmsBackend.outbox.clear()
    settings.DUGNAD = {
        **settings.DUGNAD,
        "OUTBOX_BACKENDS": {
            **settings.DUGNAD["OUTBOX_BACKENDS"],
            "sms": "outbox.backends.MemorySmsBackend",
        },
    }
    # Real hashing costs half a second a user; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_eager(request):
    """Tasks run in-process in tests, also when REDIS_URL is set; the tests marked
    `celery_worker` send theirs through the real broker to a real worker."""
    from config.celery import app

    eager = "celery_worker" not in request.keywords
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _ensure_checklist_templates() -> None:
    """Transactional tests (browser, concurrency) empty every table when they finish, including
    the checklist templates a data migration seeded; put them back for the next test."""
    from importlib import import_module

    from placements.models import ChecklistTemplate

    seeded = import_module("staffing.migrations.0004_checklist_templates").TEMPLATES
    for source, item_type, order, applies_when in seeded:
        ChecklistTemplate.objects.get_or_create(
            source=source,
            item_type=item_type,
            defaults={"order": order, "applies_when": applies_when, "required": True},
        )


@pytest.fixture
def world(db):
    """Two districts, a health unit with a ward (leader's), a unit elsewhere (leader2's),
    the qualification ladder, and one user per role."""
    north = DistrictFactory(code="nord", name="Nord")
    south = DistrictFactory(code="sor", name="Sør")
    home = UnitFactory(name="Nordtun sykehjem", code="nordtun", district=north, is_critical=True)
    ward = UnitFactory(name="Nordtun avd. A", code="nordtun-a", district=north, parent=home)
    other = UnitFactory(name="Sørli hjemmetjeneste", code="sorli", district=south)
    quals = standard_qualifications()
    _ensure_checklist_templates()
    users = {
        Role.UNIT_LEADER: UserFactory(
            email="leader@dugnad.test", role=Role.UNIT_LEADER, led_units=[home]
        ),
        "unit_leader_other": UserFactory(
            email="leader2@dugnad.test", role=Role.UNIT_LEADER, led_units=[other]
        ),
        Role.COORDINATOR: UserFactory(email="coordinator@dugnad.test", role=Role.COORDINATOR),
        Role.HR: UserFactory(email="hr@dugnad.test", role=Role.HR),
        Role.VOLUNTEER_COORDINATOR: UserFactory(
            email="volunteers@dugnad.test", role=Role.VOLUNTEER_COORDINATOR
        ),
        Role.ADMIN: UserFactory(
            email="admin@dugnad.test", role=Role.ADMIN, is_staff=True, is_superuser=True
        ),
    }
    return SimpleNamespace(
        north=north,
        south=south,
        home=home,
        ward=ward,
        other=other,
        quals=quals,
        users=users,
        leader=users[Role.UNIT_LEADER],
        leader2=users["unit_leader_other"],
        coordinator=users[Role.COORDINATOR],
        hr=users[Role.HR],
        volunteer_coordinator=users[Role.VOLUNTEER_COORDINATOR],
        admin=users[Role.ADMIN],
    )


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"
