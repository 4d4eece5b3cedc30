"""Retention purge (CNIL periods, dry run, audited) and SQLite online backup / restore."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import func, select

from hrtele.audit.service import record
from hrtele.extensions import db
from hrtele.models import (
    Agreement,
    AgreementEvent,
    AuditEntry,
    Employee,
    IssuedDocument,
    SignedScan,
    User,
)
from tests.factories import make_agreement, make_user


def _file_of(employee_id: int, reference: str) -> None:
    """An agreement with a timeline event, an issued document and its signed scan."""
    agreement = make_agreement(employee_id=employee_id)
    pdf = f"%PDF-1.7 {reference}".encode()
    document = IssuedDocument(reference=reference, kind="amendment", version=1,
                              employee_id=employee_id, agreement_id=agreement.id, pdf_bytes=pdf,
                              sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf),
                              snapshot_json="{}", template_version="t")
    db.session.add(document)
    db.session.flush()
    db.session.add(SignedScan(document_id=document.id, filename="s.pdf", pdf_bytes=pdf,
                              sha256=document.sha256, size=len(pdf)))
    db.session.add(AgreementEvent(agreement_id=agreement.id, event="issue", from_state="draft",
                                  to_state="issued", event_date=date(2026, 10, 1)))
    record("issue", "issued_documents", document.id, None, {"reference": reference})
    db.session.commit()


@pytest.fixture
def staff(app, frozen_today):
    """Gone 6 years ago (purged), gone 2 years ago and still present (kept)."""
    frozen_today(date(2032, 6, 1))
    with app.app_context():
        ids = {}
        for key, left in (("old", date(2026, 3, 31)), ("recent", date(2030, 3, 31)), ("here", None)):
            agreement_employee = make_agreement().employee_id
            employee = db.session.get(Employee, agreement_employee)
            employee.is_active = left is None
            employee.departure_date = left
            db.session.commit()
            _file_of(employee.id, f"AV-RET-{key.upper()}")
            ids[key] = employee.id
        make_user("ancien@example.test", role="employee", employee_id=ids["old"])
        return ids


def _cli(app, *args):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def _counts(app) -> dict:
    with app.app_context():
        return {m.__tablename__: db.session.scalar(select(func.count()).select_from(m))
                for m in (Employee, Agreement, AgreementEvent, IssuedDocument, SignedScan)}


def test_dry_run_lists_and_changes_nothing(app, staff):
    before = _counts(app)
    result = _cli(app, "purge-retention", "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"salarié id {staff['old']}" in result.output
    assert f"salarié id {staff['recent']}" not in result.output
    assert "Simulation : rien n'a été supprimé" in result.output
    assert _counts(app) == before


def test_purge_deletes_what_is_due_keeps_the_rest_and_audits_it(app, staff):
    before = _counts(app)
    result = _cli(app, "purge-retention")
    assert result.exit_code == 0, result.output
    after = _counts(app)
    assert after["employees"] == before["employees"] - 1
    for table in ("issued_documents", "signed_scans", "agreement_events"):
        assert after[table] < before[table]
    with app.app_context():
        assert db.session.get(Employee, staff["old"]) is None
        assert db.session.get(Employee, staff["recent"]) is not None
        assert db.session.get(Employee, staff["here"]) is not None
        account = db.session.scalar(select(User).where(User.email.like("supprime-%")))
        assert account is not None and account.password_hash is None and not account.is_active_account
        purges = db.session.scalars(select(AuditEntry.changes_json).where(
            AuditEntry.action == "retention_purge")).all()
        assert any('"issued_documents": 1' in p for p in purges)
        assert all("Camille" not in p for p in purges)  # counts and ids, never names
    verify = _cli(app, "verify-store")
    assert verify.exit_code == 0, verify.output  # the audit chain stays whole (anchored)
    # Guards are back: immutable rows still cannot be deleted by the application.
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with app.app_context():
        with pytest.raises(DBAPIError):
            db.session.execute(text("DELETE FROM issued_documents"))
            db.session.flush()
        db.session.rollback()


def test_old_audit_entries_go_and_the_chain_keeps_an_anchor(app, staff, frozen_today):
    frozen_today(date(2032, 6, 1))
    app.config["RETENTION_AUDIT_YEARS"] = 1  # every entry written "now" (2026) is due
    result = _cli(app, "purge-retention")
    assert result.exit_code == 0, result.output
    with app.app_context():
        kept = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
    assert kept[-1] == "retention_purge" and "audit_purged" in kept
    assert "issue" not in kept
    verify = _cli(app, "verify-store")
    assert verify.exit_code == 0, verify.output


def test_backup_and_restore_with_the_online_api(app, backend, staff, tmp_path):
    if backend != "sqlite":
        pytest.skip("SQLite backup API; PostgreSQL uses pg_dump (README)")
    target = tmp_path / "sauvegardes" / "hrtele.sqlite3"
    before = _counts(app)
    # A writer keeps its transaction open during the backup: the copy is consistent anyway.
    result = _cli(app, "backup", str(target))
    assert result.exit_code == 0, result.output
    assert "intégrité vérifiée" in result.output
    assert _cli(app, "backup", str(target)).exit_code != 0  # never overwrites a backup
    with app.app_context():
        make_user("apres-sauvegarde@example.test")
    restored = _cli(app, "restore-backup", str(target), "--yes")
    assert restored.exit_code == 0, restored.output
    with app.app_context():
        db.session.remove()
        assert db.session.scalar(select(User).where(User.email == "apres-sauvegarde@example.test")) is None
    assert _counts(app) == before
    assert _cli(app, "verify-store").exit_code == 0
