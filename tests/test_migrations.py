"""Alembic is the only way the schema is made: upgrade → downgrade → upgrade on both databases, and the
migrated schema must match the models exactly."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, func, select, text

from service.core.migrate import downgrade, upgrade
from service.models import Base, VocabularyTerm
from tests.support import create_pg_database, drop_pg_database, postgres_available, require_or_skip


def _database(kind: str, tmp_path: Path) -> tuple[str, str | None]:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'm.db'}", None
    require_or_skip(postgres_available(), "PostgreSQL is not running on 127.0.0.1:5432")
    name = f"kho_mig_{uuid.uuid4().hex[:8]}"
    return create_pg_database(name), name


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_upgrade_downgrade_upgrade_and_no_drift(kind: str, tmp_path: Path) -> None:
    url, pg_name = _database(kind, tmp_path)
    try:
        upgrade(url)
        downgrade(url, "base")
        engine = create_engine(url)
        with engine.connect() as conn:
            tables = conn.execute(text(
                "SELECT name FROM sqlite_master WHERE type='table'" if kind == "sqlite"
                else "SELECT tablename FROM pg_tables WHERE schemaname='public'")).scalars().all()
        assert set(tables) <= {"alembic_version"}
        upgrade(url)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
            terms = conn.execute(select(func.count()).select_from(VocabularyTerm)).scalar_one()
            topics = conn.execute(select(VocabularyTerm.code).where(VocabularyTerm.vocabulary == "topic")).scalars()
            assert "y-nghia-quan-diem" in set(topics)
        engine.dispose()
        assert diff == [], f"models and migrations disagree: {diff}"
        assert terms >= 40
    finally:
        if pg_name:
            drop_pg_database(pg_name)
