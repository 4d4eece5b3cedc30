"""`flask verify-store`: every stored file against its SHA-256, the audit trail's hash chain.

Tampering is done the way an intruder with database-administrator rights would: on SQLite
through a raw connection that drops the guard triggers, on PostgreSQL as the superuser with
triggers skipped (session_replication_role) - never through the application's role.
"""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from hrtele.audit.chain import GENESIS, verify_chain
from hrtele.audit.service import record
from hrtele.extensions import db
from hrtele.models import AuditEntry, IssuedDocument, SignedScan
from tests.conftest import login, pg_admin_engine
from tests.factories import make_agreement, make_user


def tamper(app, backend: str, *statements: str) -> None:
    """Run statements past every guard (the database administrator's power)."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    fake = "X'255044462D66616B65'" if backend == "sqlite" else "'\\x255044462d66616b65'::bytea"
    statements = tuple(s.replace("{FAKE}", fake) for s in statements)
    if backend == "sqlite":
        conn = sqlite3.connect(uri.removeprefix("sqlite:///"), isolation_level=None)
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")]
        conn.execute("BEGIN")
        for name in names:
            conn.execute(f"DROP TRIGGER {name}")
        for statement in statements:
            conn.execute(statement)
        conn.execute("COMMIT")
        conn.close()
        return
    with pg_admin_engine(uri).begin() as conn:
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        for statement in statements:
            conn.execute(sa.text(statement))


@pytest.fixture
def store(app):
    """A document with a signed scan and a few audit entries; returns ids."""
    with app.app_context():
        user = make_user("rh.verif@example.test")
        agreement = make_agreement()
        pdf = b"%PDF-1.7 document\n%%EOF"
        document = IssuedDocument(reference="AV-VERIF-1", kind="amendment", version=1,
                                  employee_id=agreement.employee_id, agreement_id=agreement.id,
                                  pdf_bytes=pdf, sha256=hashlib.sha256(pdf).hexdigest(),
                                  size=len(pdf), snapshot_json="{}", template_version="t",
                                  issued_by_id=user.id)
        db.session.add(document)
        db.session.flush()
        scan = SignedScan(document_id=document.id, filename="s.pdf", pdf_bytes=pdf,
                          sha256=document.sha256, size=len(pdf))
        db.session.add(scan)
        for i in range(5):
            record("update", "posts", i, user, {"n": i})
        db.session.commit()
        entries = db.session.scalars(select(AuditEntry.id).order_by(AuditEntry.seq)).all()
        return {"document": document.id, "scan": scan.id, "entries": entries}


def _verify(app):
    result = app.test_cli_runner().invoke(args=["verify-store"])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_an_intact_store_verifies(app, store):
    code, output = _verify(app)
    assert code == 0, output
    assert "issued_documents : 1 fichier(s) vérifié(s)" in output
    assert "Aucune anomalie" in output


def test_chain_links_every_entry_in_order(app, store):
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
        assert rows[0].prev_hash == GENESIS
        assert all(b.prev_hash == a.entry_hash for a, b in zip(rows, rows[1:], strict=False))
        report = verify_chain(db.session)
        assert report.problems == [] and report.head_seq == len(rows)


def test_tampered_document_and_deleted_audit_row_are_both_detected(app, backend, store):
    middle = store["entries"][2]
    tamper(app, backend,
           f"UPDATE issued_documents SET pdf_bytes = {{FAKE}} WHERE id = {store['document']}",
           f"DELETE FROM audit_entries WHERE id = {middle}")
    code, output = _verify(app)
    assert code == 1
    assert f"document émis id {store['document']}" in output
    assert "manquantes" in output
    assert "2 anomalie(s)" in output


def test_edited_and_truncated_trail_are_detected(app, backend, store):
    first, last = store["entries"][0], store["entries"][-1]
    tamper(app, backend,
           f"UPDATE audit_entries SET actor_label = 'quelqu''un' WHERE id = {first}",
           f"DELETE FROM audit_entries WHERE id = {last}")
    code, output = _verify(app)
    assert code == 1
    assert "a été modifiée" in output
    assert "tête de chaîne" in output


def test_downloads_refuse_bytes_that_no_longer_match(app, backend, store, client):
    with app.app_context():
        make_user("rh.download@example.test")
    login(client, "rh.download@example.test")
    assert client.get(f"/documents/{store['document']}").status_code == 200
    assert client.get(f"/documents/scans/{store['scan']}").status_code == 200
    tamper(app, backend,
           f"UPDATE issued_documents SET pdf_bytes = {{FAKE}} WHERE id = {store['document']}",
           f"UPDATE signed_scans SET pdf_bytes = {{FAKE}} WHERE id = {store['scan']}")
    for url, object_type in ((f"/documents/{store['document']}", "issued_documents"),
                             (f"/documents/scans/{store['scan']}", "signed_scans")):
        response = client.get(url)
        assert response.status_code == 500
        assert response.mimetype == "text/html"
        assert b"%PDF" not in response.data
        assert "ne correspond plus à son empreinte" in response.get_data(as_text=True)
        with app.app_context():
            assert db.session.scalar(select(func.count(AuditEntry.id)).where(
                AuditEntry.action == "integrity_error", AuditEntry.object_type == object_type)) == 1
