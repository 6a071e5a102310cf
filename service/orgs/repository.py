from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import Organisation


def get(session: Session, org_id: uuid.UUID) -> Organisation | None:
    return session.get(Organisation, org_id)


def by_code(session: Session, code: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.code == code))


def subtree(session: Session, path: str) -> list[Organisation]:
    return list(session.scalars(select(Organisation).where(Organisation.path.startswith(path))
                                .order_by(Organisation.path)))


def roots(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).where(Organisation.parent_id.is_(None))))


def add(session: Session, org: Organisation) -> None:
    session.add(org)
    session.flush()


def by_codes(session: Session, codes: list[str]) -> dict[str, Organisation]:
    if not codes:
        return {}
    return {o.code: o for o in session.scalars(select(Organisation).where(Organisation.code.in_(codes)))}
