"""All models, imported here so metadata is complete for migrations."""

from hrtele.models.agreement import (
    Absence,
    Agreement,
    AgreementEvent,
    AnnualInterview,
    EquipmentItem,
    PriorityInformation,
)
from hrtele.models.audit import AuditChainHead, AuditEntry
from hrtele.models.base import Base
from hrtele.models.document import IssuedDocument, SignedScan
from hrtele.models.employee import Employee
from hrtele.models.imports import ImportBatch
from hrtele.models.organisation import Category, Employer, Establishment, Policy
from hrtele.models.payroll import PayrollExport, UrssafCeiling
from hrtele.models.place import Place
from hrtele.models.post import Post
from hrtele.models.request import TeleworkRequest
from hrtele.models.security import RateLimitCounter, RecoveryCode, UserTotp
from hrtele.models.signature import SignatureEvidence, SignatureRequest
from hrtele.models.user import Invitation, User, UserSession

__all__ = [
    "Absence",
    "Agreement",
    "AgreementEvent",
    "AnnualInterview",
    "AuditChainHead",
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
    "RateLimitCounter",
    "RecoveryCode",
    "SignatureEvidence",
    "SignatureRequest",
    "SignedScan",
    "TeleworkRequest",
    "UrssafCeiling",
    "User",
    "UserSession",
    "UserTotp",
]
