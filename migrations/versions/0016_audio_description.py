"""assets: the audio description a producer writes for an infographic, read aloud into its audio outputs

Revision ID: 0016_audio_description
Revises: 0013_focal_point
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016_audio_description'
down_revision: str | None = '0013_focal_point'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('assets') as batch:
        batch.add_column(sa.Column('audio_description', sa.Text(), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('assets') as batch:
        batch.drop_column('audio_description')
