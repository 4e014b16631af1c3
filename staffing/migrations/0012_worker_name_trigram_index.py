"""Trigram indexes for finding a person by any part of their name, e-mail or phone (the staff
search, the register's search, "why not this person?"): Django's `icontains` is
`UPPER(col::text) LIKE UPPER('%term%')`, which no B-tree serves, so every search read all
~22,000 people twice (count and page). pg_trgm's GIN index serves LIKE '%…%' and, from
PostgreSQL 14, equality. PostgreSQL only (pg_trgm is a trusted extension: the database owner
may create it); SQLite, the newcomer's database, keeps its table scan."""

from django.db import migrations

INDEX = "staffing_worker_search_trgm"
COLUMNS = (
    "UPPER(first_name::text) gin_trgm_ops, UPPER(last_name::text) gin_trgm_ops, "
    "UPPER(email::text) gin_trgm_ops, (phone::text) gin_trgm_ops"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON staffing_worker USING gin ({COLUMNS})"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("staffing", "0011_credentials_absences_releases")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
