"""plans, tasks, targets (with the templates quoted in the seed plans), evidence, contacts, reporting
lines, frozen reports, the daily usage tally

Revision ID: 0010_plans_targets_evidence
Revises: 0011_notifications
Create Date: 2026-12-03 07:12:41.379721
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010_plans_targets_evidence'
down_revision: str | None = '0011_notifications'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('usage_daily',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('actor', sa.String(length=40), nullable=False),
    sa.Column('asset_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=True),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('channel', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('day', 'actor', 'asset_id', 'kind', name=op.f('pk_usage_daily'))
    )
    with op.batch_alter_table('usage_daily', schema=None) as batch_op:
        batch_op.create_index('ix_usage_daily_org_day', ['organisation_id', 'day'], unique=False)

    op.create_table('reporting_lines',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('reports_to_id', sa.Uuid(), nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_reporting_lines_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reports_to_id'], ['organisations.id'], name=op.f('fk_reporting_lines_reports_to_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'reports_to_id', name=op.f('pk_reporting_lines'))
    )
    with op.batch_alter_table('reporting_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reporting_lines_reports_to_id'), ['reports_to_id'], unique=False)

    op.create_table('unit_contacts',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_unit_contacts_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'role', name=op.f('pk_unit_contacts'))
    )
    op.create_table('unit_profiles',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('staff_count', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_unit_profiles_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_unit_profiles'))
    )
    op.create_table('plans',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('number', sa.String(length=100), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('parent_plan_id', sa.Uuid(), nullable=True),
    sa.Column('document_key', sa.String(length=600), nullable=True),
    sa.Column('document_name', sa.String(length=400), nullable=True),
    sa.Column('document_type', sa.String(length=120), nullable=True),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_plans_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_plans_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['parent_plan_id'], ['plans.id'], name=op.f('fk_plans_parent_plan_id_plans'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plans'))
    )
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plans_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('report_snapshots',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('number', sa.String(length=100), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('frozen_by_id', sa.Uuid(), nullable=True),
    sa.Column('frozen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['frozen_by_id'], ['users.id'], name=op.f('fk_report_snapshots_frozen_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_report_snapshots_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_snapshots')),
    sa.UniqueConstraint('organisation_id', 'period', name='uq_report_snapshot')
    )
    op.create_table('evidence',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('asset_id', sa.Uuid(), nullable=True),
    sa.Column('channel', sa.String(length=64), nullable=False),
    sa.Column('used_on', sa.Date(), nullable=False),
    sa.Column('post_url', sa.String(length=2000), nullable=True),
    sa.Column('views', sa.Integer(), nullable=True),
    sa.Column('listeners', sa.Integer(), nullable=True),
    sa.Column('copies', sa.Integer(), nullable=True),
    sa.Column('staff_reached', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('image_key', sa.String(length=600), nullable=True),
    sa.Column('image_type', sa.String(length=120), nullable=True),
    sa.Column('review', sa.String(length=16), nullable=False),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('reviewed_by_id', sa.Uuid(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['asset_id'], ['assets.id'], name=op.f('fk_evidence_asset_id_assets'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_evidence_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_evidence_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_evidence_reviewed_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence'))
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_asset_id'), ['asset_id'], unique=False)
        batch_op.create_index('ix_evidence_org_used', ['organisation_id', 'used_on'], unique=False)

    op.create_table('plan_tasks',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.String(length=32), nullable=False),
    sa.Column('section', sa.String(length=500), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('lead_unit', sa.String(length=300), nullable=False),
    sa.Column('lead_org_id', sa.Uuid(), nullable=True),
    sa.Column('partner_units', sa.JSON(), nullable=False),
    sa.Column('expected_product', sa.Text(), nullable=False),
    sa.Column('timing', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('recurrence', sa.String(length=32), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lead_org_id'], ['organisations.id'], name=op.f('fk_plan_tasks_lead_org_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_tasks_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_tasks'))
    )
    with op.batch_alter_table('plan_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_tasks_lead_org_id'), ['lead_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_tasks_plan_id'), ['plan_id'], unique=False)

    op.create_table('targets',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('plan_id', sa.Uuid(), nullable=True),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('label', sa.Text(), nullable=False),
    sa.Column('unit_of_measure', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Double(), nullable=False),
    sa.Column('value_max', sa.Double(), nullable=True),
    sa.Column('is_percent', sa.Boolean(), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('applies_to', sa.String(length=16), nullable=False),
    sa.Column('child_kind', sa.String(length=32), nullable=True),
    sa.Column('measure', sa.String(length=32), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_targets_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_targets'))
    )
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_targets_plan_id'), ['plan_id'], unique=False)

    op.create_table('target_declarations',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('target_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('achieved', sa.Double(), nullable=False),
    sa.Column('total', sa.Double(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('attachment_key', sa.String(length=600), nullable=True),
    sa.Column('attachment_name', sa.String(length=400), nullable=True),
    sa.Column('declared_by_id', sa.Uuid(), nullable=True),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['declared_by_id'], ['users.id'], name=op.f('fk_target_declarations_declared_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_target_declarations_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_id'], ['targets.id'], name=op.f('fk_target_declarations_target_id_targets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target_declarations')),
    sa.UniqueConstraint('target_id', 'organisation_id', 'period', name='uq_declaration')
    )
    with op.batch_alter_table('target_declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_declarations_target_id'), ['target_id'], unique=False)

    op.create_table('task_assets',
    sa.Column('task_id', sa.Uuid(), nullable=False),
    sa.Column('asset_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['asset_id'], ['assets.id'], name=op.f('fk_task_assets_asset_id_assets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['task_id'], ['plan_tasks.id'], name=op.f('fk_task_assets_task_id_plan_tasks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('task_id', 'asset_id', name=op.f('pk_task_assets'))
    )
    with op.batch_alter_table('task_assets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_assets_asset_id'), ['asset_id'], unique=False)

    op.create_table('task_notes',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('task_id', sa.Uuid(), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_task_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['task_id'], ['plan_tasks.id'], name=op.f('fk_task_notes_task_id_plan_tasks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_notes'))
    )
    with op.batch_alter_table('task_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_notes_task_id'), ['task_id'], unique=False)
    _seed_target_templates()


TEMPLATES = [
    # (code, label, unit, value, value_max, percent, measure, applies_to, child_kind, source)
    ("SP-SO-NAM", "Hằng năm, xây dựng tối thiểu 20 - 30 sản phẩm truyền thông số về đột phá phát triển giáo dục"
     " và đào tạo", "sản phẩm", 20.0, 30.0, False, "products_published", "self", None, "KH Cần Thơ, mục II.2.a"),
    ("TIEP-CAN-90", "Ít nhất 90% cán bộ quản lý giáo dục và nhà giáo được tiếp cận thường xuyên thông tin truyền"
     " thông về Nghị quyết số 71-NQ/TW", "%", 90.0, None, True, "staff_reached_share", "self", None,
     "KH Cần Thơ, mục II.2.a"),
    ("DAO-TAO-70", "Tối thiểu 70% cán bộ làm công tác truyền thông trong lĩnh vực giáo dục và đào tạo được đào tạo,"
     " bồi dưỡng thường xuyên", "%", 70.0, None, True, "declared", "self", None, "KH Cần Thơ, mục II.2.a"),
    ("DAU-MOI-100", "100% cơ quan quản lý giáo dục và cơ sở giáo dục có đầu mối phụ trách công tác truyền thông",
     "%", 100.0, None, True, "contact_share", "self", None, "KH Cần Thơ, mục II.2.a"),
    ("CSGD-NOI-DUNG-100", "100% cơ sở giáo dục trực thuộc xây dựng nội dung truyền thông", "%", 100.0, None, True,
     "active_schools_share", "self", None, "KH phường Bắc Kạn, mục 2.1"),
]


def _seed_target_templates() -> None:
    import uuid

    table = sa.table("targets", sa.column("id", sa.Uuid()), sa.column("plan_id", sa.Uuid()),
                     sa.column("code", sa.String()), sa.column("label", sa.Text()),
                     sa.column("unit_of_measure", sa.String()), sa.column("value", sa.Float()),
                     sa.column("value_max", sa.Float()), sa.column("is_percent", sa.Boolean()),
                     sa.column("period", sa.String()), sa.column("applies_to", sa.String()),
                     sa.column("child_kind", sa.String()), sa.column("measure", sa.String()),
                     sa.column("source", sa.Text()))
    op.bulk_insert(table, [
        {"id": uuid.uuid5(uuid.NAMESPACE_URL, f"kho:target-template:{code}"), "plan_id": None, "code": code,
         "label": label, "unit_of_measure": unit, "value": value, "value_max": value_max, "is_percent": pct,
         "period": "year", "applies_to": applies, "child_kind": child, "measure": measure, "source": source}
        for code, label, unit, value, value_max, pct, measure, applies, child, source in TEMPLATES])


def downgrade() -> None:
    with op.batch_alter_table('task_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_notes_task_id'))

    op.drop_table('task_notes')
    with op.batch_alter_table('task_assets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_assets_asset_id'))

    op.drop_table('task_assets')
    with op.batch_alter_table('target_declarations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_declarations_target_id'))

    op.drop_table('target_declarations')
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_targets_plan_id'))

    op.drop_table('targets')
    with op.batch_alter_table('plan_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_tasks_plan_id'))
        batch_op.drop_index(batch_op.f('ix_plan_tasks_lead_org_id'))

    op.drop_table('plan_tasks')
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index('ix_evidence_org_used')
        batch_op.drop_index(batch_op.f('ix_evidence_asset_id'))

    op.drop_table('evidence')
    op.drop_table('report_snapshots')
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plans_organisation_id'))

    op.drop_table('plans')
    op.drop_table('unit_profiles')
    op.drop_table('unit_contacts')
    with op.batch_alter_table('reporting_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reporting_lines_reports_to_id'))

    op.drop_table('reporting_lines')
    with op.batch_alter_table('usage_daily', schema=None) as batch_op:
        batch_op.drop_index('ix_usage_daily_org_day')

    op.drop_table('usage_daily')
