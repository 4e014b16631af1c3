"""Writes to the audit trail (who changed what, when: old -> new).

Staffing audits workers; placements audits its checklist, certificates and contracts. Both go
through these functions, so an entry always looks the same.
"""

from collections.abc import Iterable

from django.db import models

from accounts.models import User
from staffing.models import AuditEntry, Worker


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, object]:
    return {name: getattr(obj, name) for name in fields}


def audit_changes(
    *, obj: models.Model, before: dict[str, object], by: User | None
) -> list[AuditEntry]:
    """One entry per field of `before` whose value on `obj` differs now."""
    entries = [
        AuditEntry(
            actor=by,
            object_type=obj._meta.label_lower,
            object_id=obj.pk,
            field=name,
            old_value="" if old is None else str(old),
            new_value="" if getattr(obj, name) is None else str(getattr(obj, name)),
        )
        for name, old in before.items()
        if getattr(obj, name) != old
    ]
    AuditEntry.objects.bulk_create(entries)
    return entries


def audit_record_opened(*, obj: models.Model, by: User) -> AuditEntry:
    """That someone opened a person's record (who and when; nothing else)."""
    return AuditEntry.objects.create(
        actor=by, object_type=obj._meta.label_lower, object_id=obj.pk, field="record_opened"
    )


def audit_values_blank(*, object_type: str, object_ids: Iterable[int]) -> int:
    """Blank the old and new values of these objects' entries; who changed which field when
    stays. For erasure: the values may hold personal data."""
    return (
        AuditEntry.objects.filter(object_type=object_type, object_id__in=list(object_ids))
        .exclude(old_value="", new_value="")
        .update(old_value="", new_value="")
    )


def audit_workers_exported(*, by: User, count: int, kind: str) -> AuditEntry:
    """One entry per export of the resource register (object id 0: a list, not one person)."""
    return AuditEntry.objects.create(
        actor=by,
        object_type=Worker._meta.label_lower,
        object_id=0,
        field="register_exported",
        new_value=f"{count} {kind}",
    )


def audit_rule_overridden(*, obj: models.Model, by: User, rules: str, reason: str) -> AuditEntry:
    """A coordinator placed someone past a rule that allows an exception by policy: which
    rules, why, who and when."""
    return AuditEntry.objects.create(
        actor=by,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        field="rule_overridden",
        old_value=rules,
        new_value=reason[:500],
    )
