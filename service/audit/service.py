"""Append-only, hash-chained audit trail. There is deliberately no update or delete path."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from service.audit import repository
from service.audit.repository import EntryFilter
from service.identity.principal import Principal
from service.models import AuditEntry, User
from service.models.base import utcnow

GENESIS = "0" * 64


def _digest(prev: str, at: datetime, actor: str, action: str, target_type: str, target_id: str,
            data: dict[str, Any]) -> str:
    canonical = json.dumps(
        [prev, at.isoformat(timespec="microseconds"), actor, action, target_type, target_id, data],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(session: Session, action: str, target_type: str, target_id: object, *,
           actor: Principal | None = None, actor_label: str | None = None, **data: Any) -> AuditEntry:
    repository.lock_chain(session)
    prev = repository.last_hash(session) or GENESIS
    at = utcnow()
    label = actor_label if actor_label is not None else (f"{actor.kind}:{actor.label}" if actor else "system")
    clean = json.loads(json.dumps(data, default=str))
    entry = AuditEntry(
        at=at, actor_user_id=actor.user_id if actor else None, actor_client_id=actor.client_id if actor else None,
        actor_label=label, action=action, target_type=target_type, target_id=str(target_id), data=clean,
        prev_hash=prev, hash=_digest(prev, at, label, action, target_type, str(target_id), clean),
    )
    repository.append(session, entry)
    return entry


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str | None = None


def verify(session: Session) -> VerifyResult:
    prev = GENESIS
    count = 0
    for entry in repository.iter_entries(session):
        count += 1
        if entry.prev_hash != prev:
            return VerifyResult(False, count, entry.id, "chain broken (previous hash differs)")
        expected = _digest(entry.prev_hash, entry.at, entry.actor_label, entry.action, entry.target_type,
                           entry.target_id, entry.data)
        if expected != entry.hash:
            return VerifyResult(False, count, entry.id, "entry altered (hash mismatch)")
        prev = entry.hash
    return VerifyResult(True, count)


def export_csv(session: Session) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["id", "at", "actor", "action", "target_type", "target_id", "data", "hash"])
    for e in repository.iter_entries(session):
        writer.writerow([e.id, e.at.isoformat(), e.actor_label, e.action, e.target_type, e.target_id,
                         json.dumps(e.data, ensure_ascii=False), e.hash])
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()


@dataclass
class TrailPage:
    """A page of the trail for people to read: the entries with the names of who acted and on which asset."""
    entries: list[AuditEntry]
    people: dict[uuid.UUID, User] = field(default_factory=dict)
    assets: dict[str, str] = field(default_factory=dict)  # title by target id, as the trail spells it
    older_than: int | None = None  # the id to page on from, when there are older entries


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def browse(session: Session, f: EntryFilter, limit: int = 100) -> TrailPage:
    """Three queries whatever the page's length: entries, the people who acted, the assets acted on.
    Who may read the whole trail is the caller's check (national administrators, as for the export)."""
    rows = repository.find(session, f, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    asset_ids = {i for e in rows if e.target_type == "asset" and (i := _uuid(e.target_id)) is not None}
    return TrailPage(rows, repository.people(session, {e.actor_user_id for e in rows if e.actor_user_id}),
                     {str(k): v for k, v in repository.asset_titles(session, asset_ids).items()},
                     rows[-1].id if more and rows else None)
