"""Catalogue of refusal reasons, and the reason chosen on each refused request.

Existing free texts stay the free text of their request; refused requests recorded before
the catalogue get the reason « Autre motif » (code "other"), so old data reads the same.

Revision ID: i13_refusals
Revises: i15_api_tokens
"""

import sqlalchemy as sa
from alembic import op

revision = "i13_refusals"
down_revision = "i15_api_tokens"
branch_labels = None
depends_on = None


def upgrade():
    from hrtele.domain.refusals import DEFAULT_REASONS, OTHER

    op.create_table(
        "refusal_reasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=True),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_dt", sa.DateTime(timezone=True),
                  server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_dt", sa.DateTime(timezone=True),
                  server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refusal_reasons")),
        sa.UniqueConstraint("code", name=op.f("uq_refusal_reasons_code")),
        sa.UniqueConstraint("label", name=op.f("uq_refusal_reasons_label")),
    )
    table = sa.table(
        "refusal_reasons", sa.column("code", sa.String), sa.column("label", sa.String),
        sa.column("is_active", sa.Boolean), sa.column("position", sa.Integer),
        sa.column("version", sa.Integer),
    )
    op.bulk_insert(table, [
        {"code": code, "label": label, "is_active": True, "position": (i + 1) * 10, "version": 1}
        for i, (code, label) in enumerate(DEFAULT_REASONS)
    ])
    with op.batch_alter_table("telework_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("refusal_reason_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_telework_requests_refusal_reason_id"),
                              ["refusal_reason_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_telework_requests_refusal_reason_id_refusal_reasons"),
            "refusal_reasons", ["refusal_reason_id"], ["id"])
    bind = op.get_bind()
    other = bind.execute(sa.text("SELECT id FROM refusal_reasons WHERE code = :c"),
                         {"c": OTHER}).scalar()
    bind.execute(sa.text("UPDATE telework_requests SET refusal_reason_id = :o "
                         "WHERE status = 'refused'"), {"o": other})


def downgrade():
    with op.batch_alter_table("telework_requests", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_telework_requests_refusal_reason_id_refusal_reasons"),
            type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_telework_requests_refusal_reason_id"))
        batch_op.drop_column("refusal_reason_id")
    op.drop_table("refusal_reasons")
