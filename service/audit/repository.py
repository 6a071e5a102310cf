from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from service.models import AuditEntry


def lock_chain(session: Session) -> None:
    """Serialise appends on PostgreSQL (SQLite already serialises writers)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(7171)"))


def last_hash(session: Session) -> str | None:
    return session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))


def append(session: Session, entry: AuditEntry) -> None:
    session.add(entry)
    session.flush()


def iter_entries(session: Session, batch: int = 1000) -> Iterator[AuditEntry]:
    last_id = 0
    while True:
        rows = list(session.scalars(select(AuditEntry).where(AuditEntry.id > last_id)
                                    .order_by(AuditEntry.id).limit(batch)))
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id
