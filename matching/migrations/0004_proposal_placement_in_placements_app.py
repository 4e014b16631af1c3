"""Proposal.placement points at the same table, now owned by the `placements` app."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0003_explanations_per_language"),
        ("placements", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="proposal",
                    name="placement",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="proposals",
                        to="placements.placement",
                        verbose_name="placement",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
