"""SQLite writes start with BEGIN IMMEDIATE: concurrent read-modify-write loses nothing."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from hrtele.database import begin_statement
from hrtele.extensions import db
from hrtele.models import Category


def test_cli_and_service_writes_use_begin_immediate(app):
    with app.app_context():
        assert begin_statement() == "BEGIN IMMEDIATE"
    with app.test_request_context("/", method="POST"):
        assert begin_statement() == "BEGIN IMMEDIATE"
    with app.test_request_context("/", method="GET"):
        assert begin_statement() == "BEGIN"


def test_no_lost_update_under_concurrent_increments(app, backend):
    """8 threads × 25 read-modify-write transactions on one row: the counter ends at 200."""
    if backend != "sqlite":
        pytest.skip("the pysqlite lost-update trap is SQLite-specific")
    with app.app_context():
        db.session.add(Category(code="N", label="0"))
        db.session.commit()

    errors: list[Exception] = []

    def worker():
        with app.app_context():
            for _ in range(25):
                try:
                    cat = db.session.scalar(select(Category).where(Category.code == "N"))
                    cat.label = str(int(cat.label) + 1)
                    db.session.commit()
                except Exception as exc:  # collected and asserted below
                    db.session.rollback()
                    errors.append(exc)
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with app.app_context():
        final = db.session.scalar(select(Category).where(Category.code == "N"))
        # Version column + BEGIN IMMEDIATE: every commit that succeeded is counted.
        assert int(final.label) == 200 - len(errors)
        assert final.version == 1 + int(final.label)
        assert len(errors) == 0


def test_audited_get_endpoints_start_a_write_transaction(app):
    """Document downloads write an audit row: their GET runs as BEGIN IMMEDIATE."""
    with app.test_request_context("/documents/1", method="GET"):
        assert begin_statement() == "BEGIN IMMEDIATE"
    with app.test_request_context("/postes/", method="GET"):
        assert begin_statement() == "BEGIN"
