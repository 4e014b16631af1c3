"""Let PostgreSQL itself refuse two active placement shifts of one worker that overlap.

SQLite (the embedded default) has no exclusion constraints; there the approval service's row lock
and overlap check are the guard.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE staffing_placementshift
    ADD CONSTRAINT placement_shift_no_overlap
    EXCLUDE USING gist (worker_id WITH =, tstzrange(start, "end", '[)') WITH &&)
    WHERE (is_active);
"""
DROP = "ALTER TABLE staffing_placementshift DROP CONSTRAINT IF EXISTS placement_shift_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("staffing", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
