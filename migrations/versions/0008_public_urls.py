"""public urls: the editorial change time of an asset (reading it no longer moves it)

Revision ID: 0008_public_urls
Revises: 0009_publication_readiness
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008_public_urls'
down_revision: str | None = "0009_publication_readiness"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('assets') as batch:
        batch.add_column(sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE assets SET edited_at = updated_at")
    with op.batch_alter_table('assets') as batch:
        batch.alter_column('edited_at', existing_type=sa.DateTime(timezone=True), nullable=False)
    op.create_index('ix_assets_status_edited', 'assets', ['status', 'edited_at'])


def downgrade() -> None:
    op.drop_index('ix_assets_status_edited', table_name='assets')
    with op.batch_alter_table('assets') as batch:
        batch.drop_column('edited_at')
