from django.db import migrations

# (source, item_type, order, applies_when)
TEMPLATES = [
    ("volunteer", "police_certificate", 10, "always"),
    ("volunteer", "contract", 20, "always"),
    ("volunteer", "hr_registration", 30, "always"),
    ("volunteer", "confidentiality", 40, "always"),
    ("volunteer", "introduction", 50, "always"),
    ("volunteer", "system_access", 60, "always"),
    ("employee", "home_leader_confirmation", 10, "always"),
    ("employee", "police_certificate", 20, "need_requires_police_certificate"),
    ("employee", "system_access", 30, "always"),
    ("agency", "agency_police_confirmation", 10, "always"),
    ("agency", "confidentiality", 20, "always"),
    ("agency", "system_access", 30, "always"),
]


def seed(apps, schema_editor):
    ChecklistTemplate = apps.get_model("staffing", "ChecklistTemplate")
    for source, item_type, order, applies_when in TEMPLATES:
        ChecklistTemplate.objects.get_or_create(
            source=source,
            item_type=item_type,
            defaults={"order": order, "applies_when": applies_when, "required": True},
        )


def unseed(apps, schema_editor):
    ChecklistTemplate = apps.get_model("staffing", "ChecklistTemplate")
    for source, item_type, _order, _when in TEMPLATES:
        ChecklistTemplate.objects.filter(source=source, item_type=item_type).delete()


class Migration(migrations.Migration):
    dependencies = [("staffing", "0003_onboarding")]

    operations = [migrations.RunPython(seed, unseed)]
