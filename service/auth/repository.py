from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from service.models import ApiClient, AuthToken, LoginAttempt, Organisation, User


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def user_by_id(session: Session, user_id: uuid.UUID) -> User | None:
    return session.get(User, user_id)


def add(session: Session, obj: object) -> None:
    session.add(obj)
    session.flush()










def revoke_token(session: Session, token_hash: str, at: datetime) -> None:
    session.execute(update(AuthToken).where(AuthToken.token_hash == token_hash).values(revoked_at=at))


def count_failures(session: Session, key: str, since: datetime) -> int:
    return session.scalar(
        select(func.count()).select_from(LoginAttempt).where(LoginAttempt.key == key, LoginAttempt.at >= since)
    ) or 0


def record_failure(session: Session, key: str) -> None:
    session.add(LoginAttempt(key=key))
    session.flush()


def clear_failures(session: Session, key: str) -> None:
    session.execute(delete(LoginAttempt).where(LoginAttempt.key == key))


def list_clients(session: Session, org_paths_prefix: str) -> list[ApiClient]:
    return list(session.scalars(
        select(ApiClient).join(Organisation, Organisation.id == ApiClient.organisation_id)
        .where(Organisation.path.startswith(org_paths_prefix)).order_by(ApiClient.created_at)
    ))


def client_by_id(session: Session, client_id: uuid.UUID) -> ApiClient | None:
    return session.get(ApiClient, client_id)
