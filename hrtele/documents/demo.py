"""Demo data step: real documents for the demonstration agreements and requests.

The demo loader creates agreements directly in statuses such as « signé » or « actif »,
without their documents. This step renders and stores, like the application does, the
amendment those agreements went through, the end-of-telework notice of agreements whose end
was notified, and the refusal letter of refused requests. A render takes about 0.2 s, so the
step is bounded (by default the first 15 agreements, 3 notices, 3 refusal letters).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from hrtele.documents import services
from hrtele.domain import lifecycle
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.models import Agreement, AgreementEvent, TeleworkRequest, User

__all__ = ["DemoDocuments", "issue_demo_documents"]

MAX_AMENDMENTS = 15
MAX_NOTICES = 3
MAX_REFUSALS = 3


@dataclass
class DemoDocuments:
    """How many documents the step stored, and what it skipped (French reasons)."""

    amendments: int = 0
    notices: int = 0
    refusals: int = 0
    skipped: list[str] = field(default_factory=list)
    limits: tuple[int, int, int] = (MAX_AMENDMENTS, MAX_NOTICES, MAX_REFUSALS)

    def report(self) -> list[str]:
        """Lines for the command output (the limits are stated)."""
        amendments, notices, refusals = self.limits
        lines = [
            f"  Documents PDF émis : {self.amendments} avenant(s), {self.notices} notification(s) "
            f"de fin de télétravail, {self.refusals} lettre(s) de refus",
            f"    (limités aux {amendments} premiers accords, {notices} notifications et "
            f"{refusals} lettres de refus : chaque rendu prend environ 0,2 s ; les autres "
            "documents s'émettent depuis les écrans)",
        ]
        lines += [f"    non émis : {reason}" for reason in self.skipped]
        return lines


def _amendment_date(agreement: Agreement) -> date:
    """Date of the latest issue of the avenant in the timeline, else a date from the record."""
    issued = db.session.scalar(
        select(AgreementEvent.event_date)
        .where(
            AgreementEvent.agreement_id == agreement.id,
            AgreementEvent.event.in_((lifecycle.ISSUE, lifecycle.REISSUE)),
        )
        .order_by(AgreementEvent.event_date.desc(), AgreementEvent.id.desc())
        .limit(1)
    )
    candidates = [agreement.employee_signed_date, agreement.employer_signed_date]
    fallback = min((d for d in candidates if d is not None), default=agreement.start_date)
    return issued or fallback


def _attempt(result: DemoDocuments, label: str, action) -> bool:
    """Run one issue inside a savepoint; a refusal is recorded and the step goes on."""
    try:
        with db.session.begin_nested():
            action()
    except BusinessRuleError as exc:
        result.skipped.append(f"{label} : {exc}")
        return False
    return True


def issue_demo_documents(
    today: date,
    actor: User | None = None,
    *,
    max_amendments: int = MAX_AMENDMENTS,
    max_notices: int = MAX_NOTICES,
    max_refusals: int = MAX_REFUSALS,
) -> DemoDocuments:
    """Render and store the documents the demo records imply (bounded); flushes, never commits."""
    result = DemoDocuments(limits=(max_amendments, max_notices, max_refusals))
    agreements = list(
        db.session.scalars(
            select(Agreement)
            .where(
                Agreement.kind == "regular",
                Agreement.status.in_(services.AMENDMENT_IMPLIED_STATUSES),
            )
            .order_by(Agreement.id)
        )
    )
    ending = [a for a in agreements if a.status in services.NOTICE_STATUSES][:max_notices]
    # Agreements that get a notice need their amendment first; then the others, by number.
    chosen = ending + [a for a in agreements if a not in ending]
    with_amendment: set[int] = set()
    for agreement in chosen[:max_amendments]:
        ok = _attempt(
            result,
            f"avenant de l'accord n° {agreement.id}",
            lambda a=agreement: services.record_existing_amendment(a, actor, _amendment_date(a)),
        )
        if ok:
            result.amendments += 1
            with_amendment.add(agreement.id)
    for agreement in ending:
        if agreement.id not in with_amendment:
            continue
        if _attempt(
            result,
            f"notification de l'accord n° {agreement.id}",
            lambda a=agreement: services.issue_notice(a, actor, today),
        ):
            result.notices += 1
    refused = db.session.scalars(
        select(TeleworkRequest)
        .where(TeleworkRequest.status == "refused")
        .order_by(TeleworkRequest.id)
        .limit(max_refusals)
    )
    for req in refused:
        if _attempt(
            result,
            f"lettre de refus de la demande n° {req.id}",
            lambda r=req: services.issue_refusal(r, actor, min(r.decision_date or today, today)),
        ):
            result.refusals += 1
    return result
