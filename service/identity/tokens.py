"""Resolve a credential to a Principal: a bearer token or web session of a user, or an API client's key.

Below the auth package (sign-in, issuing tokens, creating keys) so that the request dependencies, which every
route uses, need nothing that records to the audit trail or manages organisations."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.orm import Session

from service.core import db
from service.core.errors import Unauthorized
from service.core.runtime import session_runtime
from service.core.security import keyed_hash, security_of
from service.identity import repository
from service.identity.principal import Principal
from service.identity.repository import ClientKey
from service.models import AuthToken, Organisation, User
from service.models.base import utcnow


def principal_for_user(user: User, org: Organisation) -> Principal:
    return Principal(kind="user", id=user.id, label=user.email, organisation_id=org.id,
                     organisation_path=org.path, role=user.role)


def principal_for_client(client: ClientKey) -> Principal:
    return Principal(kind="client", id=client.id, label=client.name, organisation_id=client.organisation_id,
                     organisation_path=client.organisation_path, role="client", scopes=frozenset(client.scopes),
                     rate_limit_per_minute=client.rate_limit_per_minute)


def _touch(session: Session, update: Callable[[Session], None]) -> None:
    """Last-used times are written in their own short transaction: the request's own transaction may
    stay open for a long upload, and on SQLite a write there would hold the database lock throughout."""
    with db.unit_of_work(session_runtime(session).sessionmaker) as touch_session:
        update(touch_session)


def resolve_user_token(session: Session, token: str, kind: str = "bearer") -> tuple[Principal, AuthToken]:
    found = repository.token_with_user(session, keyed_hash(security_of(session), token), kind)
    now = utcnow()
    if not found:
        raise Unauthorized()
    tok, user, org = found
    if tok.revoked_at or tok.expires_at <= now or not user.is_active:
        raise Unauthorized()
    if not tok.last_used_at or now - tok.last_used_at > timedelta(minutes=1):
        _touch(session, lambda s: repository.touch_token(s, tok.id, now))
    return principal_for_user(user, org), tok


def resolve_api_key(session: Session, key: str) -> Principal:
    # Keys look like "kho_<prefix>_<secret>": the prefix finds the row, the keyed hash proves the secret.
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != "kho" or not parts[1].startswith("k"):
        raise Unauthorized()
    client = repository.client_by_prefix(session, parts[1])
    if client is None:
        raise Unauthorized()
    if client.revoked_at or not secrets.compare_digest(client.key_hash, keyed_hash(security_of(session), key)):
        raise Unauthorized()
    now = utcnow()
    if not client.last_used_at or now - client.last_used_at > timedelta(minutes=1):
        _touch(session, lambda s: repository.touch_client(s, client.id, now))
    return principal_for_client(client)
