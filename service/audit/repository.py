from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from service.models import Asset, AuditEntry, User


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


@dataclass(frozen=True)
class EntryFilter:
    target_id: str | None = None  # an asset id (or any target's id)
    person: str | None = None  # part of an e-mail, a name or an actor label
    start: datetime | None = None
    end: datetime | None = None  # exclusive
    before_id: int | None = None  # paging: entries older than this one


def find(session: Session, f: EntryFilter, limit: int) -> list[AuditEntry]:
    """Newest first, filtered; one query whatever the page's length."""
    q = select(AuditEntry)
    if f.target_id:
        q = q.where(AuditEntry.target_id == f.target_id)
    if f.person:
        pattern = f"%{f.person.lower()}%"
        people = select(User.id).where(or_(func.lower(User.email).like(pattern),
                                           func.lower(User.full_name).like(pattern)))
        q = q.where(or_(AuditEntry.actor_user_id.in_(people), func.lower(AuditEntry.actor_label).like(pattern)))
    if f.start:
        q = q.where(AuditEntry.at >= f.start)
    if f.end:
        q = q.where(AuditEntry.at < f.end)
    if f.before_id:
        q = q.where(AuditEntry.id < f.before_id)
    return list(session.scalars(q.order_by(AuditEntry.id.desc()).limit(limit)))


def people(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, User]:
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}


def asset_titles(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    return {r[0]: r[1] for r in session.execute(select(Asset.id, Asset.title).where(Asset.id.in_(ids)))}
