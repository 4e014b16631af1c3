from .audit import AuditEntry
from .imports import PeopleImport
from .organisation import District, ITSystem, Sector, Unit
from .workforce import (
    WEEKDAYS,
    Absence,
    Agency,
    AgreementRate,
    Availability,
    ContactChannel,
    EmployeeProfile,
    FrameworkAgreement,
    Qualification,
    Release,
    Skill,
    Worker,
    WorkerQualification,
    WorkerSkill,
    WorkerSource,
)

__all__ = [
    "WEEKDAYS",
    "Absence",
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
    "Release",
    "Sector",
    "Skill",
    "Unit",
    "Worker",
    "WorkerQualification",
    "WorkerSkill",
    "WorkerSource",
]
