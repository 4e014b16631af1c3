"""Reads for the resource register, a person's page and the import pages."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from staffing.models import PeopleImport

IMPORTERS = (Role.HR, Role.COORDINATOR)
# How the import report names a changed field.
CHANGE_LABELS = {
    "first_name": _("first name"),
    "last_name": _("last name"),
    "email": _("e-mail"),
    "phone": _("mobile phone"),
    "hpr_number": _("HPR number"),
    "home_district_id": _("district"),
    "home_unit_id": _("home unit"),
    "position_percent": _("position size"),
    "wants_more_hours": _("wants more hours"),
    "qualifications": _("qualifications"),
    "skills": _("skills"),
    "missing_since": _("back in the export"),
}


def people_imports_recent(user: User, limit: int = 10) -> QuerySet[PeopleImport]:
    if not user.has_role(*IMPORTERS):
        return PeopleImport.objects.none()
    return (
        PeopleImport.objects.select_related("created_by", "applied_by", "agency")
        .defer("content", "report")
        .order_by("-created_at", "-pk")[:limit]
    )


def people_import_get_for_user(user: User, pk: int) -> PeopleImport:
    if not user.has_role(*IMPORTERS):
        raise Http404
    return get_object_or_404(
        PeopleImport.objects.select_related("created_by", "applied_by", "agency").defer("content"),
        pk=pk,
    )


def people_import_report_rows(people_import: PeopleImport) -> dict[str, list[dict]]:
    """The stored report's rows by kind, with changed fields named for the reader."""
    rows: dict[str, list[dict]] = {"rejected": [], "changed": [], "new": []}
    for row in people_import.report.get("rows", []):
        if row["action"] in rows:
            changes = [str(CHANGE_LABELS.get(name, name)) for name in row.get("changes", [])]
            rows[row["action"]].append({**row, "changes": changes})
    return rows
