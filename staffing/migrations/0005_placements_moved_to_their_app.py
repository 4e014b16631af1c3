"""Placements and the onboarding checklist now belong to `placements` (its 0001). Only the
state changes: the tables stay, now owned by that app."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0004_proposal_placement_in_placements_app"),
        ("staffing", "0004_checklist_templates"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="employmentcontract",
                    name="placement",
                ),
                migrations.RemoveField(
                    model_name="placement",
                    name="approved_by",
                ),
                migrations.RemoveField(
                    model_name="placement",
                    name="need",
                ),
                migrations.RemoveField(
                    model_name="placement",
                    name="unit",
                ),
                migrations.RemoveField(
                    model_name="placement",
                    name="worker",
                ),
                migrations.RemoveField(
                    model_name="placementshift",
                    name="placement",
                ),
                migrations.RemoveField(
                    model_name="placementshift",
                    name="shift",
                ),
                migrations.RemoveField(
                    model_name="placementshift",
                    name="worker",
                ),
                migrations.RemoveField(
                    model_name="policecertificate",
                    name="checked_by",
                ),
                migrations.RemoveField(
                    model_name="policecertificate",
                    name="worker",
                ),
                migrations.DeleteModel(
                    name="ChecklistItem",
                ),
                migrations.DeleteModel(
                    name="ChecklistTemplate",
                ),
                migrations.DeleteModel(
                    name="EmploymentContract",
                ),
                migrations.DeleteModel(
                    name="Placement",
                ),
                migrations.DeleteModel(
                    name="PlacementShift",
                ),
                migrations.DeleteModel(
                    name="PoliceCertificate",
                ),
            ],
            database_operations=[],
        ),
    ]
