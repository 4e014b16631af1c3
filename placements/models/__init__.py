from .onboarding import (
    ITEM_TYPES_NOT_BY_HR,
    ITEM_TYPES_WITH_DATA,
    CertificatePurpose,
    ChecklistItem,
    ChecklistTemplate,
    ContractType,
    EmploymentContract,
    ItemType,
    PoliceCertificate,
    TemporaryGround,
)
from .placements import Placement, PlacementShift

__all__ = [
    "ITEM_TYPES_NOT_BY_HR",
    "ITEM_TYPES_WITH_DATA",
    "CertificatePurpose",
    "ChecklistItem",
    "ChecklistTemplate",
    "ContractType",
    "EmploymentContract",
    "ItemType",
    "Placement",
    "PlacementShift",
    "PoliceCertificate",
    "TemporaryGround",
]
