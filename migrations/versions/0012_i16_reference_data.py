"""Reference data loaded by the migration, never lazily by a page: the URSSAF ceilings.

A first visit of the allowances pages used to fill the empty table (a write on a GET); the
table is now filled here, from hrtele/data/urssaf_ceilings.json, when it is empty.

Revision ID: i16_reference_data
Revises: i16_account_security
"""

import sqlalchemy as sa
from alembic import op

revision = "i16_reference_data"
down_revision = "i16_account_security"
branch_labels = None
depends_on = None


def upgrade():
    from hrtele.allowances.ceilings import reference_rows

    bind = op.get_bind()
    if bind.execute(sa.text("SELECT COUNT(*) FROM urssaf_ceilings")).scalar():
        return
    table = sa.table(
        "urssaf_ceilings", sa.column("valid_from", sa.Date), sa.column("valid_to", sa.Date),
        sa.column("per_weekly_day_monthly", sa.Numeric(10, 2)),
        sa.column("per_day", sa.Numeric(10, 2)), sa.column("monthly_cap", sa.Numeric(10, 2)),
        sa.column("note", sa.Text), sa.column("source", sa.Text), sa.column("version", sa.Integer),
    )
    op.bulk_insert(table, reference_rows())


def downgrade():
    pass  # reference rows may have been edited by an administrator since: they stay
