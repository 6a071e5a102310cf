"""focal point per version: where crops centre (set by the producer, or found from text and saliency)

Revision ID: 0013_focal_point
Revises: 0012_language_variants
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013_focal_point'
down_revision: str | None = '0012_language_variants'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('versions') as batch:
        batch.add_column(sa.Column('focal_x', sa.Float(), nullable=True))
        batch.add_column(sa.Column('focal_y', sa.Float(), nullable=True))
        batch.add_column(sa.Column('focal_source', sa.String(length=8), nullable=True))
        batch.add_column(sa.Column('focal_revision', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('versions') as batch:
        batch.drop_column('focal_revision')
        batch.drop_column('focal_source')
        batch.drop_column('focal_y')
        batch.drop_column('focal_x')
