"""Alembic environment: the only way the schema changes. The URL comes from the caller's config
(`service.core.migrate`) or from KHO_DATABASE_URL via the service settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from service.core.runtime import get_settings
from service.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url") or get_settings().db_url
target_metadata = Base.metadata


def run_offline() -> None:
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = engine_from_config({"sqlalchemy.url": url}, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)


def _not_search_tables(name: str | None, type_: str, parent_names: object) -> bool:
    """The PostgreSQL search engine creates and versions its own tables (search/postgres_schema.py):
    autogenerate must not propose dropping them."""
    return not (type_ == "table" and (name or "").startswith("search_documents"))


def _run(connection: object) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,  # type: ignore[arg-type]
                      render_as_batch=url.startswith("sqlite"), compare_type=True,
                      include_name=_not_search_tables)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
