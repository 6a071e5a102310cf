"""job leases: a token per claim (fenced finishing) and the outage retry window

Revision ID: 0006_job_leases
Revises: 0005_tus_object_staging
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006_job_leases'
down_revision: str | None = '0005_tus_object_staging'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('jobs') as batch:
        batch.add_column(sa.Column('lease_token', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('outage_since', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('outage_retries', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('jobs') as batch:
        batch.drop_column('outage_retries')
        batch.drop_column('outage_since')
        batch.drop_column('lease_token')
