"""Audit trail chained by hash: seq, prev_hash, entry_hash and the chain head.

Existing entries are chained in id order (the append-only guard is lifted for that, inside
this migration's transaction only).

Revision ID: i16_audit_chain
Revises: i16_pg_roles
"""

import hashlib
import json
from datetime import UTC

import sqlalchemy as sa
from alembic import op

from hrtele.db_guards import append_only

revision = "i16_audit_chain"
down_revision = "i16_pg_roles"
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def _instant(dt):
    if dt is None:
        return ""
    if isinstance(dt, str):
        from datetime import datetime

        dt = datetime.fromisoformat(dt)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _digest(row, seq, prev):
    # Same content and layout as hrtele.audit.chain.entry_digest (frozen here on purpose).
    payload = json.dumps(
        [seq, prev, _instant(row.at_dt), row.actor_id, row.actor_label or "", row.action,
         row.object_type, row.object_id, row.changes_json or "{}", row.ip or ""],
        ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _guard(enable: bool):
    if op.get_bind().dialect.name == "postgresql":
        verb = "ENABLE" if enable else "DISABLE"
        op.execute(f"ALTER TABLE audit_entries {verb} TRIGGER trg_audit_entries_no_change")
    elif enable:
        append_only("audit_entries")
    else:
        op.execute("DROP TRIGGER IF EXISTS trg_audit_entries_no_update")


def upgrade():
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    op.add_column("audit_entries", sa.Column("seq", sa.Integer(), nullable=True))
    op.add_column("audit_entries", sa.Column("prev_hash", sa.String(length=64), nullable=True))
    op.add_column("audit_entries", sa.Column("entry_hash", sa.String(length=64), nullable=True))
    bind = op.get_bind()
    table = sa.table("audit_entries", sa.column("id"), sa.column("at_dt", sa.DateTime(timezone=True)),
                     sa.column("actor_id"), sa.column("actor_label"), sa.column("action"),
                     sa.column("object_type"), sa.column("object_id"), sa.column("changes_json"),
                     sa.column("ip"), sa.column("seq"), sa.column("prev_hash"),
                     sa.column("entry_hash"))
    _guard(False)
    seq, prev = 0, GENESIS
    for row in bind.execute(sa.select(table).order_by(table.c.id)).all():
        seq += 1
        digest = _digest(row, seq, prev)
        bind.execute(table.update().where(table.c.id == row.id)
                     .values(seq=seq, prev_hash=prev, entry_hash=digest))
        prev = digest
    op.bulk_insert(sa.table("audit_chain_head", sa.column("id"), sa.column("seq"),
                            sa.column("entry_hash")), [{"id": 1, "seq": seq, "entry_hash": prev}])
    with op.batch_alter_table("audit_entries") as batch:
        batch.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column("entry_hash", existing_type=sa.String(length=64), nullable=False)
        batch.create_unique_constraint(op.f("uq_audit_entries_seq"), ["seq"])
    _guard(True)  # SQLite: the table was rebuilt, its triggers are created again


def downgrade():
    _guard(False)
    with op.batch_alter_table("audit_entries") as batch:
        batch.drop_constraint(op.f("uq_audit_entries_seq"), type_="unique")
        batch.drop_column("entry_hash")
        batch.drop_column("prev_hash")
        batch.drop_column("seq")
    _guard(True)
    op.drop_table("audit_chain_head")
