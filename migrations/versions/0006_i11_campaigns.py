"""Bulk campaigns and their items (issue 11).

Revision ID: i11_campaigns
Revises: i12_planning_notifications
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'i11_campaigns'
down_revision = "i12_planning_notifications"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('progress_dt', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('amendment', 'renewal', 'reversibility_notice', 'attestation_reminder')", name=op.f('ck_campaigns_kind_known')),
    sa.CheckConstraint("status IN ('draft', 'running', 'done', 'cancelled')", name=op.f('ck_campaigns_status_known')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_campaigns_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns'))
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaigns_status'), ['status'], unique=False)

    op.create_table('campaign_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('target_version', sa.Integer(), nullable=True),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_by', sa.String(length=100), nullable=False),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('processed_by', sa.String(length=100), nullable=False),
    sa.Column('processed_dt', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('blocked', 'pending', 'done', 'failed', 'skipped', 'cancelled')", name=op.f('ck_campaign_items_status_known')),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_campaign_items_agreement_id_agreements')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_items_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['document_id'], ['issued_documents.id'], name=op.f('fk_campaign_items_document_id_issued_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_items')),
    sa.UniqueConstraint('campaign_id', 'agreement_id', name='uq_campaign_items_agreement'),
    sa.UniqueConstraint('document_id', name=op.f('uq_campaign_items_document_id'))
    )
    with op.batch_alter_table('campaign_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_items_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index('ix_campaign_items_claim', ['campaign_id', 'status', 'claimed_until'], unique=False)



def downgrade():
    with op.batch_alter_table('campaign_items', schema=None) as batch_op:
        batch_op.drop_index('ix_campaign_items_claim')
        batch_op.drop_index(batch_op.f('ix_campaign_items_agreement_id'))

    op.drop_table('campaign_items')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaigns_status'))

    op.drop_table('campaigns')
