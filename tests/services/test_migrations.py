"""Schema only through migrations: models and migrations agree; upgrade/downgrade round-trips."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from hrtele.extensions import db


def test_models_and_migrations_agree(app):
    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_downgrade_then_upgrade_round_trip(app):
    with app.app_context():
        downgrade(revision="base")
        assert "employees" not in inspect(db.engine).get_table_names()
        upgrade()
        assert "employees" in inspect(db.engine).get_table_names()


def test_sqlite_pragmas(app, backend):
    if backend != "sqlite":
        pytest.skip("SQLite only")
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
