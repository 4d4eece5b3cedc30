"""Large employers (issue 11): indexes for lists, searches and the to-do sections; the data
version and the derived results computed once per change; a month's stored allowance lines.

Revision ID: i11_scale
Revises: i11_campaigns
"""

import sqlalchemy as sa
from alembic import op

revision = "i11_scale"
down_revision = "i11_campaigns"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_agreements_start_date_id", "agreements", ["start_date", "id"]),
    ("ix_agreements_updated_dt", "agreements", ["updated_dt"]),
    ("ix_agreements_status_kind", "agreements", ["status", "kind"]),
    ("ix_employees_name", "employees", ["last_name", "first_name", "id"]),
    ("ix_employees_updated_dt", "employees", ["updated_dt"]),
    ("ix_telework_requests_date_id", "telework_requests", ["request_date", "id"]),
    ("ix_posts_vacancy", "posts", ["category_id", "is_vacant", "is_eligible"]),
    ("ix_places_list", "places", ["kind", "name", "id"]),
    ("ix_agreements_interview_due", "agreements", ["annual_interview_due_date"]),
    ("ix_agreements_insurance_received", "agreements", ["insurance_received_date"]),
    ("ix_agreements_insurance_expiry", "agreements", ["insurance_expiry_date"]),
    ("ix_agreements_electrical", "agreements", ["electrical_statement_date"]),
    ("ix_agreements_end_date", "agreements", ["end_date"]),
    ("ix_agreements_pending_amendment", "agreements", ["has_pending_amendment"]),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    op.create_table(
        "data_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_versions")),
    )
    op.execute("INSERT INTO data_versions (id, version) VALUES (1, 0)")
    op.create_table(
        "derived_results",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("computed_dt", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_derived_results")),
    )
    op.create_table(
        "allowance_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month_key", sa.String(length=7), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("personnel_number", sa.String(length=30), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("references", sa.Text(), nullable=False),
        sa.Column("agreement_ids", sa.Text(), nullable=False),
        sa.Column("schemes", sa.Text(), nullable=False),
        sa.Column("days", sa.Numeric(precision=6, scale=1), nullable=False),
        sa.Column("amount", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("exempt", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("excess", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("ceiling_label", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allowance_lines")),
    )
    op.create_index("ix_allowance_lines_page", "allowance_lines", ["month_key", "position"])


def downgrade():
    op.drop_index("ix_allowance_lines_page", table_name="allowance_lines")
    op.drop_table("allowance_lines")
    op.drop_table("derived_results")
    op.drop_table("data_versions")
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
