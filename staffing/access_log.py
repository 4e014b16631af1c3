"""Who saw personal data of the workforce: record openings and exports (who, when, how many;
never the search terms or the data itself)."""

from accounts.models import User
from staffing.models import AuditEntry, Worker


def workers_exported(*, by: User, count: int, kind: str) -> AuditEntry:
    """One entry per export of the resource register (object id 0: a list, not one person)."""
    return AuditEntry.objects.create(
        actor=by,
        object_type=Worker._meta.label_lower,
        object_id=0,
        field="register_exported",
        new_value=f"{count} {kind}",
    )
