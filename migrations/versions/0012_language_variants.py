"""languages: BCP 47 codes on assets, language versions, captions per language, translation requests

Revision ID: 0012_language_variants
Revises: 0010_plans_targets_evidence
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012_language_variants'
down_revision: str | None = '0010_plans_targets_evidence'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('assets') as batch:
        batch.alter_column('language', existing_type=sa.String(length=8), type_=sa.String(length=35),
                           existing_nullable=False)
        batch.add_column(sa.Column('variant_of_id', sa.Uuid(), nullable=True))
        batch.create_foreign_key(op.f('fk_assets_variant_of_id_assets'), 'assets', ['variant_of_id'], ['id'],
                                 ondelete='SET NULL')
        batch.create_index(op.f('ix_assets_variant_of_id'), ['variant_of_id'], unique=False)
    op.create_table('captions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version_id', sa.Uuid(), nullable=False),
    sa.Column('language', sa.String(length=35), nullable=False),
    sa.Column('object_key', sa.String(length=600), nullable=False),
    sa.Column('cues', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_captions_created_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['versions.id'], name=op.f('fk_captions_version_id_versions'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_captions')),
    sa.UniqueConstraint('version_id', 'language', name='uq_captions_version_language')
    )
    op.create_index(op.f('ix_captions_version_id'), 'captions', ['version_id'], unique=False)
    op.create_table('translation_requests',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('asset_id', sa.Uuid(), nullable=False),
    sa.Column('language', sa.String(length=35), nullable=False),
    sa.Column('unit_org_id', sa.Uuid(), nullable=False),
    sa.Column('requested_by_id', sa.Uuid(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('variant_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['asset_id'], ['assets.id'], name=op.f('fk_translation_requests_asset_id_assets'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'],
                            name=op.f('fk_translation_requests_requested_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_org_id'], ['organisations.id'],
                            name=op.f('fk_translation_requests_unit_org_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['variant_id'], ['assets.id'], name=op.f('fk_translation_requests_variant_id_assets'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_translation_requests'))
    )
    op.create_index(op.f('ix_translation_requests_asset_id'), 'translation_requests', ['asset_id'], unique=False)
    op.create_index(op.f('ix_translation_requests_unit_org_id'), 'translation_requests', ['unit_org_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_translation_requests_unit_org_id'), table_name='translation_requests')
    op.drop_index(op.f('ix_translation_requests_asset_id'), table_name='translation_requests')
    op.drop_table('translation_requests')
    op.drop_index(op.f('ix_captions_version_id'), table_name='captions')
    op.drop_table('captions')
    with op.batch_alter_table('assets') as batch:
        batch.drop_index(op.f('ix_assets_variant_of_id'))
        batch.drop_constraint(op.f('fk_assets_variant_of_id_assets'), type_='foreignkey')
        batch.drop_column('variant_of_id')
        batch.alter_column('language', existing_type=sa.String(length=35), type_=sa.String(length=8),
                           existing_nullable=False)
