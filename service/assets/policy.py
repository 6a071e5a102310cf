"""Who may see and act on which assets — the one place these rules live. Repositories apply the filters.

Visibility: staff and API clients (with `assets:read`) see only live assets (published, inside the
embargo/expiry window); producers also see every asset of their own organisation; reviewers and admins
also see everything owned inside their organisation's subtree ("workspace"). A client without
`assets:read` sees nothing.

Actions: producers edit their organisation's assets, admins their subtree's; reviewers (and admins)
review their subtree's assets. Version-level material (pending versions, comments, diffs, downloaders)
is shown only inside the workspace.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, and_, false, or_, select, true

from service.identity.principal import Principal
from service.models import Asset, Organisation, Version

READ_SCOPE = "assets:read"
REVIEW_ROLES = ("admin", "reviewer")


def system_filter() -> ColumnElement[bool]:
    """Every asset: for the service's own steps (the publication gate after a job), which act for nobody."""
    return true()


def live_filter(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    """Published, past its publication time and not expired at `now` (an instant, or a bound parameter of a
    statement built once and run with each request's instant)."""
    return and_(
        Asset.status == "published",
        or_(Asset.publish_at.is_(None), Asset.publish_at <= now),
        or_(Asset.expires_at.is_(None), Asset.expires_at > now),
    )


def subtree_filter(principal: Principal) -> ColumnElement[bool]:
    """Assets owned by the principal's organisation or any unit below it."""
    subtree = select(Organisation.id).where(Organisation.path.startswith(principal.organisation_path))
    return Asset.owner_org_id.in_(subtree)


def workspace_filter(principal: Principal) -> ColumnElement[bool]:
    """Assets the principal works on whatever their status (empty for staff and clients)."""
    if principal.kind == "client" or principal.role == "staff":
        return false()
    if principal.role == "producer":
        return Asset.owner_org_id == principal.organisation_id
    return subtree_filter(principal)


def visible_filter(principal: Principal, now: datetime) -> ColumnElement[bool]:
    if principal.kind == "client":
        return live_filter(now) if READ_SCOPE in principal.scopes else false()
    if principal.role == "staff":
        return live_filter(now)
    return or_(live_filter(now), workspace_filter(principal))


def review_filter(principal: Principal) -> ColumnElement[bool]:
    """Assets whose versions this principal may review (the review queue)."""
    if principal.kind != "user" or principal.role not in REVIEW_ROLES:
        return false()
    return subtree_filter(principal)


def in_workspace(principal: Principal, owner_org_id: uuid.UUID, owner_path: str) -> bool:
    if principal.kind != "user" or principal.role == "staff":
        return False
    if principal.role == "producer":
        return owner_org_id == principal.organisation_id
    return owner_path.startswith(principal.organisation_path)


def can_edit(principal: Principal, asset: Asset, owner_path: str) -> bool:
    if principal.kind != "user":
        return False
    if principal.role == "producer":
        return asset.owner_org_id == principal.organisation_id
    return principal.role == "admin" and owner_path.startswith(principal.organisation_path)


def can_review(principal: Principal, owner_path: str) -> bool:
    return (principal.kind == "user" and principal.role in REVIEW_ROLES
            and owner_path.startswith(principal.organisation_path))


def version_visible(principal: Principal, asset: Asset, version: Version, owner_path: str, now: datetime) -> bool:
    """A version (its original, renditions, text) is public only while it is the live one; any other
    version — pending, rejected, superseded — stays inside the workspace. Call after the asset itself
    passed `visible_filter`."""
    if in_workspace(principal, asset.owner_org_id, owner_path):
        return True
    live = asset.status == "published" and (asset.publish_at is None or asset.publish_at <= now) and (
        asset.expires_at is None or asset.expires_at > now)
    return live and version.id == asset.current_version_id
