"""The signature circuit on SQLite and PostgreSQL: real seals, real PDFs, pyHanko's validator."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.status import SignatureCoverageLevel
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from hrtele.documents import services as documents
from hrtele.domain import lifecycle
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.models import AgreementEvent, AuditEntry, Policy, SignatureEvidence, SignatureRequest
from hrtele.signatures import services
from tests.signatures.helpers import (
    ISSUE_DAY,
    TEST_PASSWORD,
    issued_amendment,
    validate_with_pyhanko,
)


@pytest.fixture
def parties(db_session, frozen_today, mail_outbox):
    frozen_today(ISSUE_DAY)
    issued = issued_amendment()
    mail_outbox.clear()  # the « document issued » notification: these tests read the circuit's
    return issued


def _sign(parties, who: str, password: str = TEST_PASSWORD):
    evidence = services.sign_document(
        parties.document, parties.user(who), password,
        ip="203.0.113.7", user_agent="Mozilla/5.0 (iPhone; test)",
    )
    db.session.commit()
    return evidence


def _start(parties):
    request = services.start_circuit(parties.document, parties.user("hr"))
    db.session.commit()
    return request


def test_full_circuit_signs_the_amendment_and_validates_with_pyhanko(
    parties, seal_files, mail_outbox
):
    issued = parties.document.pdf_bytes
    _start(parties)
    assert [m["To"] for m in mail_outbox] == ["salariee@example.test"]
    assert "attend votre signature" in mail_outbox[0].get_content()

    mail_outbox.clear()
    first = _sign(parties, "employee_user")
    # The signatory is asked to sign (HR also hears that the employee acknowledged receipt).
    assert "signataire@example.test" in [m["To"] for m in mail_outbox]
    assert parties.agreement.status == lifecycle.ISSUED  # one party only so far
    mail_outbox.clear()
    second = _sign(parties, "signatory")

    # The circuit is complete: the agreement went through the lifecycle's « sign ».
    agreement = parties.agreement
    assert agreement.status == lifecycle.SIGNED
    assert agreement.employee_signed_date == ISSUE_DAY == agreement.employer_signed_date
    event = db.session.scalar(
        select(AgreementEvent).where(AgreementEvent.agreement_id == agreement.id,
                                     AgreementEvent.event == lifecycle.SIGN)
    )
    assert event is not None and event.actor_id == parties.signatory_id
    assert {m["To"] for m in mail_outbox} == {"salariee@example.test",
                                              "signataire@example.test"}

    # Incremental updates: the issued bytes, then the first signed revision, are prefixes.
    signed = db.session.get(SignatureEvidence, second.id).pdf_bytes
    first_pdf = db.session.get(SignatureEvidence, first.id).pdf_bytes
    assert first_pdf.startswith(issued) and signed.startswith(first_pdf)
    assert first.signed_sha256 == hashlib.sha256(issued).hexdigest()
    assert second.signed_sha256 == hashlib.sha256(first_pdf).hexdigest()

    # pyHanko's validator: both signatures valid and trusted; the last one covers the file,
    # the first one is followed only by signing (form filling) updates.
    statuses = validate_with_pyhanko(signed, *seal_files)
    assert len(statuses) == 2
    assert all(s.bottom_line and s.intact and s.valid and s.trusted for s in statuses)
    assert statuses[0].coverage == SignatureCoverageLevel.ENTIRE_REVISION
    assert statuses[1].coverage == SignatureCoverageLevel.ENTIRE_FILE

    # Each signature names its signer and carries its evidence, equal to the stored row.
    reader = PdfFileReader(io.BytesIO(signed))
    names = [str(s.sig_object["/Name"]) for s in reader.embedded_signatures]
    assert names == [first.signer_name, "Claire Vidal"]
    assert str(reader.embedded_signatures[0].sig_object["/Prop_AuthType"]).lstrip("/") == "Password"
    for embedded, row in zip(reader.embedded_signatures, (first, second), strict=True):
        spec = embedded.sig_field["/AP"]["/N"]["/AF"][0]
        payload = spec["/EF"]["/F"].data
        assert json.loads(payload) == json.loads(row.evidence_json)
        assert json.loads(payload)["ip"] == "203.0.113.7"
        assert json.loads(payload)["authentication"]["method"] == "password"

    # The verification service agrees.
    result = services.verify_pdf(signed)
    assert result.ok and result.matches == "signed", result.problems
    assert result.document.id == parties.document_id


def test_wrong_password_stores_nothing(parties):
    _start(parties)
    with pytest.raises(BusinessRuleError, match="Mot de passe incorrect"):
        services.sign_document(parties.document, parties.user("employee_user"), "faux")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(SignatureEvidence)) == 0
    assert parties.agreement.status == lifecycle.ISSUED


@pytest.mark.parametrize(
    ("order", "first", "refused"),
    [("employee_first", "employee_user", "signatory"), ("employer_first", "signatory",
                                                         "employee_user")],
)
def test_order_comes_from_the_policy(parties, order, first, refused):
    db.session.execute(text("UPDATE policies SET signature_order = :o"), {"o": order})
    db.session.commit()
    request = _start(parties)
    assert request.signing_order == order
    with pytest.raises(BusinessRuleError, match="pas encore votre tour"):
        services.sign_document(parties.document, parties.user(refused), TEST_PASSWORD)
    db.session.rollback()
    _sign(parties, first)
    # A policy change later does not reorder the running circuit.
    other = "employer_first" if order == "employee_first" else "employee_first"
    db.session.execute(text("UPDATE policies SET signature_order = :o"), {"o": other})
    db.session.commit()
    _sign(parties, refused)
    assert services.circuit_for(parties.document).complete


def test_only_signatories_and_the_employee_concerned_sign(parties):
    _start(parties)
    with pytest.raises(BusinessRuleError, match="pas habilité"):
        services.sign_document(parties.document, parties.user("hr"), TEST_PASSWORD)
    db.session.rollback()
    _sign(parties, "employee_user")
    with pytest.raises(BusinessRuleError, match="déjà signé"):
        services.sign_document(parties.document, parties.user("employee_user"), TEST_PASSWORD)
    db.session.rollback()


def test_start_needs_a_signatory_and_is_refused_twice(parties):
    db.session.execute(text("UPDATE users SET can_sign_for_employer = :f"), {"f": False})
    db.session.commit()
    with pytest.raises(BusinessRuleError, match="Aucun compte RH n'est autorisé"):
        services.start_circuit(parties.document, parties.user("hr"))
    db.session.rollback()
    db.session.execute(text("UPDATE users SET can_sign_for_employer = :t"), {"t": True})
    db.session.commit()
    _start(parties)
    with pytest.raises(BusinessRuleError, match="déjà lancée"):
        services.start_circuit(parties.document, parties.user("hr"))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(SignatureRequest)) == 1


def test_reissued_amendment_voids_the_running_circuit(parties):
    _start(parties)
    _sign(parties, "employee_user")
    agreement = parties.agreement
    # A new version needs changed terms (an unchanged agreement's amendment is up to date).
    agreement.equipment = f"{agreement.equipment}, écran supplémentaire"
    db.session.flush()
    newer = documents.issue_amendment(agreement, parties.user("hr"), ISSUE_DAY)
    db.session.commit()
    circuit = services.circuit_for(parties.document)
    assert circuit.void and not circuit.open
    with pytest.raises(BusinessRuleError, match="version plus récente"):
        services.sign_document(parties.document, parties.user("signatory"), TEST_PASSWORD)
    db.session.rollback()
    assert services.start_refusal(newer) is None


def test_signature_rows_are_append_only(parties):
    _start(parties)
    evidence = _sign(parties, "employee_user")
    for statement in (
        "UPDATE signature_evidences SET ip = '10.0.0.1'",
        "UPDATE signature_evidences SET pdf_bytes = pdf_bytes",
        "DELETE FROM signature_evidences",
        "UPDATE signature_requests SET steps = 'employer'",
        "DELETE FROM signature_requests",
    ):
        with pytest.raises(DBAPIError):
            db.session.execute(text(statement))
        db.session.rollback()
    kept = db.session.get(SignatureEvidence, evidence.id)
    assert kept.ip == "203.0.113.7"
    assert hashlib.sha256(kept.pdf_bytes).hexdigest() == kept.pdf_sha256


def test_each_signature_is_audited(parties):
    _start(parties)
    _sign(parties, "employee_user")
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_type == "issued_documents")
    ).all()
    assert "signature_start" in actions and "sign" in actions


# --------------------------------------------------------------------------- verification


@pytest.fixture
def signed_pdf(parties):
    _start(parties)
    _sign(parties, "employee_user")
    last = _sign(parties, "signatory")
    return db.session.get(SignatureEvidence, last.id).pdf_bytes


def test_verification_accepts_the_issued_and_signed_files(parties, signed_pdf):
    assert services.verify_pdf(signed_pdf).ok
    issued = services.verify_pdf(parties.document.pdf_bytes)
    assert issued.ok and issued.matches == "issued" and not issued.signatures
    partial = db.session.scalar(
        select(SignatureEvidence.pdf_bytes).where(SignatureEvidence.sequence == 1)
    )
    result = services.verify_pdf(partial)
    assert result.ok and result.matches == "partial"


@pytest.mark.parametrize("where", [0.02, 0.3, 0.55, 0.8, 0.97])
def test_a_changed_byte_fails_with_a_french_message(signed_pdf, where):
    tampered = bytearray(signed_pdf)
    position = int(len(tampered) * where)
    tampered[position] = (tampered[position] + 1) % 256
    result = services.verify_pdf(bytes(tampered))
    assert not result.ok
    assert result.verdict.startswith("Vérification échouée")
    assert result.problems and all(isinstance(p, str) and p for p in result.problems)


def test_appended_or_truncated_or_foreign_files_fail(signed_pdf, parties):
    appended = services.verify_pdf(signed_pdf + b"\n% ajout\n")
    assert not appended.ok
    assert any("ajoutées après la dernière signature" in p for p in appended.problems)
    truncated = services.verify_pdf(signed_pdf[: len(signed_pdf) // 2])
    assert not truncated.ok
    assert not services.verify_pdf(b"pas un pdf").ok
    assert "n'est pas un PDF" in services.verify_pdf(b"pas un pdf").verdict
    changed_issue = bytearray(parties.document.pdf_bytes)
    changed_issue[500] ^= 0x20
    result = services.verify_pdf(bytes(changed_issue))
    assert not result.ok and "Aucun document émis" in result.problems[0]


def test_signatures_survive_a_restart(app, parties, signed_pdf):
    """A new app process on the same database still verifies and serves the evidence."""
    from hrtele import create_app

    document_id = parties.document_id
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    config = {k: v for k, v in app.config.items() if k.startswith(("SIGNING_", "TESTING"))}
    db.session.remove()
    db.engine.dispose()
    restarted = create_app({**config, "SQLALCHEMY_DATABASE_URI": uri,
                            "SECRET_KEY": "autre-cle-apres-redemarrage"})
    with restarted.app_context():
        circuit = services.circuit_for(db.session.get(documents.IssuedDocument, document_id))
        assert circuit.complete and len(circuit.evidences) == 2
        stored = services.signed_pdf(circuit).pdf_bytes
        assert stored == signed_pdf
        assert services.verify_pdf(stored).ok
        db.session.remove()
        db.engine.dispose()


def test_signatures_survive_a_sqlite_online_backup_and_restore(
    app, backend, parties, signed_pdf, tmp_path
):
    """sqlite3.Connection.backup (online API) → a fresh app on the copy verifies the PDF."""
    if backend != "sqlite":
        pytest.skip("SQLite online backup API")
    from hrtele import create_app

    source_path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    evidence_rows = db.session.execute(
        select(SignatureEvidence.id, SignatureEvidence.pdf_sha256, SignatureEvidence.evidence_json)
        .order_by(SignatureEvidence.id)
    ).all()
    backup_path = tmp_path / "sauvegarde.sqlite3"
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(backup_path)
    try:
        source.backup(target)  # while the app's own connections are open
    finally:
        target.close()
        source.close()
    config = {k: v for k, v in app.config.items() if k.startswith("SIGNING_")}
    restored = create_app({**config, "TESTING": True, "SECRET_KEY": "restauration",
                           "SQLALCHEMY_DATABASE_URI": f"sqlite:///{backup_path}"})
    with restored.app_context():
        rows = db.session.execute(
            select(SignatureEvidence.id, SignatureEvidence.pdf_sha256,
                   SignatureEvidence.evidence_json).order_by(SignatureEvidence.id)
        ).all()
        assert rows == evidence_rows
        result = services.verify_pdf(signed_pdf)
        assert result.ok and result.matches == "signed"
        # The restored copy keeps the append-only triggers.
        with pytest.raises(DBAPIError):
            db.session.execute(text("DELETE FROM signature_evidences"))
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()


def test_policy_default_order(db_session):
    from tests.factories import make_employer, make_policy

    make_policy(employer_id=make_employer().id)
    assert db.session.scalar(select(Policy.signature_order)) == "employee_first"
    assert services.signing_order() == "employee_first"


# --------------------------------------------------------------------------- notices


def _notice(parties, **fields):
    """The agreement signed, then its end notified by the employer, and the notice issued."""
    agreement = parties.agreement
    values = dict(
        status="ending", ending_initiative="employer",
        ending_notification_date=ISSUE_DAY, ending_effective_date=ISSUE_DAY.replace(day=30),
        ending_reason="réorganisation du service", ending_method="hand_delivery",
        ending_phase="adaptation", ending_notice_days=10,
        ending_return_arrangements="Bureau 204",
    )
    values.update(fields)
    for key, value in values.items():
        setattr(agreement, key, value)
    db.session.commit()
    notice = documents.issue_notice(agreement, parties.user("hr"), ISSUE_DAY)
    db.session.commit()
    return notice


def test_hand_delivered_notice_is_signed_by_the_employer_then_acknowledged(parties, mail_outbox):
    notice = _notice(parties)
    services.start_circuit(notice, parties.user("hr"))
    db.session.commit()
    assert services.circuit_for(notice).steps == ("employer", "employee")
    assert mail_outbox[-1]["To"] == "signataire@example.test"
    with pytest.raises(BusinessRuleError, match="pas encore votre tour"):
        services.sign_document(notice, parties.user("employee_user"), TEST_PASSWORD)
    db.session.rollback()
    for who in ("signatory", "employee_user"):
        services.sign_document(notice, parties.user(who), TEST_PASSWORD)
        db.session.commit()
    circuit = services.circuit_for(notice)
    assert circuit.complete
    assert "reçue en main propre" in circuit.evidences[-1].reason
    assert notice.acknowledged_dt is not None  # signing is the acknowledgement of receipt
    assert parties.agreement.status == "ending"  # a notice does not move the agreement
    assert services.verify_pdf(services.signed_pdf(circuit).pdf_bytes).ok


def test_registered_letter_notice_has_no_circuit(parties):
    notice = _notice(parties, ending_method="lrar")
    refusal = services.start_refusal(notice)
    assert refusal is not None and "avis de réception" in refusal
    with pytest.raises(BusinessRuleError, match="avis de réception"):
        services.start_circuit(notice, parties.user("hr"))
    db.session.rollback()
