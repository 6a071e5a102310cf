"""Queries that resolve a credential (bearer token, session cookie, API key) to its holder."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
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


def client_by_prefix(session: Session, prefix: str) -> tuple[ApiClient, Organisation] | None:
    row = session.execute(
        select(ApiClient, Organisation)
        .join(Organisation, Organisation.id == ApiClient.organisation_id)
        .where(ApiClient.prefix == prefix)
    ).first()
    return (row[0], row[1]) if row else None


def touch_token(session: Session, token_id: uuid.UUID, at: datetime) -> None:
    session.execute(update(AuthToken).where(AuthToken.id == token_id).values(last_used_at=at))


def touch_client(session: Session, client_id: uuid.UUID, at: datetime) -> None:
    session.execute(update(ApiClient).where(ApiClient.id == client_id).values(last_used_at=at))
