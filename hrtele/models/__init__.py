"""All models, imported here so metadata is complete for migrations."""

from hrtele.models.agreement import (
    Absence,
    Agreement,
    AgreementEvent,
    AnnualInterview,
    EquipmentItem,
    PriorityInformation,
)
from hrtele.models.api_token import ApiToken
from hrtele.models.audit import AuditEntry
from hrtele.models.base import Base
from hrtele.models.document import IssuedDocument, SignedScan
from hrtele.models.employee import Employee
from hrtele.models.imports import ImportBatch
from hrtele.models.organisation import Category, Employer, Establishment, Policy
from hrtele.models.payroll import PayrollExport, UrssafCeiling
from hrtele.models.place import Place
from hrtele.models.post import Post
from hrtele.models.request import TeleworkRequest
from hrtele.models.signature import SignatureEvidence, SignatureRequest
from hrtele.models.user import Invitation, User, UserSession

__all__ = [
    "Absence",
    "Agreement",
    "AgreementEvent",
    "AnnualInterview",
    "ApiToken",
    "AuditEntry",
    "Base",
    "Category",
    "Employee",
    "Employer",
    "EquipmentItem",
    "Establishment",
    "ImportBatch",
    "Invitation",
    "IssuedDocument",
    "PayrollExport",
    "Place",
    "Policy",
    "Post",
    "PriorityInformation",
    "SignatureEvidence",
    "SignatureRequest",
    "SignedScan",
    "TeleworkRequest",
    "UrssafCeiling",
    "User",
    "UserSession",
]
