"""The audit trail is append-only at the database level (triggers of migration 0002), on both DBs."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from hrtele.audit.service import record
from hrtele.extensions import db
from hrtele.models import AuditEntry


@pytest.fixture
def entry_id(db_session):
    entry = record("create", "posts", 1, None, {"code": "A"})
    db_session.commit()
    return entry.id


def _count() -> int:
    return db.session.scalar(select(func.count(AuditEntry.id)))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entries SET action = 'delete' WHERE id = :id",
        "UPDATE audit_entries SET changes_json = '{}'",
        "DELETE FROM audit_entries WHERE id = :id",
        "DELETE FROM audit_entries",
    ],
)
def test_sql_update_and_delete_are_refused(db_session, entry_id, statement):
    with pytest.raises(DBAPIError):
        db_session.execute(text(statement), {"id": entry_id})
        db_session.flush()
    db_session.rollback()
    entry = db_session.get(AuditEntry, entry_id)
    assert entry.action == "create" and entry.changes_json == '{"code": "A"}'
    assert _count() == 1


def test_orm_update_is_refused(db_session, entry_id):
    entry = db_session.get(AuditEntry, entry_id)
    entry.actor_label = "quelqu'un d'autre"
    with pytest.raises(DBAPIError):
        db_session.commit()
    db_session.rollback()
    assert db_session.get(AuditEntry, entry_id).actor_label == "système"


def test_orm_delete_is_refused(db_session, entry_id):
    db_session.delete(db_session.get(AuditEntry, entry_id))
    with pytest.raises(DBAPIError):
        db_session.commit()
    db_session.rollback()
    assert _count() == 1


def test_appending_still_works(db_session, entry_id):
    record("update", "posts", 1, None, {"code": ["A", "B"]})
    db_session.commit()
    assert _count() == 2
