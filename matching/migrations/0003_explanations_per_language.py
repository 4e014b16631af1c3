"""Explanations and reasons are kept per interface language ({code: text}) so that a reader
who picked English does not get the Bokmål the run was saved in. Existing texts were written
in the site's default language and are kept under that code."""

from django.conf import settings
from django.db import migrations, models


def to_per_language(apps, schema_editor):
    code = settings.LANGUAGE_CODE
    Proposal = apps.get_model("matching", "Proposal")
    UnfilledSlot = apps.get_model("matching", "UnfilledSlot")
    for p in Proposal.objects.iterator(chunk_size=1000):
        p.explanations = {code: p.explanation} if p.explanation else {}
        p.alternatives = [
            {**a, "reason": {code: a["reason"]}} if isinstance(a.get("reason"), str) else a
            for a in p.alternatives or []
        ]
        p.save(update_fields=["explanations", "alternatives"])
    for u in UnfilledSlot.objects.iterator(chunk_size=1000):
        u.reasons = {code: u.reason} if u.reason else {}
        u.save(update_fields=["reasons"])


def to_single_text(apps, schema_editor):
    code = settings.LANGUAGE_CODE

    def one(texts):
        if isinstance(texts, str):
            return texts
        return (texts or {}).get(code) or next(iter((texts or {}).values()), "")

    Proposal = apps.get_model("matching", "Proposal")
    UnfilledSlot = apps.get_model("matching", "UnfilledSlot")
    for p in Proposal.objects.iterator(chunk_size=1000):
        p.explanation = one(p.explanations)
        p.alternatives = [{**a, "reason": one(a.get("reason"))} for a in p.alternatives or []]
        p.save(update_fields=["explanation", "alternatives"])
    for u in UnfilledSlot.objects.iterator(chunk_size=1000):
        u.reason = one(u.reasons)
        u.save(update_fields=["reason"])


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0002_unfilledslot_proposalrejection"),
    ]

    operations = [
        migrations.AddField(
            model_name="proposal",
            name="explanations",
            field=models.JSONField(blank=True, default=dict, verbose_name="explanation"),
        ),
        migrations.AddField(
            model_name="unfilledslot",
            name="reasons",
            field=models.JSONField(blank=True, default=dict, verbose_name="reason"),
        ),
        migrations.RunPython(to_per_language, to_single_text),
        migrations.RemoveField(model_name="proposal", name="explanation"),
        migrations.RemoveField(model_name="unfilledslot", name="reason"),
    ]
