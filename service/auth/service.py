"""Sign-in, bearer tokens, web sessions and API keys."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from service.audit import service as audit
from service.auth import repository
from service.core import db
from service.core.errors import Conflict, KhoError, TooManyRequests, Unauthorized
from service.core.runtime import session_runtime
from service.core.security import dummy_hash, hash_password, keyed_hash, new_token, security_of, verify_password
from service.identity.principal import Principal
from service.models import ApiClient, AuthToken, User
from service.models.base import utcnow
from service.models.org import ROLES

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
CLIENT_SCOPES = frozenset({"assets:read", "assets:download", "webhooks:manage"})


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime
    csrf_token: str | None = None






def _failure_keys(email: str, address: str | None) -> list[str]:
    keys = [f"email:{email.strip().lower()}"]
    if address:
        keys.append(f"ip:{address}")
    return keys


def authenticate(session: Session, email: str, password: str, address: str | None) -> User:
    """Check a password. Failures are recorded in their own transaction so the 401 does not roll them back."""
    keys = _failure_keys(email, address)
    since = utcnow() - FAILURE_WINDOW
    if any(repository.count_failures(session, k, since) >= MAX_FAILURES * (4 if k.startswith("ip:") else 1)
           for k in keys):
        raise TooManyRequests("too_many_attempts", seconds=int(FAILURE_WINDOW.total_seconds()),
                              headers={"Retry-After": str(int(FAILURE_WINDOW.total_seconds()))})
    user = repository.user_by_email(session, email)
    s = security_of(session)
    ok = verify_password(s, user.password_hash if user else dummy_hash(s), password)
    if not user or not ok or not user.is_active:
        with db.unit_of_work(session_runtime(session).sessionmaker) as failure_session:
            for key in keys:
                repository.record_failure(failure_session, key)
            audit.record(failure_session, "auth.login_failed", "user", user.id if user else "-",
                         actor_label=f"anonymous:{address or '-'}", email=email.strip().lower())
        raise Unauthorized("invalid_credentials")
    repository.clear_failures(session, keys[0])
    user.last_login_at = utcnow()
    return user


def issue_token(session: Session, user: User, kind: str = "bearer") -> IssuedToken:
    token = new_token("kho_u" if kind == "bearer" else "kho_s")
    expires = utcnow() + timedelta(hours=session_runtime(session).settings.security.token_ttl_hours)
    csrf = secrets.token_urlsafe(24) if kind == "session" else None
    repository.add(session, AuthToken(user_id=user.id, kind=kind, token_hash=keyed_hash(security_of(session), token),
                                      expires_at=expires, csrf_token=csrf))
    return IssuedToken(token, expires, csrf)








def revoke(session: Session, token: str) -> None:
    repository.revoke_token(session, keyed_hash(security_of(session), token), utcnow())


def create_user(session: Session, *, email: str, full_name: str, password: str, role: str,
                organisation_id: uuid.UUID, actor: Principal | None = None) -> User:
    if role not in ROLES:
        raise KhoError("validation_failed", reason=f"role must be one of {', '.join(ROLES)}")
    if repository.user_by_email(session, email):
        raise Conflict("conflict", reason=f"user {email} exists")
    password_hash = hash_password(security_of(session), password)
    user = User(email=email.strip().lower(), full_name=full_name, password_hash=password_hash,
                role=role, organisation_id=organisation_id)
    repository.add(session, user)
    audit.record(session, "user.created", "user", user.id, actor=actor, role=role, email=user.email,
                 organisation_id=str(organisation_id))
    return user


@dataclass(frozen=True)
class CreatedKey:
    client: ApiClient
    key: str  # shown once


def create_api_key(session: Session, *, name: str, organisation_id: uuid.UUID, scopes: list[str],
                   actor: Principal | None = None, rate_limit_per_minute: int = 600) -> CreatedKey:
    unknown = set(scopes) - CLIENT_SCOPES
    if unknown or not scopes:
        raise KhoError("validation_failed", reason=f"scopes must be among {sorted(CLIENT_SCOPES)}")
    prefix = "k" + secrets.token_hex(6)
    key = f"kho_{prefix}_{secrets.token_urlsafe(32)}"
    key_hash = keyed_hash(security_of(session), key)
    client = ApiClient(name=name, organisation_id=organisation_id, prefix=prefix, key_hash=key_hash,
                       scopes=sorted(set(scopes)), created_by_id=actor.user_id if actor else None,
                       rate_limit_per_minute=rate_limit_per_minute)
    repository.add(session, client)
    audit.record(session, "api_key.created", "api_client", client.id, actor=actor, name=name, scopes=client.scopes)
    return CreatedKey(client, key)


def revoke_api_key(session: Session, client: ApiClient, actor: Principal | None) -> None:
    client.revoked_at = utcnow()
    audit.record(session, "api_key.revoked", "api_client", client.id, actor=actor)


# Reads the web pages show, offered here so that web/ calls services only (never a repository).
user_by_id = repository.user_by_id
list_clients = repository.list_clients
client_by_id = repository.client_by_id
