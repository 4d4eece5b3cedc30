"""Records that truly cannot be rewritten: REPLACE / UPSERT / TRUNCATE / trigger disabling.

SQLite: ``INSERT OR REPLACE`` deletes the conflicting row without firing DELETE triggers
(recursive_triggers is off, checked below), so the BEFORE INSERT guards of migration
i16_immutable are what keep the rows. PostgreSQL: the suite runs as the application role,
which may neither truncate nor disable triggers nor skip them.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from hrtele.audit.service import record
from hrtele.extensions import db
from hrtele.models import AgreementEvent, AuditEntry, IssuedDocument, PayrollExport, SignedScan
from tests.factories import make_agreement, make_user

PROTECTED = ("audit_entries", "agreement_events", "signed_scans", "payroll_exports",
             "issued_documents")


@pytest.fixture
def rows(db_session):
    """One row in each protected table; returns {table: id}."""
    user = make_user("rh.immuable@example.test")
    agreement = make_agreement()
    pdf = b"%PDF-1.7 immuable"
    document = IssuedDocument(reference="AV-IMM-1", kind="amendment", version=1,
                              employee_id=agreement.employee_id, agreement_id=agreement.id,
                              pdf_bytes=pdf, sha256=hashlib.sha256(pdf).hexdigest(),
                              size=len(pdf), snapshot_json="{}", template_version="t",
                              issued_by_id=user.id)
    db_session.add(document)
    db_session.flush()
    scan = SignedScan(document_id=document.id, filename="s.pdf", pdf_bytes=pdf,
                      sha256=document.sha256, size=len(pdf))
    event = AgreementEvent(agreement_id=agreement.id, event="issue", from_state="draft",
                           to_state="issued", event_date=date(2026, 10, 1))
    export = PayrollExport(year=2026, month=10, csv_bytes=b"a;b", sha256="0" * 64, row_count=1)
    db_session.add_all([scan, event, export])
    entry = record("create", "posts", 1, None, {"code": "A"})
    db_session.commit()
    return {"issued_documents": document.id, "signed_scans": scan.id,
            "agreement_events": event.id, "payroll_exports": export.id,
            "audit_entries": entry.id}


def _row(table: str, row_id: int) -> tuple:
    return tuple(db.session.execute(text(f"SELECT * FROM {table} WHERE id = :id"),
                                    {"id": row_id}).one())


def _copy_statement(table: str, verb: str, suffix: str = "") -> str:
    """``<verb> INTO table SELECT * FROM table WHERE id = :id`` (same id, same unique keys)."""
    return f"{verb} INTO {table} SELECT * FROM {table} WHERE id = :id {suffix}"


def _refused(statement: str, params: dict) -> None:
    with pytest.raises(DBAPIError):
        db.session.execute(text(statement), params)
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("table", PROTECTED)
def test_sqlite_replace_and_upsert_cannot_overwrite(app, backend, rows, table):
    if backend != "sqlite":
        pytest.skip("SQLite's REPLACE; PostgreSQL is covered by the UPSERT test below")
    assert db.session.execute(text("PRAGMA recursive_triggers")).scalar() == 0
    row_id = rows[table]
    before = _row(table, row_id)
    for statement in (
        _copy_statement(table, "INSERT OR REPLACE"),
        _copy_statement(table, "REPLACE"),
        _copy_statement(table, "INSERT", "ON CONFLICT(id) DO UPDATE SET id = excluded.id"),
        _copy_statement(table, "INSERT", "ON CONFLICT DO NOTHING"),
        f"UPDATE OR REPLACE {table} SET id = id + 1000 WHERE id = :id",
        f"DELETE FROM {table} WHERE id = :id",
    ):
        _refused(statement, {"id": row_id})
    assert _row(table, row_id) == before


def test_sqlite_update_or_replace_cannot_delete_a_document_through_another(app, backend, rows):
    """Moving another row onto a document's unique key would silently delete it: refused."""
    if backend != "sqlite":
        pytest.skip("SQLite only")
    doc_id = rows["issued_documents"]
    first = db.session.get(IssuedDocument, doc_id)
    other = IssuedDocument(reference="AV-IMM-2", kind="amendment", version=2,
                           employee_id=first.employee_id, pdf_bytes=b"x", sha256="0" * 64,
                           size=1, snapshot_json="{}", template_version="t")
    db.session.add(other)
    db.session.commit()
    other_id = other.id
    _refused("INSERT OR REPLACE INTO audit_entries (id, at_dt, actor_label, action, object_type,"
             " changes_json, ip) VALUES (:id, '2026-01-01', 'x', 'x', 'x', '{}', '')",
             {"id": rows["audit_entries"]})
    for statement in ("UPDATE OR REPLACE issued_documents SET reference = 'AV-IMM-1' WHERE id = :id",
                      "UPDATE OR REPLACE issued_documents SET version = 1 WHERE id = :id",
                      f"UPDATE OR REPLACE issued_documents SET id = {doc_id} WHERE id = :id"):
        _refused(statement, {"id": other_id})
    db.session.expire_all()
    assert db.session.get(IssuedDocument, doc_id).reference == "AV-IMM-1"
    assert db.session.get(IssuedDocument, other_id).reference == "AV-IMM-2"


@pytest.mark.parametrize("table", PROTECTED)
def test_postgresql_upsert_truncate_and_trigger_tricks_are_refused(app, backend, rows, table):
    if backend != "postgresql":
        pytest.skip("PostgreSQL roles")
    row_id = rows[table]
    before = _row(table, row_id)
    for statement in (
        _copy_statement(table, "INSERT", "ON CONFLICT (id) DO UPDATE SET id = excluded.id"),
        f"UPDATE {table} SET id = id + 1000 WHERE id = :id",
        f"DELETE FROM {table} WHERE id = :id",
        f"TRUNCATE {table} CASCADE",
        f"ALTER TABLE {table} DISABLE TRIGGER ALL",
        f"ALTER TABLE {table} DISABLE TRIGGER USER",
        f"DROP TRIGGER trg_{table}_no_truncate ON {table}",
        "SET session_replication_role = replica",
        f"ALTER TABLE {table} OWNER TO CURRENT_USER",
    ):
        _refused(statement, {"id": row_id})
    assert _row(table, row_id) == before


def test_postgresql_application_role_is_neither_superuser_nor_owner(db_session, backend):
    if backend != "postgresql":
        pytest.skip("PostgreSQL roles")
    role = db.session.execute(text(
        "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles "
        "WHERE rolname = current_user")).one()
    assert role.rolname == "hrtele_app"
    assert not (role.rolsuper or role.rolcreaterole or role.rolcreatedb or role.rolbypassrls)
    owners = set(db.session.execute(text(
        "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")).scalars())
    assert owners == {"hrtele_owner"}
    assert not db.session.execute(text(
        "SELECT pg_has_role(current_user, 'hrtele_owner', 'MEMBER')")).scalar()
    # What it may do: ordinary tables keep full DML.
    assert db.session.execute(text(
        "SELECT has_table_privilege('employees', 'UPDATE, DELETE')")).scalar()
    assert not db.session.execute(text(
        "SELECT has_table_privilege('audit_entries', 'UPDATE')")).scalar()
    assert db.session.execute(text(
        "SELECT has_column_privilege('issued_documents', 'acknowledged_dt', 'UPDATE')")).scalar()
    assert not db.session.execute(text(
        "SELECT has_column_privilege('issued_documents', 'pdf_bytes', 'UPDATE')")).scalar()


def test_acknowledgement_is_set_once(app, rows):
    doc_id = rows["issued_documents"]
    first = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    db.session.execute(text("UPDATE issued_documents SET acknowledged_dt = :d WHERE id = :id"),
                       {"d": first, "id": doc_id})
    db.session.commit()
    for value in (datetime(2026, 12, 1, tzinfo=UTC), None):
        _refused("UPDATE issued_documents SET acknowledged_dt = :d WHERE id = :id",
                 {"d": value, "id": doc_id})
    db.session.expire_all()
    stored = db.session.get(IssuedDocument, doc_id).acknowledged_dt
    assert stored.replace(tzinfo=UTC) == first
    # The superseded flag stays bookkeeping.
    db.session.execute(text("UPDATE issued_documents SET is_superseded = :f WHERE id = :id"),
                       {"f": True, "id": doc_id})
    db.session.commit()


def test_plain_inserts_still_work(app, rows):
    record("update", "posts", 1, None, {"code": ["A", "B"]})
    db.session.commit()
    assert db.session.query(AuditEntry).count() == 2
