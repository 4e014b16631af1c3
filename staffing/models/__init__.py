from .audit import AuditEntry
from .imports import PeopleImport
from .organisation import District, ITSystem, Sector, Unit
from .workforce import (
    Agency,
    AgreementRate,
    Availability,
    EmployeeProfile,
    FrameworkAgreement,
    Qualification,
    Skill,
    Worker,
    WorkerSource,
)

__all__ = [
    "Agency",
    "AgreementRate",
    "AuditEntry",
    "Availability",
    "District",
    "EmployeeProfile",
    "FrameworkAgreement",
    "ITSystem",
    "PeopleImport",
    "Qualification",
    "Sector",
    "Skill",
    "Unit",
    "Worker",
    "WorkerSource",
]
