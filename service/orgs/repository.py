from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.models import Asset, Organisation, User


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


def asset_counts(session: Session, org_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Assets owned by each unit (any status), one grouped query."""
    if not org_ids:
        return {}
    q = select(Asset.owner_org_id, func.count()).where(Asset.owner_org_id.in_(org_ids)).group_by(Asset.owner_org_id)
    return {r[0]: r[1] for r in session.execute(q)}


def user_counts(session: Session, org_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Active accounts of each unit, one grouped query."""
    if not org_ids:
        return {}
    q = (select(User.organisation_id, func.count()).where(User.organisation_id.in_(org_ids), User.is_active.is_(True))
         .group_by(User.organisation_id))
    return {r[0]: r[1] for r in session.execute(q)}
