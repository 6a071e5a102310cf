"""publication readiness: why a version's required renditions block its publication

Revision ID: 0009_publication_readiness
Revises: 0006_job_leases
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009_publication_readiness'
down_revision: str | None = "0006_job_leases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('versions') as batch:
        batch.add_column(sa.Column('rendition_error_code', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('rendition_error', sa.Text(), nullable=True))
        batch.add_column(sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('versions') as batch:
        batch.drop_column('processed_at')
        batch.drop_column('rendition_error')
        batch.drop_column('rendition_error_code')
