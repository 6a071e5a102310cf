"""Who may see which assets — the one place visibility is decided. Repositories apply it to every query.

Staff and API clients see only published assets inside their embargo/expiry window; producers also see
their own organisation's assets; reviewers and admins also see everything in their organisation's subtree.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select

from service.auth.principal import Principal
from service.models import Asset, Organisation


def live_filter(now: datetime) -> ColumnElement[bool]:
    return and_(
        Asset.status == "published",
        or_(Asset.publish_at.is_(None), Asset.publish_at <= now),
        or_(Asset.expires_at.is_(None), Asset.expires_at > now),
    )


def visible_filter(principal: Principal, now: datetime) -> ColumnElement[bool]:
    live = live_filter(now)
    if principal.kind == "client" or principal.role == "staff":
        return live
    if principal.role == "producer":
        return or_(live, Asset.owner_org_id == principal.organisation_id)
    subtree = select(Organisation.id).where(Organisation.path.startswith(principal.organisation_path))
    return or_(live, Asset.owner_org_id.in_(subtree))


def can_edit(principal: Principal, asset: Asset, owner_path: str) -> bool:
    if principal.role == "producer":
        return asset.owner_org_id == principal.organisation_id
    return principal.role == "admin" and owner_path.startswith(principal.organisation_path)
