"""jobs: a restart asked for while the job runs is kept and honoured when the running attempt ends

Revision ID: 0017_job_rerun
Revises: 0016_audio_description
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017_job_rerun'
down_revision: str | None = '0016_audio_description'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('jobs') as batch:
        batch.add_column(sa.Column('rerun_requested', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('jobs') as batch:
        batch.drop_column('rerun_requested')
