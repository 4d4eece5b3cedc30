"""Signature pages: access rules, the sign form, signed downloads, verification page, CLI."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from hrtele.extensions import db
from hrtele.models import AuditEntry, SignatureEvidence, User
from tests.conftest import login
from tests.documents.model_samples import employee_with_post
from tests.factories import TEST_PASSWORD, make_user, page_text
from tests.signatures.helpers import ISSUE_DAY, issued_amendment


@pytest.fixture
def world(app, frozen_today):
    frozen_today(ISSUE_DAY)
    with app.app_context():
        parties = issued_amendment()
        other = employee_with_post(personnel_number="M09999", first_name="Bruno",
                                   last_name="Autre")
        make_user("bruno@example.test", role="employee", employee_id=other.id)
        return parties


def _client(app, email):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def _start(app, world):
    hr = _client(app, "rh.simple@example.test")
    response = hr.post(f"/signatures/documents/{world.document_id}/lancer")
    assert response.status_code == 303, response.data[:300]
    return hr


def _sign(client, world, password=TEST_PASSWORD, consent="y"):
    data = {"password": password}
    if consent:
        data["consent"] = consent
    return client.post(f"/signatures/documents/{world.document_id}/signer", data=data,
                       headers={"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)"})


def test_full_journey_through_the_pages(app, world, mail_outbox):
    hr = _start(app, world)
    employee = _client(app, "salariee@example.test")
    page = employee.get(f"/signatures/documents/{world.document_id}/signer")
    assert page.status_code == 200
    assert "Je signe le document" in page_text(page)
    # Consent and password are both required; a wrong password is refused and logged.
    assert _sign(employee, world, consent="").status_code == 422
    refused = _sign(employee, world, password="pas le bon")
    assert refused.status_code == 422 and "Mot de passe incorrect" in page_text(refused)
    assert _sign(employee, world).status_code == 303
    # Not the employer's plain HR account: only the signatory signs the employer's step.
    assert "pas habilité" in page_text(hr.get(f"/signatures/documents/{world.document_id}/signer"))
    signatory = _client(app, "signataire@example.test")
    assert _sign(signatory, world).status_code == 303
    with app.app_context():
        rows = db.session.scalars(select(SignatureEvidence).order_by(SignatureEvidence.id)).all()
        assert [r.role for r in rows] == ["employee", "employer"]
        assert rows[0].user_agent.startswith("Mozilla/5.0 (iPhone")
        assert rows[0].ip == "127.0.0.1"
        refusals = db.session.scalar(
            select(func.count()).select_from(AuditEntry)
            .where(AuditEntry.action == "signature_refused")
        )
        assert refusals == 1
        final = rows[-1].pdf_bytes
    # The employee downloads the signed PDF, and the issued version stays available.
    documents = page_text(employee.get("/mon-espace/documents"))
    assert "Télécharger le PDF signé" in documents and "Version émise, non signée" in documents
    signed = employee.get(f"/signatures/documents/{world.document_id}/pdf-signe")
    assert signed.status_code == 200 and signed.data == final
    assert signed.headers["Cache-Control"] == "no-store"
    assert "-signe.pdf" in signed.headers["Content-Disposition"]
    issued = employee.get(f"/documents/{world.document_id}")
    assert issued.status_code == 200 and final.startswith(issued.data)
    evidence = employee.get(f"/signatures/documents/{world.document_id}/preuves")
    assert "203.0.113" not in page_text(evidence) and "127.0.0.1" in page_text(evidence)
    # HR sees the agreement as signed.
    agreement_page = page_text(hr.get(f"/accords/{world.agreement_id}"))
    assert "signé électroniquement" in agreement_page


def test_other_people_get_404_and_employees_cannot_start(app, world):
    _start(app, world)
    bruno = _client(app, "bruno@example.test")
    for path in ("signer", "pdf-signe", "preuves"):
        assert bruno.get(f"/signatures/documents/{world.document_id}/{path}").status_code == 404
    assert _sign(bruno, world).status_code == 404
    employee = _client(app, "salariee@example.test")
    assert employee.post(f"/signatures/documents/{world.document_id}/lancer").status_code == 403
    assert employee.get(f"/signatures/documents/{world.document_id}/verifier").status_code == 403
    anonymous = app.test_client()
    response = anonymous.get(f"/signatures/documents/{world.document_id}/signer")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    assert employee.get("/signatures/documents/999999/signer").status_code == 404


def test_start_refusal_is_explained(app, world):
    with app.app_context():
        db.session.execute(User.__table__.update().values(can_sign_for_employer=False))
        db.session.commit()
    hr = _client(app, "rh.simple@example.test")
    response = hr.post(f"/signatures/documents/{world.document_id}/lancer")
    assert response.status_code == 422
    assert "Aucun compte RH n'est autorisé à signer" in page_text(response)


def test_verification_page_for_anyone(app, world):
    _start(app, world)
    _sign(_client(app, "salariee@example.test"), world)
    _sign(_client(app, "signataire@example.test"), world)
    with app.app_context():
        final = db.session.scalars(
            select(SignatureEvidence.pdf_bytes).order_by(SignatureEvidence.id.desc())
        ).first()
    anonymous = app.test_client()
    assert anonymous.get("/signatures/verification").status_code == 200
    ok = anonymous.post("/signatures/verification",
                        data={"pdf": (io.BytesIO(final), "avenant.pdf")},
                        content_type="multipart/form-data")
    assert ok.status_code == 200
    text = page_text(ok)
    assert "Document authentique et intact, signé électroniquement par toutes les parties" in text
    assert "version 1" in text and "couvre tout le document" in text
    tampered = bytearray(final)
    tampered[len(tampered) // 3] ^= 0x01
    ko = anonymous.post("/signatures/verification",
                        data={"pdf": (io.BytesIO(bytes(tampered)), "avenant.pdf")},
                        content_type="multipart/form-data")
    assert ko.status_code == 422 and "Vérification échouée" in page_text(ko)
    junk = anonymous.post("/signatures/verification",
                          data={"pdf": (io.BytesIO(b"bonjour"), "x.pdf")},
                          content_type="multipart/form-data")
    assert junk.status_code == 422 and "n'est pas un PDF" in page_text(junk)
    missing = anonymous.post("/signatures/verification", data={},
                             content_type="multipart/form-data")
    assert missing.status_code == 422 and "Choisissez le fichier PDF" in page_text(missing)
    hr = _client(app, "rh.simple@example.test")
    stored = hr.get(f"/signatures/documents/{world.document_id}/verifier")
    assert stored.status_code == 200 and "Document authentique et intact" in page_text(stored)


def test_cli_verifies_files_and_stored_documents(app, world, tmp_path):
    _start(app, world)
    _sign(_client(app, "salariee@example.test"), world)
    _sign(_client(app, "signataire@example.test"), world)
    with app.app_context():
        final = db.session.scalars(
            select(SignatureEvidence.pdf_bytes).order_by(SignatureEvidence.id.desc())
        ).first()
    good, bad = tmp_path / "bon.pdf", tmp_path / "altere.pdf"
    good.write_bytes(final)
    bad.write_bytes(final.replace(b"/Lang", b"/Lanh", 1))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["verify-pdf", str(good)])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output and "Signature 2" in result.output
    assert "couvre tout le document" in result.output
    result = runner.invoke(args=["verify-pdf", str(bad)])
    assert result.exit_code == 1 and "ÉCHEC" in result.output
    result = runner.invoke(args=["verify-pdf", "--document", str(world.document_id)])
    assert result.exit_code == 0 and "version 1" in result.output
    assert runner.invoke(args=["verify-pdf"]).exit_code != 0


def test_admin_grants_the_right_to_sign(app, admin_client):
    with app.app_context():
        user = make_user("rh.nouvelle@example.test", role="hr")
        user_id, version = user.id, user.version
        employee = make_user("pas.rh@example.test", role="employee")
        employee_id, employee_version = employee.id, employee.version
    response = admin_client.post(f"/comptes/{user_id}/signataire", data={"version": version})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, user_id).can_sign_for_employer is True
    refused = admin_client.post(f"/comptes/{employee_id}/signataire",
                                data={"version": employee_version})
    assert refused.status_code == 422
    assert "Seul un compte RH" in page_text(refused)
    hr = app.test_client()
    with app.app_context():
        make_user("rh.pas.admin@example.test", role="hr")
    login(hr, "rh.pas.admin@example.test")
    assert hr.post(f"/comptes/{user_id}/signataire/retirer",
                   data={"version": version + 1}).status_code == 403
