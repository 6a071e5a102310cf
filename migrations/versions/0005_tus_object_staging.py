"""tus staging in the object store: one row per accepted PATCH, the upload keeps a staging prefix

Revision ID: 0005_tus_object_staging
Revises: 0004_distribution
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005_tus_object_staging'
down_revision: str | None = '0004_distribution'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Unfinished uploads staged in a host's local folder cannot be continued from the object store:
    # they are dropped (the client starts again), finished ones only keep their asset link.
    op.execute(sa.text('DELETE FROM uploads WHERE completed_at IS NULL'))
    with op.batch_alter_table('uploads') as batch:
        batch.alter_column('staging_path', new_column_name='staging_prefix',
                           existing_type=sa.String(length=600), existing_nullable=False)
    op.create_table('upload_parts',
    sa.Column('upload_id', sa.Uuid(), nullable=False),
    sa.Column('offset', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('object_key', sa.String(length=600), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['upload_id'], ['uploads.id'], name=op.f('fk_upload_parts_upload_id_uploads'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('upload_id', 'offset', name=op.f('pk_upload_parts'))
    )


def downgrade() -> None:
    op.drop_table('upload_parts')
    op.execute(sa.text('DELETE FROM uploads WHERE completed_at IS NULL'))
    with op.batch_alter_table('uploads') as batch:
        batch.alter_column('staging_prefix', new_column_name='staging_path',
                           existing_type=sa.String(length=600), existing_nullable=False)
