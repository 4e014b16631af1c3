"""Finding a person by part of a name, e-mail or phone is served by a trigram index on
PostgreSQL, not a read of every person (staffing migration 0012)."""

import pytest
from django.db import connection

from rosters.search import staff_search
from tests.staffing.factories import UserFactory, WorkerFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # a test table is tiny: forbid reading it whole (or in the order of another index) so
        # the plan shows what the trigram index can serve
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def coordinator():
    return UserFactory()


@pytest.mark.parametrize("term", ["Testvik", "ola test", "ola@example.no", "900 12 345"])
def test_the_people_search_uses_the_trigram_index(coordinator, term):
    WorkerFactory(first_name="Ola", last_name="Testvik", email="ola@example.no")
    results = staff_search(coordinator, term)

    plan = _plan(results.querysets["people"].order_by().values("pk"))

    assert "staffing_worker_search_trgm" in plan, plan
    assert "Seq Scan on staffing_worker" not in plan, plan


def test_what_the_index_finds_is_what_the_search_finds(coordinator):
    ola = WorkerFactory(first_name="Ola", last_name="Testvik", phone="+4790012345")
    WorkerFactory(first_name="Kari", last_name="Nordmann", phone="+4741111111")

    for term in ("testvik", "OLA", "90012345", "ola testvik"):
        assert list(staff_search(coordinator, term).querysets["people"]) == [ola], term
