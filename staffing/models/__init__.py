from .audit import AuditEntry
from .imports import PeopleImport
from .organisation import District, ITSystem, Sector, Unit
from .workforce import (
    Agency,
    AgreementRate,
    Availability,
    ContactChannel,
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
    "ContactChannel",
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
