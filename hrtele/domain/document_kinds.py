"""Registry of the documents hrtele issues, and when each may be issued.

The database constraint on ``issued_documents.kind``, the labels on screens, the download file
names and the "can this be issued now" answers of every screen come from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import lifecycle as lc

AMENDMENT = "amendment"
REVERSIBILITY_NOTICE = "reversibility_notice"
REFUSAL_LETTER = "refusal_letter"
INTERVIEW_RECORD = "interview_record"
OBSERVATORY = "observatory"


@dataclass(frozen=True, slots=True)
class DocumentKind:
    """One kind of issued document."""

    code: str
    label: str  # French, as listed on screens
    download_name: str  # ASCII prefix of the downloaded file name
    acknowledged_by_employee: bool  # the employee is asked to acknowledge it in their space


DOCUMENT_KINDS: dict[str, DocumentKind] = {
    kind.code: kind
    for kind in (
        DocumentKind(AMENDMENT, "Avenant de télétravail", "avenant-teletravail", True),
        DocumentKind(
            REVERSIBILITY_NOTICE,
            "Notification de fin de télétravail",
            "notification-fin-teletravail",
            True,
        ),
        DocumentKind(REFUSAL_LETTER, "Lettre de refus motivé", "refus-teletravail", False),
        DocumentKind(
            INTERVIEW_RECORD, "Compte rendu d'entretien annuel", "entretien-annuel", False
        ),
        DocumentKind(OBSERVATORY, "Observatoire du télétravail", "observatoire", False),
    )
}
DOCUMENT_KIND_CODES: tuple[str, ...] = tuple(DOCUMENT_KINDS)

#: First issue of the amendment (draft) and new versions before signature (issued).
AMENDMENT_FIRST_ISSUE_STATES: frozenset[str] = frozenset({lc.DRAFT, lc.ISSUED})
#: Running agreements whose « avenant modificatif » is issued as version n+1.
AMENDMENT_REVISION_STATES: frozenset[str] = frozenset({lc.ADAPTATION, lc.ACTIVE, lc.SUSPENDED})
#: States whose agreements necessarily went through an amendment (issued in or out of the app).
AMENDMENT_IMPLIED_STATES: frozenset[str] = frozenset(
    {lc.ISSUED, lc.SIGNED, lc.ADAPTATION, lc.ACTIVE, lc.SUSPENDED, lc.ENDING, lc.ENDED}
)
#: The end-of-telework notice is issued once the end was notified.
NOTICE_STATES: frozenset[str] = frozenset({lc.ENDING, lc.ENDED})


def can_issue_amendment(state: str, kind: str, has_pending_amendment: bool) -> bool:
    """Whether an amendment version may be issued for an agreement in ``state``."""
    if kind != "regular":
        return False
    if state in AMENDMENT_FIRST_ISSUE_STATES:
        return True
    return state in AMENDMENT_REVISION_STATES and has_pending_amendment


def label(code: str) -> str:
    """French label of a document kind (the code itself when unknown)."""
    kind = DOCUMENT_KINDS.get(code)
    return kind.label if kind is not None else code
