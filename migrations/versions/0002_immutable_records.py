"""Database-level immutability: issued document bytes, audit trail, lifecycle events.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Columns of issued_documents that make up the legal record; only the
# bookkeeping flags (is_superseded, acknowledged_dt) may change.
FROZEN_DOCUMENT_COLUMNS = (
    "reference", "kind", "version", "employee_id", "agreement_id", "request_id", "pdf_bytes",
    "sha256", "size", "snapshot_json", "template_version", "issued_by_id", "issued_dt",
)
APPEND_ONLY_TABLES = ("audit_entries", "agreement_events", "signed_scans", "payroll_exports")


def _sqlite_upgrade():
    cols = ", ".join(FROZEN_DOCUMENT_COLUMNS)
    op.execute(
        f"CREATE TRIGGER trg_issued_documents_frozen BEFORE UPDATE OF {cols} ON issued_documents "
        "BEGIN SELECT RAISE(ABORT, 'issued documents are immutable'); END"
    )
    op.execute(
        "CREATE TRIGGER trg_issued_documents_no_delete BEFORE DELETE ON issued_documents "
        "BEGIN SELECT RAISE(ABORT, 'issued documents are immutable'); END"
    )
    for table in APPEND_ONLY_TABLES:
        op.execute(
            f"CREATE TRIGGER trg_{table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )
        op.execute(
            f"CREATE TRIGGER trg_{table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )


def _postgresql_upgrade():
    op.execute(
        """
        CREATE FUNCTION hrtele_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is immutable', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
        END $$;
        """
    )
    cols = ", ".join(FROZEN_DOCUMENT_COLUMNS)
    op.execute(
        f"CREATE TRIGGER trg_issued_documents_frozen BEFORE UPDATE OF {cols} ON issued_documents "
        "FOR EACH ROW EXECUTE FUNCTION hrtele_refuse_change()"
    )
    op.execute(
        "CREATE TRIGGER trg_issued_documents_no_delete BEFORE DELETE ON issued_documents "
        "FOR EACH ROW EXECUTE FUNCTION hrtele_refuse_change()"
    )
    for table in APPEND_ONLY_TABLES:
        op.execute(
            f"CREATE TRIGGER trg_{table}_no_change BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION hrtele_refuse_change()"
        )


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_upgrade()
    else:
        _sqlite_upgrade()


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS trg_issued_documents_frozen ON issued_documents")
        op.execute("DROP TRIGGER IF EXISTS trg_issued_documents_no_delete ON issued_documents")
        for table in APPEND_ONLY_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_change ON {table}")
        op.execute("DROP FUNCTION IF EXISTS hrtele_refuse_change()")
    else:
        op.execute("DROP TRIGGER IF EXISTS trg_issued_documents_frozen")
        op.execute("DROP TRIGGER IF EXISTS trg_issued_documents_no_delete")
        for table in APPEND_ONLY_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_delete")
