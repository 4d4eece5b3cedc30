"""Records that cannot be rewritten: no REPLACE / UPSERT over issued documents, signed scans,
audit rows, timeline rows and payroll exports; no TRUNCATE; the acknowledgement is set once.

SQLite's REPLACE deletes the conflicting row without firing DELETE triggers (recursive
triggers are off), so migration 0002's triggers alone did not stop
``INSERT OR REPLACE INTO audit_entries``: a BEFORE INSERT guard now refuses any insert that
collides with an existing row (hrtele.db_guards). issued_documents is guarded column by
column: only ``is_superseded`` may change, ``acknowledged_dt`` may be set once.

Revision ID: i16_immutable
Revises: i11_scale
"""

from alembic import op

from hrtele.db_guards import append_only, frozen_columns

revision = "i16_immutable"
down_revision = "i11_scale"
branch_labels = None
depends_on = None

APPEND_ONLY_TABLES = ("audit_entries", "agreement_events", "signed_scans", "payroll_exports",
                      "signature_requests", "signature_evidences")
# Columns of migration 0002's issued_documents trigger (restored by the downgrade).
FROZEN_0002 = (
    "reference", "kind", "version", "employee_id", "agreement_id", "request_id", "pdf_bytes",
    "sha256", "size", "snapshot_json", "template_version", "issued_by_id", "issued_dt",
)


def upgrade():
    for table in APPEND_ONLY_TABLES:
        append_only(table)
    frozen_columns("issued_documents", mutable=("is_superseded",), set_once=("acknowledged_dt",))


def downgrade():
    cols = ", ".join(FROZEN_0002)
    if op.get_bind().dialect.name == "postgresql":
        for table in (*APPEND_ONLY_TABLES, "issued_documents"):
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_truncate ON {table}")
        op.execute("DROP TRIGGER IF EXISTS trg_issued_documents_frozen ON issued_documents")
        op.execute("DROP FUNCTION IF EXISTS hrtele_guard_issued_documents()")
        op.execute(
            f"CREATE TRIGGER trg_issued_documents_frozen BEFORE UPDATE OF {cols} "
            "ON issued_documents FOR EACH ROW EXECUTE FUNCTION hrtele_refuse_change()"
        )
        return
    for table in (*APPEND_ONLY_TABLES, "issued_documents"):
        op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_replace")
    op.execute("DROP TRIGGER IF EXISTS trg_issued_documents_frozen")
    op.execute(
        f"CREATE TRIGGER trg_issued_documents_frozen BEFORE UPDATE OF {cols} ON issued_documents "
        "BEGIN SELECT RAISE(ABORT, 'issued documents are immutable'); END"
    )
