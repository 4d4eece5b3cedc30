"""Issuing legal documents as immutable records, previews, signed scans, history.

Issuing = build the frozen snapshot from the models (builders), render it once (render.py),
store the bytes with their SHA-256, the canonical snapshot JSON and the template version.
The stored bytes are never re-rendered nor updated (database triggers, migration 0002); a
correction is a new version, and the previous ones are only flagged ``is_superseded``.

Services flush and audit; the route (or CLI command) commits once, or rolls back on
BusinessRuleError (French message). Uniqueness of (employee, kind, version) and of the
reference makes a concurrent double issue fail cleanly instead of storing a duplicate.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer

from hrtele import clock
from hrtele.agreements.compliance import check_stored
from hrtele.audit.service import record, record_change
from hrtele.documents import builders
from hrtele.documents.pdf_check import UnsafePdf, check_plain_pdf
from hrtele.documents.render import TEMPLATE_VERSION, render_pdf
from hrtele.documents.snapshots import Snapshot, snapshot_from_json, snapshot_json
from hrtele.domain import amendment_basis, document_kinds, lifecycle
from hrtele.domain.terms import Violation
from hrtele.domain_adapters import (
    RuleViolations,
)
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.integrity import matches
from hrtele.models import (
    Agreement,
    AgreementEvent,
    IssuedDocument,
    PaperAmendment,
    SignedScan,
    TeleworkRequest,
    User,
)
from hrtele.models.base import utcnow
from hrtele.notifications import events as notification_events

__all__ = [
    "AMENDMENT_STATUSES",
    "DOWNLOAD_NAMES",
    "NOTICE_STATUSES",
    "AmendmentPlan",
    "amendment_plan",
    "amendment_snapshot",
    "amendment_violations",
    "amendment_changes",
    "amendment_facts",
    "amendment_preview_refusal",
    "has_issued_amendment",
    "notice_preview_refusal",
    "paper_amendment",
    "paper_amendment_refusal",
    "record_paper_amendment",
    "attach_scan",
    "document_history_stmt",
    "documents_for_agreement",
    "download_filename",
    "integrity_ok",
    "issuer_names",
    "issue_amendment",
    "issue_notice",
    "issue_refusal",
    "notice_document",
    "notice_refusal",
    "notice_snapshot",
    "preview_amendment",
    "preview_notice",
    "preview_refusal",
    "record_existing_amendment",
    "refusal_document",
    "rerender",
    "scan_filename",
    "scans_for_documents",
    "validate_scan",
]

PARIS = ZoneInfo("Europe/Paris")

#: Statuses in which the amendment can be issued, with the lifecycle event it records.
AMENDMENT_STATUSES: dict[str, str] = {
    lifecycle.DRAFT: lifecycle.ISSUE,
    lifecycle.ISSUED: lifecycle.REISSUE,
}
#: Running statuses in which an « avenant modificatif » (amend / renew) is issued as version n+1.
AMENDED_STATUSES: frozenset[str] = document_kinds.AMENDMENT_REVISION_STATES
#: Statuses in which the end-of-telework notice can be issued.
NOTICE_STATUSES: frozenset[str] = document_kinds.NOTICE_STATES
#: Statuses whose agreements necessarily had an amendment (used to record past amendments).
AMENDMENT_IMPLIED_STATUSES: frozenset[str] = document_kinds.AMENDMENT_IMPLIED_STATES

#: Download file name prefix per kind.
DOWNLOAD_NAMES: dict[str, str] = {
    code: kind.download_name for code, kind in document_kinds.DOCUMENT_KINDS.items()
}

_DUPLICATE = (
    "Ce document vient d'être émis par ailleurs (double envoi ou autre utilisateur) : "
    "rechargez la page pour voir la version enregistrée. Aucun doublon n'a été créé."
)
_PDF_MAGIC = b"%PDF-"
_PDF_EOF = b"%%EOF"
_EOF_WINDOW = 2048



# --------------------------------------------------------------------------- rules


def amendment_violations(agreement: Agreement, today: date) -> list[Violation]:
    """Rules-engine verdict on the agreement as the amendment would print it."""
    return check_stored(agreement, today)


@dataclass(frozen=True)
class AmendmentPlan:
    """What issuing the amendment of an agreement would do now (or why it cannot)."""

    event: str | None  # 'issue' or 'reissue'; None when refused
    next_status: str | None
    refusal: str | None  # French reason when event is None
    #: Printed parts changed since the last version issued for this agreement (French names);
    #: empty for a first issue.
    changes: tuple[str, ...] = ()
    #: A version was already issued for this agreement: issuing supersedes it.
    supersedes: bool = False
    #: Refused only because nothing changed since the last issued version.
    up_to_date: bool = False

    @property
    def allowed(self) -> bool:
        """True when the amendment can be issued now."""
        return self.event is not None


def amendment_plan(agreement: Agreement, today: date | None = None) -> AmendmentPlan:
    """Event, resulting status, or the French reason why the amendment cannot be issued now.

    A new version is only issued when the printed terms changed since the last version issued
    for this agreement (or when an « avenant modificatif » was decided in the follow-up).
    """
    plan = _status_plan(agreement)
    if not plan.allowed:
        return plan
    changes = amendment_changes(agreement, today or clock.today())
    if changes is None:
        return plan  # first issue for this agreement
    if not changes and not agreement.has_pending_amendment:
        version = agreement.amendment_version or 0
        return AmendmentPlan(
            None,
            None,
            f"L'avenant est à jour : l'accord n'a pas changé depuis la version {version} "
            "émise. Modifiez l'accord pour émettre une nouvelle version.",
            supersedes=True,
            up_to_date=True,
        )
    return AmendmentPlan(
        plan.event, plan.next_status, None, changes=tuple(changes), supersedes=True
    )


def _status_plan(agreement: Agreement) -> AmendmentPlan:
    """What the state machine alone allows (before comparing with the last issued version)."""
    if agreement.kind != "regular":
        return AmendmentPlan(
            None,
            None,
            "Un télétravail imposé pour circonstances exceptionnelles (L1222-11) ne donne pas "
            "lieu à un avenant.",
        )
    status = agreement.status
    if status in AMENDMENT_STATUSES:
        event = AMENDMENT_STATUSES[status]
        try:
            target = lifecycle.next_state(status, event)
        except lifecycle.TransitionRefused as refused:
            return AmendmentPlan(None, None, refused.message)
        # A draft edited after a first issue goes back through 'issue' (draft -> issued, the
        # state machine's only path); the document is still version n+1.
        return AmendmentPlan(event, target, None)
    if status in AMENDED_STATUSES and agreement.has_pending_amendment:
        return AmendmentPlan(lifecycle.REISSUE, status, None)
    label = lifecycle.STATE_LABELS.get(status, status)
    if status in AMENDED_STATUSES:
        reason = (
            f"L'accord est à l'état « {label} » : une nouvelle version de l'avenant n'est émise "
            "qu'après un avenant modificatif (ou un renouvellement) décidé dans le suivi de "
            "l'accord."
        )
    else:
        reason = f"Impossible d'émettre l'avenant d'un accord à l'état « {label} »."
    return AmendmentPlan(None, None, reason)


def _last_amendment(agreement_id: int) -> IssuedDocument | None:
    return db.session.scalar(
        select(IssuedDocument)
        .options(defer(IssuedDocument.pdf_bytes))
        .where(IssuedDocument.agreement_id == agreement_id, IssuedDocument.kind == "amendment")
        .order_by(IssuedDocument.version.desc())
        .limit(1)
    )


def has_issued_amendment(agreement_id: int) -> bool:
    """An amendment of the agreement was issued (stored) in the app."""
    return db.session.scalar(
        select(IssuedDocument.id)
        .where(IssuedDocument.agreement_id == agreement_id, IssuedDocument.kind == "amendment")
        .limit(1)
    ) is not None


def amendment_facts(agreement_ids: Iterable[int]) -> dict[int, tuple[bool, date | None]]:
    """(issued in the app?, date of the latest paper amendment) per agreement, in two queries."""
    ids = list(agreement_ids)
    out: dict[int, tuple[bool, date | None]] = {i: (False, None) for i in ids}
    if not ids:
        return out
    issued = set(db.session.scalars(
        select(IssuedDocument.agreement_id).distinct().where(
            IssuedDocument.agreement_id.in_(ids), IssuedDocument.kind == "amendment"
        )
    ))
    latest = (
        select(func.max(PaperAmendment.id))
        .where(PaperAmendment.agreement_id.in_(ids))
        .group_by(PaperAmendment.agreement_id)
    )
    paper = dict(db.session.execute(
        select(PaperAmendment.agreement_id, PaperAmendment.signed_date)
        .where(PaperAmendment.id.in_(latest))
    ).all())
    return {i: (i in issued, paper.get(i)) for i in ids}


def amendment_changes(agreement: Agreement, today: date) -> list[str] | None:
    """Parts of the amendment that would print differently from the last issued version.

    None when no version was issued for this agreement; every part when the current terms
    cannot be printed (the preview then says why) or the old snapshot cannot be read back.
    """
    last = _last_amendment(agreement.id)
    if last is None:
        return None
    try:
        current = builders.build_amendment(
            agreement, version=last.version + 1, issue_date=today
        ).to_dict()
    except BusinessRuleError:
        return ["avenant"]
    try:
        previous = snapshot_from_json(last.snapshot_json).to_dict()
    except (ValueError, TypeError):
        previous = None  # an unreadable old snapshot: treat everything as changed
    return list(amendment_basis.amendment_changes(previous, current))


def amendment_preview_refusal(agreement: Agreement, today: date) -> str | None:
    """French reason why the amendment cannot be previewed now (None: the preview works)."""
    try:
        _build_amendment(agreement, today)
    except BusinessRuleError as refused:
        return str(refused)
    return None


# --------------------------------------------------------------------------- storage


def _next_version(employee_id: int, kind: str) -> int:
    """Next version number of ``kind`` for the employee (versions are per employee and kind)."""
    current = db.session.scalar(
        select(func.max(IssuedDocument.version)).where(
            IssuedDocument.employee_id == employee_id, IssuedDocument.kind == kind
        )
    )
    return (current or 0) + 1


def _store(
    kind: str,
    snapshot: Snapshot,
    *,
    version: int,
    employee_id: int,
    actor: User | None,
    agreement_id: int | None = None,
    request_id: int | None = None,
    supersede: Iterable | None = None,
) -> IssuedDocument:
    """Render once, flag older versions superseded, insert the immutable row and flush."""
    pdf = render_pdf(kind, snapshot)
    if supersede is not None:
        db.session.execute(
            update(IssuedDocument)
            .where(*supersede, IssuedDocument.is_superseded.is_(False))
            .values(is_superseded=True)
            .execution_options(synchronize_session="fetch")
        )
    document = IssuedDocument(
        reference=snapshot.reference,
        kind=kind,
        version=version,
        employee_id=employee_id,
        agreement_id=agreement_id,
        request_id=request_id,
        pdf_bytes=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        snapshot_json=snapshot_json(snapshot),
        template_version=TEMPLATE_VERSION,
        issued_by_id=actor.id if actor is not None else None,
        issued_dt=utcnow(),
        is_superseded=False,
    )
    db.session.add(document)
    try:
        db.session.flush()
    except IntegrityError as error:
        # Same (employee, kind, version) or same reference: a concurrent issue won the race.
        raise BusinessRuleError(_DUPLICATE) from error
    record(
        "issue",
        "issued_documents",
        document.id,
        actor,
        {
            "reference": document.reference,
            "kind": kind,
            "version": version,
            "sha256": document.sha256,
            "size": document.size,
            "template_version": TEMPLATE_VERSION,
        },
    )
    notification_events.document_issued(document)
    return document


def _event(
    agreement: Agreement,
    event: str,
    from_state: str,
    to_state: str,
    actor: User | None,
    today: date,
    note: str,
) -> None:
    db.session.add(
        AgreementEvent(
            agreement_id=agreement.id,
            event=event,
            from_state=from_state,
            to_state=to_state,
            event_date=today,
            note=note,
            actor_id=actor.id if actor is not None else None,
        )
    )


# --------------------------------------------------------------------------- amendment


def _build_amendment(agreement: Agreement, today: date) -> tuple[int, Snapshot]:
    version = _next_version(agreement.employee_id, "amendment")
    return version, builders.build_amendment(agreement, version=version, issue_date=today)


def _require_compliance(agreement: Agreement, today: date) -> None:
    blocking = [v for v in amendment_violations(agreement, today) if v.blocking]
    if blocking:
        raise RuleViolations(blocking)


def _store_amendment(
    agreement: Agreement, snapshot: Snapshot, version: int, actor: User | None
) -> IssuedDocument:
    """Store an amendment of the agreement, superseding the employee's previous one."""
    return _store(
        "amendment",
        snapshot,
        version=version,
        employee_id=agreement.employee_id,
        agreement_id=agreement.id,
        actor=actor,
        supersede=(
            IssuedDocument.employee_id == agreement.employee_id,
            IssuedDocument.kind == "amendment",
        ),
    )


def amendment_snapshot(agreement: Agreement, today: date) -> Snapshot:
    """The snapshot issuing the amendment now would print (bulk jobs pre-render it)."""
    return _build_amendment(agreement, today)[1]


def preview_amendment(agreement: Agreement, today: date) -> bytes:
    """PDF of the amendment as it would be issued now (watermarked, not stored)."""
    _, snapshot = _build_amendment(agreement, today)
    return render_pdf("amendment", snapshot, embed_json=False, preview=True)


def issue_amendment(agreement: Agreement, actor: User | None, today: date) -> IssuedDocument:
    """Issue version n+1 of the amendment: checks, renders, stores, supersedes, records events."""
    plan = amendment_plan(agreement, today)
    if not plan.allowed:
        raise BusinessRuleError(plan.refusal or "Émission impossible.")
    _require_compliance(agreement, today)
    version, snapshot = _build_amendment(agreement, today)
    document = _store_amendment(agreement, snapshot, version, actor)
    previous = agreement.status
    agreement.status = plan.next_status or previous
    agreement.amendment_version = (agreement.amendment_version or 0) + 1
    agreement.has_pending_amendment = False
    record_change(agreement, actor)
    _event(
        agreement,
        plan.event or lifecycle.ISSUE,
        previous,
        agreement.status,
        actor,
        today,
        f"Avenant {document.reference} émis (version {version}, empreinte SHA-256 "
        f"{document.sha256[:12]}…).",
    )
    return document


def record_existing_amendment(
    agreement: Agreement, actor: User | None, issue_date: date
) -> IssuedDocument:
    """Store the amendment an agreement already went through (data set-up, demo, imports).

    For agreements created directly in a status that implies an issued avenant: the current
    version is rendered and stored like any other, dated ``issue_date``, without a lifecycle
    event and without touching the status or a pending « avenant modificatif ». The rules
    engine is not re-run: those terms are history.
    """
    if agreement.status not in AMENDMENT_IMPLIED_STATUSES or agreement.kind != "regular":
        raise BusinessRuleError("Cet accord n'a pas d'avenant à enregistrer.")
    version = max(
        _next_version(agreement.employee_id, "amendment"), agreement.amendment_version or 1
    )
    snapshot = builders.build_amendment(agreement, version=version, issue_date=issue_date)
    document = _store_amendment(agreement, snapshot, version, actor)
    if not agreement.amendment_version:
        agreement.amendment_version = 1
        record_change(agreement, actor)
    return document


# --------------------------------------------------------------------------- notice


def _notice_issue_date(agreement: Agreement, today: date) -> date:
    """The notice letter is dated the day it is issued; the notification date is printed apart."""
    return today


def notice_document(agreement: Agreement) -> IssuedDocument | None:
    """The latest notice issued for the agreement's current ending, or None."""
    latest = db.session.scalar(
        select(IssuedDocument)
        .options(defer(IssuedDocument.pdf_bytes))
        .where(
            IssuedDocument.agreement_id == agreement.id,
            IssuedDocument.kind == "reversibility_notice",
        )
        .order_by(IssuedDocument.version.desc())
        .limit(1)
    )
    if latest is None:
        return None
    data = json.loads(latest.snapshot_json)
    current = (
        agreement.ending_notification_date.isoformat()
        if agreement.ending_notification_date
        else None,
        agreement.ending_effective_date.isoformat() if agreement.ending_effective_date else None,
    )
    if (data.get("notification_date"), data.get("effective_end_date")) != current:
        return None  # issued for an earlier ending (the agreement was renewed since)
    return latest


def paper_amendment(agreement_id: int) -> PaperAmendment | None:
    """The paper amendment recorded last for the agreement, without its scan bytes."""
    return builders.latest_paper_amendment(agreement_id)


def _check_notice_allowed(agreement: Agreement) -> None:
    """Refuse (French message) unless the domain allows the notice now."""
    issued = has_issued_amendment(agreement.id)
    paper = not issued and paper_amendment(agreement.id) is not None
    refusal = amendment_basis.notice_refusal(agreement.status, agreement.kind, issued, paper)
    if refusal:
        raise BusinessRuleError(refusal)


def notice_refusal(agreement: Agreement) -> str | None:
    """French reason why the end-of-telework notice cannot be issued now, or None."""
    try:
        _check_notice_allowed(agreement)
    except BusinessRuleError as refused:
        return str(refused)
    existing = notice_document(agreement)
    if existing is not None:
        return (
            f"La notification de fin de télétravail de cet accord a déjà été émise "
            f"(référence {existing.reference})."
        )
    return None


def notice_preview_refusal(agreement: Agreement, today: date) -> str | None:
    """French reason why the notice cannot be previewed now (None: the preview works)."""
    try:
        _check_notice_allowed(agreement)
        notice_snapshot(agreement, today)
    except BusinessRuleError as refused:
        return str(refused)
    return None


def notice_snapshot(agreement: Agreement, today: date) -> Snapshot:
    """The snapshot issuing the notice now would print (bulk jobs pre-render it)."""
    version = _next_version(agreement.employee_id, "reversibility_notice")
    return builders.build_notice(
        agreement, number=version, issue_date=_notice_issue_date(agreement, today)
    )


def preview_notice(agreement: Agreement, today: date) -> bytes:
    """PDF of the end-of-telework notice as it would be issued now (watermarked, not stored)."""
    _check_notice_allowed(agreement)
    version = _next_version(agreement.employee_id, "reversibility_notice")
    snapshot = builders.build_notice(
        agreement, number=version, issue_date=_notice_issue_date(agreement, today)
    )
    return render_pdf("reversibility_notice", snapshot, embed_json=False, preview=True)


def issue_notice(agreement: Agreement, actor: User | None, today: date) -> IssuedDocument:
    """Issue the end-of-telework notice of an agreement whose end was notified."""
    _check_notice_allowed(agreement)
    existing = notice_document(agreement)
    if existing is not None:
        raise BusinessRuleError(
            f"La notification de fin de télétravail de cet accord a déjà été émise "
            f"(référence {existing.reference}) : elle ne change pas tant que la fin notifiée "
            "reste la même."
        )
    version = _next_version(agreement.employee_id, "reversibility_notice")
    snapshot = builders.build_notice(
        agreement, number=version, issue_date=_notice_issue_date(agreement, today)
    )
    return _store(
        "reversibility_notice",
        snapshot,
        version=version,
        employee_id=agreement.employee_id,
        agreement_id=agreement.id,
        actor=actor,
        supersede=(
            IssuedDocument.agreement_id == agreement.id,
            IssuedDocument.kind == "reversibility_notice",
        ),
    )


# --------------------------------------------------------------------------- refusal


def refusal_document(req: TeleworkRequest) -> IssuedDocument | None:
    """The refusal letter issued for the request, or None."""
    return db.session.scalar(
        select(IssuedDocument)
        .options(defer(IssuedDocument.pdf_bytes))
        .where(IssuedDocument.request_id == req.id, IssuedDocument.kind == "refusal_letter")
        .order_by(IssuedDocument.version.desc())
        .limit(1)
    )


def preview_refusal(req: TeleworkRequest, today: date) -> bytes:
    """PDF of the refusal letter as it would be issued now (watermarked, not stored)."""
    snapshot = builders.build_refusal(req, issue_date=today)
    return render_pdf("refusal_letter", snapshot, embed_json=False, preview=True)


def issue_refusal(req: TeleworkRequest, actor: User | None, today: date) -> IssuedDocument:
    """Issue the reasoned refusal letter of a refused request (one letter per request)."""
    existing = refusal_document(req)
    if existing is not None:
        raise BusinessRuleError(
            f"La lettre de refus de cette demande a déjà été émise (référence "
            f"{existing.reference}) : téléchargez-la plutôt que d'en émettre une seconde."
        )
    snapshot = builders.build_refusal(req, issue_date=today)
    return _store(
        "refusal_letter",
        snapshot,
        version=_next_version(req.employee_id, "refusal_letter"),
        employee_id=req.employee_id,
        request_id=req.id,
        actor=actor,
    )


# --------------------------------------------------------------------------- reading


def integrity_ok(document: IssuedDocument) -> bool:
    """True when the stored bytes still match their stored SHA-256 and size."""
    return matches(document.pdf_bytes, document.sha256, document.size)


def rerender(document: IssuedDocument) -> bytes:
    """Render again from the stored snapshot (checks only: a download never re-renders)."""
    return render_pdf(document.kind, snapshot_from_json(document.snapshot_json))


def _ascii_slug(text: str) -> str:
    normalised = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", normalised).strip("-")
    return slug[:60] or "salarie"


def download_filename(document: IssuedDocument, personnel_number: str | None) -> str:
    """« avenant-teletravail-M00042-v2.pdf » (ASCII only, safe in Content-Disposition)."""
    prefix = DOWNLOAD_NAMES.get(document.kind, _ascii_slug(document.kind))
    who = _ascii_slug(personnel_number or f"salarie-{document.employee_id}")
    if document.kind == "amendment":
        return f"{prefix}-{who}-v{document.version}.pdf"
    if document.kind == "refusal_letter":
        return (
            f"{prefix}-{who}.pdf"
            if document.version == 1
            else f"{prefix}-{who}-{document.version}.pdf"
        )
    return f"{prefix}-{who}-{document.version}.pdf"


def document_history_stmt(employee_id: int) -> Select:
    """Documents of one employee, newest first, without their bytes (list pages)."""
    return (
        select(IssuedDocument)
        .options(
            defer(IssuedDocument.pdf_bytes),
            defer(IssuedDocument.snapshot_json),
        )
        .where(IssuedDocument.employee_id == employee_id)
        .order_by(IssuedDocument.issued_dt.desc(), IssuedDocument.id.desc())
    )


def documents_for_agreement(agreement_id: int, kind: str | None = None) -> list[IssuedDocument]:
    """Documents issued for an agreement (newest version first), without their bytes."""
    stmt = (
        select(IssuedDocument)
        .options(
            defer(IssuedDocument.pdf_bytes),
            defer(IssuedDocument.snapshot_json),
        )
        .where(IssuedDocument.agreement_id == agreement_id)
        .order_by(IssuedDocument.kind, IssuedDocument.version.desc())
    )
    if kind is not None:
        stmt = stmt.where(IssuedDocument.kind == kind)
    return list(db.session.scalars(stmt))


def issuer_names(documents: Iterable[IssuedDocument]) -> dict[int, str]:
    """Display name of the users who issued the documents (one query), by user id."""
    ids = {doc.issued_by_id for doc in documents if doc.issued_by_id is not None}
    if not ids:
        return {}
    rows = db.session.execute(
        select(User.id, User.display_name, User.email).where(User.id.in_(ids))
    )
    return {row.id: (row.display_name or "").strip() or row.email for row in rows}


def scans_for_documents(document_ids: Iterable[int]) -> dict[int, list[SignedScan]]:
    """Signed scans (without bytes) grouped by document id, oldest first."""
    ids = list(document_ids)
    out: dict[int, list[SignedScan]] = {doc_id: [] for doc_id in ids}
    if not ids:
        return out
    rows = db.session.scalars(
        select(SignedScan)
        .options(defer(SignedScan.pdf_bytes))
        .where(SignedScan.document_id.in_(ids))
        .order_by(SignedScan.uploaded_dt, SignedScan.id)
    )
    for row in rows:
        out[row.document_id].append(row)
    return out


# --------------------------------------------------------------------------- signed scans


def validate_scan(data: bytes, max_bytes: int) -> None:
    """Refuse (French message) anything but a non-empty PDF within the size limit."""
    if not data:
        raise BusinessRuleError(
            "Le fichier envoyé est vide : choisissez le scan signé au format PDF."
        )
    if len(data) > max_bytes:
        limit = f"{max_bytes / (1024 * 1024):.1f}".replace(".0", "").replace(".", ",")
        raise BusinessRuleError(
            f"Le fichier dépasse la taille maximale autorisée ({limit} Mo) : numérisez le "
            "document en résolution plus faible ou en noir et blanc."
        )
    if not data.startswith(_PDF_MAGIC):
        raise BusinessRuleError(
            "Ce fichier n'est pas un PDF (son contenu ne commence pas par « %PDF- ») : seuls "
            "les scans au format PDF sont acceptés."
        )
    if _PDF_EOF not in data[-_EOF_WINDOW:]:
        raise BusinessRuleError(
            "Ce PDF est incomplet ou endommagé (marqueur de fin « %%EOF » absent) : "
            "enregistrez à nouveau le scan puis recommencez."
        )
    try:
        check_plain_pdf(data)
    except UnsafePdf as exc:
        raise BusinessRuleError(str(exc)) from None


def scan_filename(filename: str | None) -> str:
    """ASCII file name ending in .pdf, from the name the browser sent."""
    name = PurePath((filename or "").replace("\\", "/")).name
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    slug = _ascii_slug(stem) if stem.strip() else "scan-signe"
    return f"{slug[:150]}.pdf"


def attach_scan(
    document: IssuedDocument, filename: str | None, data: bytes, actor: User | None, max_bytes: int
) -> SignedScan:
    """Attach the signed scan of an issued document (append-only); refuses invalid files."""
    validate_scan(data, max_bytes)
    scan = SignedScan(
        document_id=document.id,
        filename=scan_filename(filename),
        pdf_bytes=data,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        uploaded_by_id=actor.id if actor is not None else None,
        uploaded_dt=utcnow(),
    )
    db.session.add(scan)
    db.session.flush()
    record(
        "create",
        "signed_scans",
        scan.id,
        actor,
        {
            "document_id": document.id,
            "reference": document.reference,
            "filename": scan.filename,
            "sha256": scan.sha256,
            "size": scan.size,
        },
    )
    return scan


# --------------------------------------------------------------------------- paper amendment


def paper_amendment_refusal(
    agreement: Agreement, today: date, signed_date: date | None = None
) -> str | None:
    """French reason why a paper amendment cannot be recorded now (None: it can)."""
    return amendment_basis.paper_amendment_refusal(
        agreement.status,
        agreement.kind,
        has_issued_amendment(agreement.id),
        signed_date,
        today,
    )


def record_paper_amendment(
    agreement: Agreement,
    signed_date: date,
    scan: tuple[str | None, bytes] | None,
    actor: User | None,
    today: date,
    max_bytes: int,
) -> PaperAmendment:
    """Record the amendment signed on paper before the app (date, optional PDF scan).

    The scan is checked like a signed scan (a real PDF, within the size limit). A correction
    is a new row: the latest one counts, earlier notices keep what they printed.
    """
    refusal = paper_amendment_refusal(agreement, today, signed_date)
    if refusal:
        raise BusinessRuleError(refusal)
    row = PaperAmendment(
        agreement_id=agreement.id,
        signed_date=signed_date,
        recorded_by_id=actor.id if actor is not None else None,
        recorded_dt=utcnow(),
    )
    if scan is not None:
        filename, data = scan
        validate_scan(data, max_bytes)
        row.filename = scan_filename(filename)
        row.pdf_bytes = data
        row.sha256 = hashlib.sha256(data).hexdigest()
        row.size = len(data)
    db.session.add(row)
    db.session.flush()
    record(
        "create",
        "paper_amendments",
        row.id,
        actor,
        {
            "agreement_id": agreement.id,
            "signed_date": signed_date.isoformat(),
            "filename": row.filename,
            "sha256": row.sha256,
            "size": row.size,
        },
    )
    return row
