"""Amendments signed on paper before the app (date and optional scan), so that imported
agreements can be ended with a reversibility notice.

Revision ID: i13_paper
Revises: i13_refusals
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i13_paper'
down_revision = 'i13_refusals'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('paper_amendments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('signed_date', sa.Date(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=True),
    sa.Column('pdf_bytes', sa.LargeBinary(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_dt', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_paper_amendments_agreement_id_agreements')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_paper_amendments_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_amendments'))
    )
    with op.batch_alter_table('paper_amendments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_amendments_agreement_id'), ['agreement_id'], unique=False)


def downgrade():
    with op.batch_alter_table('paper_amendments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_amendments_agreement_id'))
    op.drop_table('paper_amendments')
