"""Queries that resolve a credential (bearer token, session cookie, API key) to its holder."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from service.models import ApiClient, AuthToken, Organisation, User


def token_with_user(session: Session, token_hash: str, kind: str) -> tuple[AuthToken, User, Organisation] | None:
    row = session.execute(
        select(AuthToken, User, Organisation)
        .join(User, User.id == AuthToken.user_id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(AuthToken.token_hash == token_hash, AuthToken.kind == kind)
    ).first()
    return (row[0], row[1], row[2]) if row else None


class ClientKey(NamedTuple):
    """What resolving an API key needs of its client and the client's organisation: a plain row (every
    newsroom request resolves one; two ORM objects per request cost more than the query)."""

    id: uuid.UUID
    name: str
    key_hash: str
    scopes: list[str]
    rate_limit_per_minute: int
    revoked_at: datetime | None
    last_used_at: datetime | None
    organisation_id: uuid.UUID
    organisation_path: str


_CLIENT_BY_PREFIX = (
    select(ApiClient.id, ApiClient.name, ApiClient.key_hash, ApiClient.scopes, ApiClient.rate_limit_per_minute,
           ApiClient.revoked_at, ApiClient.last_used_at, Organisation.id, Organisation.path)
    .join(Organisation, Organisation.id == ApiClient.organisation_id)
    .where(ApiClient.prefix == bindparam("prefix")))


def client_by_prefix(session: Session, prefix: str) -> ClientKey | None:
    row = session.connection().execute(_CLIENT_BY_PREFIX, {"prefix": prefix}).first()
    return ClientKey._make(row) if row else None


def touch_token(session: Session, token_id: uuid.UUID, at: datetime) -> None:
    session.execute(update(AuthToken).where(AuthToken.id == token_id).values(last_used_at=at))


def touch_client(session: Session, client_id: uuid.UUID, at: datetime) -> None:
    session.execute(update(ApiClient).where(ApiClient.id == client_id).values(last_used_at=at))
