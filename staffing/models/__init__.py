from .organisation import District, ITSystem, Sector, Unit
from .placements import Placement, PlacementShift
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
    "Availability",
    "District",
    "EmployeeProfile",
    "FrameworkAgreement",
    "ITSystem",
    "Placement",
    "PlacementShift",
    "Qualification",
    "Sector",
    "Skill",
    "Unit",
    "Worker",
    "WorkerSource",
]
