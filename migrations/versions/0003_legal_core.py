"""One legal core: seven-day weeks, a place per half-day, working weeks, explicit clauses.

- telework patterns go from ten half-days (Monday to Friday) to fourteen (Monday to Sunday);
  existing ones get a weekend without telework ('0000' appended); every half-day stays at the
  agreement's first place;
- employees get their working week (Monday to Friday by default) and working hours;
- agreements get an explicit reversibility clause, taken from what was agreed: an agreement
  whose amendment was issued (version 1 printed a unilateral clause with notice), or that states
  a notice delay after adaptation, has clause 'notice'; the others 'mutual';
- agreements and the policy get the costs covered in kind; requests get a second place;
- agreement states are constrained to the domain registry; day caps allow seven-day weeks.

No issued document is touched: its bytes, hash and snapshot stay as they are.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

AGREEMENT_STATES = (
    "active", "adaptation", "cancelled", "draft", "ended", "ending", "imposed", "issued",
    "signed", "suspended",
)
STANDARD_WORKING_WEEK = "11111111110000"


def _in(values):
    return "(" + ", ".join(f"'{v}'" for v in sorted(values)) + ")"


def upgrade():
    with op.batch_alter_table("employees") as batch:
        batch.add_column(sa.Column("working_pattern", sa.String(14), nullable=True))
        batch.add_column(sa.Column("working_hours", sa.Text(), nullable=True))
    op.execute(
        f"UPDATE employees SET working_pattern = '{STANDARD_WORKING_WEEK}', working_hours = ''"
    )
    with op.batch_alter_table("employees") as batch:
        batch.alter_column("working_pattern", existing_type=sa.String(14), nullable=False)
        batch.alter_column("working_hours", existing_type=sa.Text(), nullable=False)

    with op.batch_alter_table("policies") as batch:
        batch.add_column(sa.Column("default_working_hours", sa.Text(), nullable=True))
        batch.add_column(sa.Column("costs_coverage", sa.Text(), nullable=True))
        batch.add_column(sa.Column("reversibility_clause", sa.String(10), nullable=True))
    op.execute(
        "UPDATE policies SET default_working_hours = '8 h 30 – 12 h 30 et 13 h 30 – 17 h 30', "
        "costs_coverage = '', reversibility_clause = 'notice'"
    )
    with op.batch_alter_table("policies") as batch:
        batch.alter_column("default_working_hours", existing_type=sa.Text(), nullable=False)
        batch.alter_column("costs_coverage", existing_type=sa.Text(), nullable=False)
        batch.alter_column("reversibility_clause", existing_type=sa.String(10), nullable=False)
        batch.drop_constraint(op.f("ck_policies_max_days_range"), type_="check")
        batch.create_check_constraint(
            "max_days_range", "max_days_per_week >= 0 AND max_days_per_week <= 7"
        )

    with op.batch_alter_table("posts") as batch:
        batch.drop_constraint(op.f("ck_posts_max_days_range"), type_="check")
        batch.create_check_constraint(
            "max_days_range",
            "max_days_per_week IS NULL OR (max_days_per_week >= 0 AND max_days_per_week <= 7)",
        )

    with op.batch_alter_table("telework_requests") as batch:
        batch.alter_column(
            "wished_pattern", existing_type=sa.String(10), type_=sa.String(14),
            existing_nullable=False,
        )
        batch.add_column(sa.Column("second_place_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_telework_requests_second_place_id_places"), "places", ["second_place_id"], ["id"]
        )
        batch.drop_constraint(op.f("ck_telework_requests_wished_days_range"), type_="check")
        batch.create_check_constraint(
            op.f("ck_telework_requests_wished_days_range"), "wished_days > 0 AND wished_days <= 7")
    op.execute(
        "UPDATE telework_requests SET wished_pattern = wished_pattern || '0000' "
        "WHERE length(wished_pattern) = 10"
    )

    with op.batch_alter_table("agreements") as batch:
        batch.alter_column(
            "weekly_pattern", existing_type=sa.String(10), type_=sa.String(14),
            existing_nullable=False,
        )
        batch.add_column(sa.Column("reversibility_clause", sa.String(10), nullable=True))
        batch.add_column(sa.Column("costs_coverage", sa.Text(), nullable=True))
    op.execute(
        "UPDATE agreements SET weekly_pattern = weekly_pattern || '0000' "
        "WHERE length(weekly_pattern) = 10"
    )
    op.execute(
        "UPDATE agreements SET costs_coverage = '', reversibility_clause = CASE "
        "WHEN notice_days_after_adaptation IS NOT NULL OR EXISTS (SELECT 1 FROM issued_documents d "
        "WHERE d.agreement_id = agreements.id AND d.kind = 'amendment') THEN 'notice' "
        "ELSE 'mutual' END"
    )
    with op.batch_alter_table("agreements") as batch:
        batch.alter_column("reversibility_clause", existing_type=sa.String(10), nullable=False)
        batch.alter_column("costs_coverage", existing_type=sa.Text(), nullable=False)
        batch.drop_constraint(op.f("ck_agreements_days_range"), type_="check")
        batch.create_check_constraint(
            op.f("ck_agreements_days_range"), "days_per_week >= 0 AND days_per_week <= 7")
        batch.create_check_constraint(
            op.f("ck_agreements_status_known"), f"status IN {_in(AGREEMENT_STATES)}")
        batch.create_check_constraint(
            "reversibility_clause_known", "reversibility_clause IN ('mutual', 'notice')"
        )


def downgrade():
    with op.batch_alter_table("agreements") as batch:
        batch.drop_constraint(op.f("ck_agreements_reversibility_clause_known"), type_="check")
        batch.drop_constraint(op.f("ck_agreements_status_known"), type_="check")
        batch.drop_constraint(op.f("ck_agreements_days_range"), type_="check")
        batch.create_check_constraint(
            op.f("ck_agreements_days_range"), "days_per_week >= 0 AND days_per_week <= 5")
        batch.drop_column("costs_coverage")
        batch.drop_column("reversibility_clause")
    op.execute("UPDATE agreements SET weekly_pattern = substr(weekly_pattern, 1, 10)")
    with op.batch_alter_table("agreements") as batch:
        batch.alter_column(
            "weekly_pattern", existing_type=sa.String(14), type_=sa.String(10),
            existing_nullable=False,
        )

    op.execute("UPDATE telework_requests SET wished_pattern = substr(wished_pattern, 1, 10)")
    with op.batch_alter_table("telework_requests") as batch:
        batch.drop_constraint(op.f("ck_telework_requests_wished_days_range"), type_="check")
        batch.create_check_constraint(
            op.f("ck_telework_requests_wished_days_range"), "wished_days > 0 AND wished_days <= 5")
        batch.drop_constraint(op.f("fk_telework_requests_second_place_id_places"), type_="foreignkey")
        batch.drop_column("second_place_id")
        batch.alter_column(
            "wished_pattern", existing_type=sa.String(14), type_=sa.String(10),
            existing_nullable=False,
        )

    with op.batch_alter_table("posts") as batch:
        batch.drop_constraint(op.f("ck_posts_max_days_range"), type_="check")
        batch.create_check_constraint(
            "max_days_range",
            "max_days_per_week IS NULL OR (max_days_per_week >= 0 AND max_days_per_week <= 5)",
        )

    with op.batch_alter_table("policies") as batch:
        batch.drop_constraint(op.f("ck_policies_max_days_range"), type_="check")
        batch.create_check_constraint(
            "max_days_range", "max_days_per_week >= 0 AND max_days_per_week <= 5"
        )
        batch.drop_column("reversibility_clause")
        batch.drop_column("costs_coverage")
        batch.drop_column("default_working_hours")

    with op.batch_alter_table("employees") as batch:
        batch.drop_column("working_hours")
        batch.drop_column("working_pattern")
