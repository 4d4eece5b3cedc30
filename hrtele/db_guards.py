"""Database-level guards for records that must never be rewritten, shared by the migrations.

Two helpers, called from Alembic migrations (``op`` context), each taking a table name:

``append_only(table)``
    Rows can be inserted and read, never updated, deleted nor replaced:

    - SQLite: ``BEFORE UPDATE`` and ``BEFORE DELETE`` triggers, plus a ``BEFORE INSERT``
      trigger that refuses any insert colliding with an existing row on the primary key or
      a unique key. The last one is what stops ``INSERT OR REPLACE``, ``REPLACE`` and
      ``INSERT ... ON CONFLICT DO UPDATE``: REPLACE deletes the conflicting row *without*
      firing DELETE triggers (``recursive_triggers`` is off by default), so the DELETE
      trigger alone does not protect anything. A colliding plain insert (a double
      submission) is refused the same way, as an IntegrityError.
    - PostgreSQL: a row trigger refusing UPDATE and DELETE, a statement trigger refusing
      TRUNCATE, and the application role (see hrtele.db_roles) loses UPDATE, DELETE and
      TRUNCATE on the table. The privilege pass (hrtele.db_roles) recognises such tables
      by their ``trg_<table>_no_change`` trigger.

``frozen_columns(table, mutable=..., set_once=...)``
    Same, except that the ``mutable`` columns may change and the ``set_once`` columns may be
    set once (from NULL to a value) and never changed afterwards. Used for issued_documents
    (``is_superseded`` is bookkeeping; ``acknowledged_dt``, the employee's acknowledgement,
    is set once).

Issue 14 (signatures): create the table, then call ``append_only("signatures")`` in the same
migration; add the table to ``HASHED_TABLES`` of hrtele.integrity if it stores bytes + SHA-256.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa


def _op():
    from alembic import op

    return op


def _unique_column_sets(bind, table: str) -> list[list[str]]:
    """Primary key and every unique constraint / unique index of the table."""
    inspector = sa.inspect(bind)
    sets = [inspector.get_pk_constraint(table)["constrained_columns"]]
    sets += [c["column_names"] for c in inspector.get_unique_constraints(table)]
    sets += [i["column_names"] for i in inspector.get_indexes(table) if i.get("unique")]
    out: list[list[str]] = []
    for cols in sets:
        if cols and cols not in out:
            out.append(list(cols))
    return out


def _sqlite_no_replace(table: str) -> None:
    """BEFORE INSERT trigger refusing an insert that would collide with (hence replace) a row."""
    op = _op()
    bind = op.get_bind()
    conditions = " OR ".join(
        "(" + " AND ".join(f"{table}.{c} = NEW.{c}" for c in cols) + ")"
        for cols in _unique_column_sets(bind, table)
    )
    op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_replace")
    op.execute(
        f"CREATE TRIGGER trg_{table}_no_replace BEFORE INSERT ON {table} "
        f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {conditions}) "
        f"BEGIN SELECT RAISE(ABORT, '{table}: an existing row cannot be replaced'); END"
    )


def _sqlite_no_delete(table: str) -> None:
    op = _op()
    op.execute(
        f"CREATE TRIGGER IF NOT EXISTS trg_{table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
    )


def _pg_truncate_guard(table: str) -> None:
    op = _op()
    op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_truncate ON {table}")
    op.execute(
        f"CREATE TRIGGER trg_{table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION hrtele_refuse_change()"
    )


def ensure_refuse_function() -> None:
    """The PostgreSQL trigger function raising on any change (also created by migration 0002)."""
    _op().execute(
        """
        CREATE OR REPLACE FUNCTION hrtele_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is immutable', TG_TABLE_NAME
                USING ERRCODE = 'integrity_constraint_violation';
        END $$;
        """
    )


def append_only(table: str) -> None:
    """Make ``table`` append-only on the current database (see the module docstring)."""
    op = _op()
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            f"CREATE TRIGGER IF NOT EXISTS trg_{table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )
        _sqlite_no_delete(table)
        _sqlite_no_replace(table)
        return
    ensure_refuse_function()
    op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_change ON {table}")
    op.execute(
        f"CREATE TRIGGER trg_{table}_no_change BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION hrtele_refuse_change()"
    )
    _pg_truncate_guard(table)
    from hrtele.db_roles import restrict_table

    restrict_table(op.get_bind(), table)


def _changed(columns: Iterable[str], old: str = "OLD", new: str = "NEW") -> str:
    return " OR ".join(f"{new}.{c} IS NOT {old}.{c}" for c in columns)


def frozen_columns(table: str, *, mutable: Sequence[str] = (), set_once: Sequence[str] = ()) -> None:
    """Every column of ``table`` but ``mutable`` is frozen; ``set_once`` columns are set once."""
    op = _op()
    bind = op.get_bind()
    columns = [c["name"] for c in sa.inspect(bind).get_columns(table)]
    frozen = [c for c in columns if c not in mutable and c not in set_once]
    if bind.dialect.name == "sqlite":
        condition = _changed(frozen)
        if set_once:
            condition += " OR " + " OR ".join(
                f"(OLD.{c} IS NOT NULL AND NEW.{c} IS NOT OLD.{c})" for c in set_once
            )
        op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_frozen")
        op.execute(
            f"CREATE TRIGGER trg_{table}_frozen BEFORE UPDATE ON {table} WHEN {condition} "
            f"BEGIN SELECT RAISE(ABORT, '{table}: issued content cannot change'); END"
        )
        _sqlite_no_delete(table)
        _sqlite_no_replace(table)
        return
    ensure_refuse_function()
    distinct = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in frozen)
    once = " OR ".join(
        f"(OLD.{c} IS NOT NULL AND NEW.{c} IS DISTINCT FROM OLD.{c})" for c in set_once
    ) or "FALSE"
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION hrtele_guard_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF {distinct} OR {once} THEN
                RAISE EXCEPTION '%: issued content cannot change', TG_TABLE_NAME
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END $$;
        """
    )
    op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_frozen ON {table}")
    op.execute(
        f"CREATE TRIGGER trg_{table}_frozen BEFORE UPDATE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION hrtele_guard_{table}()"
    )
    op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_delete ON {table}")
    op.execute(
        f"CREATE TRIGGER trg_{table}_no_delete BEFORE DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION hrtele_refuse_change()"
    )
    _pg_truncate_guard(table)
    # The columns the application may still update, read by the privilege pass.
    op.execute(f"COMMENT ON FUNCTION hrtele_guard_{table}() IS '{','.join((*mutable, *set_once))}'")
    from hrtele.db_roles import restrict_table

    restrict_table(bind, table)
