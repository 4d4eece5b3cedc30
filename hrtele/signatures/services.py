"""Electronic signature circuit: start it, sign, finish it, read it back, verify a PDF.

HR opens the circuit of an issued amendment (or end-of-telework notice); the parties then
sign in the order decided by hrtele.domain.signing (the employer's policy for the
amendment). Each signature re-checks the signer's password, seals the PDF with the
employer's certificate (hrtele.signatures.pdf) and stores one append-only evidence row with
the signed bytes. When the last party signs an amendment, the agreement goes through the
lifecycle's « sign » transition. Services flush and audit; routes and commands commit once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer

from hrtele import clock
from hrtele.audit.service import record
from hrtele.auth.passwords import verify_password
from hrtele.domain import lifecycle
from hrtele.domain import signing as rules
from hrtele.domain.lifecycle import TransitionRefused
from hrtele.domain.signing import SigningRefused
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.models import (
    Agreement,
    IssuedDocument,
    Policy,
    SignatureEvidence,
    SignatureRequest,
    User,
)
from hrtele.signatures import pdf as signing_pdf
from hrtele.signatures.notify import notify
from hrtele.signatures.verify import PdfInspection, SignatureCheck, inspect_pdf

PARIS = ZoneInfo("Europe/Paris")
EVIDENCE_FORMAT = "hrtele-preuve-signature/1"
KIND_LABELS = {
    rules.AMENDMENT: "avenant au contrat de travail relatif au télétravail",
    rules.NOTICE: "notification de fin de télétravail",
}
#: Where the seal lives when SIGNING_PKCS12 is not configured (demo-data creates it there).
DEFAULT_SEAL_FILE = Path("signature") / "cachet.p12"
DEFAULT_SEAL_PASSWORD_FILE = Path("signature") / "cachet.password"

_DUPLICATE = (
    "Ce document vient d'être signé par ailleurs (double envoi ou autre session) : rechargez "
    "la page pour voir les signatures enregistrées. Aucune signature en double n'a été créée."
)


# --------------------------------------------------------------------------- the seal


def _instance_path() -> Path:
    return Path(current_app.instance_path)


def seal_paths() -> tuple[Path, Path | None]:
    """The PKCS#12 file and the password file (None when the password comes from config)."""
    config = current_app.config
    configured = config.get("SIGNING_PKCS12")
    p12 = Path(configured) if configured else _instance_path() / DEFAULT_SEAL_FILE
    if config.get("SIGNING_PKCS12_PASSWORD") is not None:
        return p12, None
    password_file = config.get("SIGNING_PKCS12_PASSWORD_FILE")
    return p12, Path(password_file) if password_file else _instance_path() / DEFAULT_SEAL_PASSWORD_FILE


def current_seal() -> signing_pdf.Seal:
    """The employer's seal from the configuration; BusinessRuleError (French) when unusable."""
    p12, password_file = seal_paths()
    if password_file is None:
        password = str(current_app.config["SIGNING_PKCS12_PASSWORD"]).encode()
    else:
        try:
            password = password_file.read_bytes().strip()
        except OSError:
            password = None
    try:
        return signing_pdf.load_seal(p12, password)
    except signing_pdf.SealUnavailable as error:
        raise BusinessRuleError(str(error)) from error


def ensure_demo_seal(organisation: str) -> bool:
    """Create the self-signed demonstration seal unless a seal is configured or present."""
    if current_app.config.get("SIGNING_PKCS12"):
        return False
    p12, password_file = seal_paths()
    if password_file is None:
        return False
    return signing_pdf.create_demo_seal(p12, password_file, organisation)


def _font_file() -> str:
    return current_app.config.get("SIGNING_FONT_FILE") or signing_pdf.DEFAULT_FONT_FILE


# --------------------------------------------------------------------------- circuit state


@dataclass
class Circuit:
    """A document's signature circuit as stored: request, evidence, who is next."""

    document: IssuedDocument
    request: SignatureRequest | None
    evidences: list[SignatureEvidence] = field(default_factory=list)

    @property
    def started(self) -> bool:
        """True once HR opened the electronic circuit."""
        return self.request is not None

    @property
    def steps(self) -> tuple[str, ...]:
        """Ordered roles of the circuit (empty before it starts)."""
        return self.request.step_roles if self.request is not None else ()

    @property
    def signed_roles(self) -> list[str]:
        """Roles that have signed, in signing order."""
        return [e.role for e in self.evidences]

    @property
    def next_role(self) -> str | None:
        """Role expected to sign now (None before the start or when complete)."""
        if self.request is None:
            return None
        return rules.next_role(self.steps, self.signed_roles)

    @property
    def complete(self) -> bool:
        """True when every party has signed."""
        return self.request is not None and self.next_role is None

    @property
    def void(self) -> bool:
        """A newer version replaced the document before the circuit finished."""
        return bool(self.document.is_superseded) and not self.complete

    @property
    def open(self) -> bool:
        """True when somebody can sign now."""
        return self.started and not self.complete and not self.void

    @property
    def latest(self) -> SignatureEvidence | None:
        """The last signature (its PDF is the most recent signed revision)."""
        return self.evidences[-1] if self.evidences else None

    def evidence_for(self, role: str) -> SignatureEvidence | None:
        """The signature of ``role``, if given."""
        return next((e for e in self.evidences if e.role == role), None)


def circuits_for(documents: Iterable[IssuedDocument]) -> dict[int, Circuit]:
    """Circuits of several documents in two queries (evidence rows without their bytes)."""
    docs = {d.id: d for d in documents}
    if not docs:
        return {}
    requests = {
        r.document_id: r
        for r in db.session.scalars(
            select(SignatureRequest).where(SignatureRequest.document_id.in_(docs))
        )
    }
    out = {doc_id: Circuit(doc, requests.get(doc_id)) for doc_id, doc in docs.items()}
    rows = db.session.scalars(
        select(SignatureEvidence)
        .options(defer(SignatureEvidence.pdf_bytes))
        .where(SignatureEvidence.document_id.in_(docs))
        .order_by(SignatureEvidence.document_id, SignatureEvidence.sequence)
    )
    for row in rows:
        out[row.document_id].evidences.append(row)
    return out


def circuit_for(document: IssuedDocument) -> Circuit:
    """The circuit of one document."""
    return circuits_for([document])[document.id]


def _snapshot(document: IssuedDocument) -> dict[str, Any]:
    return json.loads(document.snapshot_json)


def notice_facts(document: IssuedDocument) -> rules.NoticeFacts:
    """Issuer, method and countersignature printed in a notice (from its snapshot)."""
    data = _snapshot(document)
    return rules.NoticeFacts(
        initiative=data["initiative"],
        method=data["method"],
        requires_countersignature=bool(data.get("requires_countersignature")),
    )


def _facts(document: IssuedDocument) -> rules.NoticeFacts | None:
    return notice_facts(document) if document.kind == rules.NOTICE else None


def signing_order() -> str:
    """The employer's configured order for the amendment (default: employee first)."""
    order = db.session.scalar(select(Policy.signature_order).order_by(Policy.id).limit(1))
    return order if order in rules.ORDERS else rules.DEFAULT_ORDER


def planned_steps(document: IssuedDocument) -> tuple[str, ...]:
    """Roles that would sign the document if the circuit opened now; SigningRefused if none."""
    return rules.signing_steps(document.kind, signing_order(), _facts(document))


# --------------------------------------------------------------------------- who is who


def role_of(actor: User | None, document: IssuedDocument) -> str | None:
    """The role ``actor`` signs in for this document, or None."""
    if actor is None:
        return None
    if actor.employee_id is not None and actor.employee_id == document.employee_id:
        return rules.EMPLOYEE
    if actor.is_hr and actor.can_sign_for_employer:
        return rules.EMPLOYER
    return None


def employee_accounts(document: IssuedDocument) -> list[User]:
    """Active accounts of the employee the document concerns."""
    return list(
        db.session.scalars(
            select(User).where(
                User.employee_id == document.employee_id, User.is_active_account.is_(True)
            )
        )
    )


def employer_signatories() -> list[User]:
    """Active HR accounts allowed to sign for the employer."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.role.in_(("hr", "admin")),
                User.can_sign_for_employer.is_(True),
                User.is_active_account.is_(True),
            )
            .order_by(User.display_name, User.email)
        )
    )


def _recipients(role: str, document: IssuedDocument) -> list[User]:
    return employee_accounts(document) if role == rules.EMPLOYEE else employer_signatories()


def _link(endpoint: str, **values: Any) -> str:
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    return url_for(endpoint, **values) if current_app.config.get("SERVER_NAME") else ""


def _describe(document: IssuedDocument) -> str:
    label = KIND_LABELS.get(document.kind, document.kind)
    return f"{label} {document.reference} (version {document.version})"


def _notify_turn(document: IssuedDocument, role: str) -> int:
    link = _link("signatures.sign", document_id=document.id)
    body = (
        f"Bonjour,\n\nLe document « {_describe(document)} » attend votre signature "
        f"électronique ({rules.ROLE_LABELS[role]}).\n\n"
        "Connectez-vous à hrtele, relisez le document puis signez-le en saisissant à nouveau "
        "votre mot de passe"
        + (f" :\n{link}\n" if link else ".\n")
        + "\nCe message est envoyé automatiquement par l'application hrtele."
    )
    return notify(_recipients(role, document), f"Document à signer : {document.reference}", body)


def _notify_complete(document: IssuedDocument) -> int:
    link = _link("signatures.download_signed", document_id=document.id)
    body = (
        f"Bonjour,\n\nLe document « {_describe(document)} » est signé électroniquement par "
        "toutes les parties. Le PDF signé est disponible dans hrtele"
        + (f" :\n{link}\n" if link else ".\n")
        + "\nCe message est envoyé automatiquement par l'application hrtele."
    )
    people = [*employee_accounts(document), *employer_signatories()]
    return notify(people, f"Document signé : {document.reference}", body)


# --------------------------------------------------------------------------- starting


def _agreement(document: IssuedDocument) -> Agreement | None:
    return db.session.get(Agreement, document.agreement_id) if document.agreement_id else None


def start_refusal(document: IssuedDocument) -> str | None:
    """French reason why the circuit cannot start now, or None when it can."""
    if document.kind not in rules.SIGNABLE_KINDS:
        return "Seuls l'avenant et la notification de fin de télétravail se signent en ligne."
    if document.is_superseded:
        return "Une version plus récente de ce document a été émise : faites signer celle-ci."
    agreement = _agreement(document)
    if agreement is None:
        return "Ce document n'est rattaché à aucun accord."
    if document.kind == rules.AMENDMENT and agreement.status != lifecycle.ISSUED:
        label = lifecycle.STATE_LABELS.get(agreement.status, agreement.status)
        return (
            f"L'accord est à l'état « {label} » : la signature électronique de l'avenant se "
            "lance quand l'avenant est émis et pas encore signé."
        )
    if document.kind == rules.NOTICE and agreement.status not in (
        lifecycle.ENDING, lifecycle.ENDED
    ):
        return "La fin du télétravail de cet accord n'est plus notifiée."
    try:
        planned_steps(document)
    except SigningRefused as refused:
        return refused.message
    return None


def start_circuit(document: IssuedDocument, actor: User | None) -> SignatureRequest:
    """Open the electronic signature circuit of an issued document and notify the first signer."""
    if circuit_for(document).started:
        raise BusinessRuleError("La signature électronique de ce document est déjà lancée.")
    refusal = start_refusal(document)
    if refusal is not None:
        raise BusinessRuleError(refusal)
    steps = planned_steps(document)
    for role in steps:  # fail now rather than when a party signs
        try:
            signing_pdf.signature_area(document.pdf_bytes, role)
        except signing_pdf.SignatureAreaMissing as error:
            raise BusinessRuleError(str(error)) from error
    current_seal()
    if rules.EMPLOYER in steps and not employer_signatories():
        raise BusinessRuleError(
            "Aucun compte RH n'est autorisé à signer pour l'employeur : un administrateur doit "
            "d'abord en désigner un (Comptes → « Autoriser à signer pour l'employeur »)."
        )
    if rules.EMPLOYEE in steps and not employee_accounts(document):
        raise BusinessRuleError(
            "Le salarié n'a pas de compte actif pour signer en ligne : invitez-le d'abord à son "
            "espace salarié, ou faites signer le document sur papier."
        )
    order = signing_order() if document.kind == rules.AMENDMENT else rules.DEFAULT_ORDER
    request = SignatureRequest(
        document_id=document.id,
        signing_order=order,
        steps=",".join(steps),
        requested_by_id=actor.id if actor is not None else None,
        requested_dt=clock.now_utc(),
    )
    db.session.add(request)
    try:
        db.session.flush()
    except IntegrityError as error:
        raise BusinessRuleError(
            "La signature électronique de ce document vient d'être lancée par ailleurs."
        ) from error
    record(
        "signature_start",
        "issued_documents",
        document.id,
        actor,
        {"reference": document.reference, "steps": request.steps, "order": order},
    )
    _notify_turn(document, steps[0])
    return request


# --------------------------------------------------------------------------- signing


def _paris(dt: datetime) -> datetime:
    return dt.astimezone(PARIS)


def _signer_identity(role: str, actor: User, document: IssuedDocument) -> tuple[str, str]:
    """Name and quality printed for the signer (the employee as the document names them)."""
    data = _snapshot(document)
    if role == rules.EMPLOYEE:
        employee = data["employee"]
        return employee["full_name"], f"salarié(e), matricule {employee['personnel_number']}"
    employer = data["employer"]["name"]
    name = (actor.display_name or "").strip() or actor.email
    return name, f"signataire habilité(e) pour l'employeur {employer}"


def _stamp_text(role: str, name: str, signed_at: datetime, signed_sha256: str,
                seal: signing_pdf.Seal, sequence: int) -> str:
    local = _paris(signed_at)
    common_name = seal.certificate.subject.native.get("common_name", seal.subject)
    return "\n".join(
        (
            f"{rules.ROLE_TITLES[role]} — signé électroniquement par",
            name,
            f"le {local:%d/%m/%Y} à {local:%H:%M:%S} (heure de Paris)",
            "Authentification : mot de passe ressaisi",
            f"Preuve n° {sequence} — empreinte SHA-256 du document signé :",
            signed_sha256[:32],
            signed_sha256[32:],
            f"Cachet : {common_name}",
        )
    )


def source_bytes(circuit: Circuit) -> bytes:
    """The bytes the next signer signs: the latest signed revision, else the issued PDF."""
    latest = circuit.latest
    if latest is None:
        data = circuit.document.pdf_bytes
        expected = circuit.document.sha256
    else:
        data = db.session.scalar(
            select(SignatureEvidence.pdf_bytes).where(SignatureEvidence.id == latest.id)
        )
        expected = latest.pdf_sha256
    if data is None or hashlib.sha256(data).hexdigest() != expected:
        raise BusinessRuleError(
            "Le document enregistré ne correspond plus à son empreinte : la signature est "
            "refusée. L'équipe technique doit vérifier la base."
        )
    return data


def sign_document(
    document: IssuedDocument,
    actor: User | None,
    password: str,
    *,
    ip: str = "",
    user_agent: str = "",
) -> SignatureEvidence:
    """Sign the document as ``actor`` after re-checking their password; stores the evidence."""
    circuit = circuit_for(document)
    if not circuit.started:
        raise BusinessRuleError("La signature électronique de ce document n'est pas lancée.")
    if circuit.void:
        raise BusinessRuleError(
            "Une version plus récente de ce document a été émise : celle-ci ne se signe plus."
        )
    role = role_of(actor, document)
    if actor is None or role is None:
        raise BusinessRuleError("Votre compte n'est pas habilité à signer ce document.")
    try:
        rules.check_turn(circuit.steps, circuit.signed_roles, role)
    except SigningRefused as refused:
        raise BusinessRuleError(refused.message) from refused
    if not verify_password(actor.password_hash, password or ""):
        raise BusinessRuleError(
            "Mot de passe incorrect : la signature n'a pas été enregistrée. Saisissez le mot de "
            "passe de votre compte hrtele."
        )
    auth_dt = clock.now_utc()
    seal = current_seal()
    data = source_bytes(circuit)
    signed_sha256 = hashlib.sha256(data).hexdigest()
    sequence = len(circuit.evidences) + 1
    name, quality = _signer_identity(role, actor, document)
    facts = _facts(document)
    reason = rules.signature_reason(document.kind, role, circuit.steps, facts)
    signed_dt = clock.now_utc()
    field_name = f"Signature {sequence} - {'salarie' if role == rules.EMPLOYEE else 'employeur'}"
    snapshot = _snapshot(document)
    evidence = {
        "format": EVIDENCE_FORMAT,
        "sequence": sequence,
        "document": {
            "reference": document.reference,
            "kind": document.kind,
            "version": document.version,
            "agreement_id": document.agreement_id,
            "issued_sha256": document.sha256,
        },
        "role": role,
        "signer": {"name": name, "quality": quality, "email": actor.email, "user_id": actor.id},
        "authentication": {
            "method": rules.AUTH_PASSWORD,
            "label": rules.AUTH_LABELS[rules.AUTH_PASSWORD],
            "at": auth_dt.isoformat(),
        },
        "ip": (ip or "")[:45],
        "user_agent": (user_agent or "")[:300],
        "signed_at": signed_dt.isoformat(),
        "signed_sha256": signed_sha256,
        "reason": reason,
        "seal_certificate": {"subject": seal.subject, "sha256": seal.sha256},
    }
    evidence_json = json.dumps(evidence, ensure_ascii=False, sort_keys=True, indent=1)
    try:
        signed = signing_pdf.sign_revision(
            data,
            seal=seal,
            area=signing_pdf.signature_area(document.pdf_bytes, role),
            field_name=field_name,
            stamp_text=_stamp_text(role, name, signed_dt, signed_sha256, seal, sequence),
            evidence_json=evidence_json.encode(),
            evidence_name=f"preuve-signature-{sequence}.json",
            reason=reason,
            signer_name=name,
            location=snapshot.get("place_of_signature") or "",
            contact=actor.email,
            signing_time=signed_dt,
            auth_seconds=max(0, int((signed_dt - auth_dt).total_seconds())),
            font_file=_font_file(),
        )
    except signing_pdf.SignatureAreaMissing as error:
        raise BusinessRuleError(str(error)) from error
    row = SignatureEvidence(
        document_id=document.id,
        request_id=circuit.request.id,
        sequence=sequence,
        role=role,
        signer_user_id=actor.id,
        signer_name=name[:200],
        signer_email=actor.email,
        signer_quality=quality[:300],
        auth_method=rules.AUTH_PASSWORD,
        auth_dt=auth_dt,
        ip=(ip or "")[:45],
        user_agent=(user_agent or "")[:300],
        signed_dt=signed_dt,
        signed_sha256=signed_sha256,
        field_name=field_name,
        reason=reason,
        certificate_subject=seal.subject[:500],
        certificate_sha256=seal.sha256,
        evidence_json=evidence_json,
        pdf_bytes=signed,
        pdf_sha256=hashlib.sha256(signed).hexdigest(),
        size=len(signed),
    )
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError as error:
        raise BusinessRuleError(_DUPLICATE) from error
    record(
        "sign",
        "issued_documents",
        document.id,
        actor,
        {
            "reference": document.reference,
            "role": role,
            "sequence": sequence,
            "signed_sha256": signed_sha256,
            "pdf_sha256": row.pdf_sha256,
            "evidence_id": row.id,
        },
    )
    circuit.evidences.append(row)
    if role == rules.EMPLOYEE:
        # Signing also acknowledges receipt (the first acknowledgement is kept).
        from hrtele.portal.services import acknowledge_document

        acknowledge_document(document, actor)
    if circuit.complete:
        _complete(document, circuit, actor)
    else:
        _notify_turn(document, circuit.next_role)
    return row


def _complete(document: IssuedDocument, circuit: Circuit, actor: User) -> None:
    """Last signature: the amendment's agreement becomes « signé »; everybody is told."""
    if document.kind == rules.AMENDMENT:
        agreement = _agreement(document)
        if agreement is not None and agreement.status == lifecycle.ISSUED:
            from hrtele.lifecycle.services import transition

            today = clock.today()
            try:
                transition(
                    agreement,
                    lifecycle.SIGN,
                    {
                        "version": agreement.version,
                        "employee_signed_date": today,
                        "employer_signed_date": today,
                    },
                    actor,
                    today,
                )
            except TransitionRefused as refused:
                raise BusinessRuleError(refused.message) from refused
    _notify_complete(document)


# --------------------------------------------------------------------------- reading


def signed_pdf(circuit: Circuit) -> SignatureEvidence | None:
    """The evidence row holding the latest signed PDF (with its bytes), or None."""
    latest = circuit.latest
    if latest is None:
        return None
    return db.session.get(SignatureEvidence, latest.id)


def signed_filename(document: IssuedDocument, complete: bool, base: str) -> str:
    """« avenant-teletravail-M00042-v2-signe.pdf » (partial: « -signature-en-cours »)."""
    stem = base[:-4] if base.endswith(".pdf") else base
    return f"{stem}-{'signe' if complete else 'signature-en-cours'}.pdf"


# --------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class Verification:
    """The verdict on a PDF: issued by this app, unaltered, which signatures, which version."""

    inspection: PdfInspection
    document: IssuedDocument | None  # the issued document found as the file's first revision
    matches: str  # 'issued', 'signed', 'partial' (a stored signed revision), 'unknown', ''
    trailing_bytes: bool  # bytes after the last signature that no signature covers
    ok: bool
    verdict: str  # French, one sentence
    problems: tuple[str, ...] = ()

    @property
    def signatures(self) -> tuple[SignatureCheck, ...]:
        """The signatures found in the file."""
        return self.inspection.signatures


def _known_certificates() -> set[str]:
    known = set(
        db.session.scalars(select(SignatureEvidence.certificate_sha256).distinct())
    )
    try:
        known.add(current_seal().sha256)
    except BusinessRuleError:
        pass
    return known


def verify_pdf(data: bytes) -> Verification:
    """Check a PDF against the stored documents and validate its signatures (never raises)."""
    known = _known_certificates()
    inspection = inspect_pdf(data, known.__contains__)
    if not inspection.readable:
        verdict = f"Vérification échouée : {inspection.error[0].lower()}{inspection.error[1:]}"
        return Verification(inspection, None, "", False, False, verdict, (inspection.error,))
    prefixes = {hashlib.sha256(data[:end]).hexdigest(): end for end in inspection.revision_ends}
    prefixes.setdefault(inspection.sha256, len(data))
    document = db.session.scalar(
        select(IssuedDocument)
        .options(defer(IssuedDocument.pdf_bytes))
        .where(IssuedDocument.sha256.in_(list(prefixes)))
        .order_by(IssuedDocument.id)
        .limit(1)
    )
    problems: list[str] = []
    if document is None:
        problems.append(
            "Aucun document émis par cette application ne correspond à ce fichier : il a été "
            "modifié (même d'un seul octet) ou il ne vient pas de cette application."
        )
    signatures = inspection.signatures
    for number, check in enumerate(signatures, start=1):
        if check.problem:
            problems.append(f"Signature {number} ({check.signer_name}) : {check.problem}")
    covered = max((c.revision_end for c in signatures), default=0)
    trailing = bool(signatures) and covered < len(data) and data[covered:].strip() != b""
    if trailing:
        problems.append(
            "Des données ont été ajoutées après la dernière signature : le fichier n'est plus "
            "celui qui a été signé."
        )
    matches = "unknown"
    if document is not None:
        if inspection.sha256 == document.sha256:
            matches = "issued"
        else:
            stored = db.session.scalar(
                select(SignatureEvidence)
                .options(defer(SignatureEvidence.pdf_bytes))
                .where(
                    SignatureEvidence.document_id == document.id,
                    SignatureEvidence.pdf_sha256 == inspection.sha256,
                )
            )
            if stored is not None:
                complete = circuit_for(document).complete and (
                    circuit_for(document).latest.id == stored.id
                )
                matches = "signed" if complete else "partial"
            elif not problems:
                problems.append(
                    "Ce fichier ne correspond à aucune version signée enregistrée par cette "
                    "application."
                )
    ok = document is not None and not problems
    if ok and matches == "issued":
        verdict = "Document authentique et intact, tel qu'émis par cette application (non signé)."
    elif ok and matches == "signed":
        verdict = (
            f"Document authentique et intact, signé électroniquement par toutes les parties "
            f"({len(signatures)} signature{'s' if len(signatures) > 1 else ''} valide"
            f"{'s' if len(signatures) > 1 else ''})."
        )
    elif ok:
        verdict = (
            "Document authentique et intact, en cours de signature "
            f"({len(signatures)} signature{'s' if len(signatures) > 1 else ''} sur "
            f"{len(circuit_for(document).steps)})."
        )
    else:
        verdict = "Vérification échouée : ce fichier n'est pas un document intact émis par cette application."
    return Verification(inspection, document, matches if document else "", trailing, ok,
                        verdict, tuple(problems))


# --------------------------------------------------------------------------- demonstration


def prepare_demo_signing(organisation: str, signatory_emails: Iterable[str]) -> list[str]:
    """Demo set-up: self-signed demonstration seal, and HR accounts allowed to sign."""
    lines = []
    if ensure_demo_seal(organisation):
        p12, _password = seal_paths()
        lines.append(
            f"  Cachet de signature : certificat auto-signé « {signing_pdf.DEMO_SUBJECT} » créé "
            f"dans {p12} (démonstration uniquement)"
        )
    emails = [e.lower() for e in signatory_emails]
    for user in db.session.scalars(select(User).where(User.email.in_(emails))):
        if user.is_hr and not user.can_sign_for_employer:
            user.can_sign_for_employer = True
            record("update", "users", user.id, None, {"can_sign_for_employer": [False, True]})
            lines.append(f"  Signataire pour l'employeur : {user.email}")
    db.session.flush()
    return lines
