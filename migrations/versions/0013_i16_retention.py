"""Retention: the date an employee left the workforce (the CNIL retention clock starts there).

Employees already marked as gone get their last update's date as departure date.

Revision ID: i16_retention
Revises: i16_reference_data
"""

import sqlalchemy as sa
from alembic import op

revision = "i16_retention"
down_revision = "i16_reference_data"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("employees") as batch:
        batch.add_column(sa.Column("departure_date", sa.Date(), nullable=True))
    day = "date(updated_dt)" if op.get_bind().dialect.name == "sqlite" else "CAST(updated_dt AS DATE)"
    op.execute(f"UPDATE employees SET departure_date = {day} "
               "WHERE is_active = false AND departure_date IS NULL")


def downgrade():
    with op.batch_alter_table("employees") as batch:
        batch.drop_column("departure_date")
