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
from hrtele.models.audit import AuditChainHead, AuditEntry
from hrtele.models.base import Base
from hrtele.models.cache import AllowanceLine, DataVersion, DerivedResult
from hrtele.models.campaign import Campaign, CampaignItem
from hrtele.models.document import IssuedDocument, PaperAmendment, SignedScan
from hrtele.models.employee import Employee
from hrtele.models.imports import ImportBatch
from hrtele.models.indexes import SCALE_INDEXES
from hrtele.models.notification import Notification
from hrtele.models.organisation import Category, Employer, Establishment, Policy
from hrtele.models.payroll import PayrollExport, UrssafCeiling
from hrtele.models.place import Place
from hrtele.models.planning import CalendarFeed, DayChange, Team
from hrtele.models.post import Post
from hrtele.models.refusal_reason import RefusalReason
from hrtele.models.request import TeleworkRequest
from hrtele.models.security import RateLimitCounter, RecoveryCode, UserTotp
from hrtele.models.signature import SignatureEvidence, SignatureRequest
from hrtele.models.user import Invitation, User, UserSession

__all__ = [
    "Absence",
    "Agreement",
    "AllowanceLine",
    "AgreementEvent",
    "AnnualInterview",
    "AuditChainHead",
    "ApiToken",
    "AuditEntry",
    "Base",
    "CalendarFeed",
    "Category",
    "DayChange",
    "Campaign",
    "CampaignItem",
    "DataVersion",
    "DerivedResult",
    "Employee",
    "Employer",
    "EquipmentItem",
    "Establishment",
    "ImportBatch",
    "SCALE_INDEXES",
    "Invitation",
    "IssuedDocument",
    "Notification",
    "PaperAmendment",
    "PayrollExport",
    "Place",
    "Policy",
    "Post",
    "RefusalReason",
    "PriorityInformation",
    "RateLimitCounter",
    "RecoveryCode",
    "SignatureEvidence",
    "SignatureRequest",
    "SignedScan",
    "Team",
    "TeleworkRequest",
    "UrssafCeiling",
    "User",
    "UserSession",
    "UserTotp",
]
