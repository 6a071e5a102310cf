"""What the canonical public pages show to anyone holding a link: a live asset's public face, a
withdrawn one's notice (410 Gone), a kit with its contents. Drafts and reviews stay behind sign-in."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from service.core.errors import KhoError, NotFound
from service.kits import repository as kits_repo
from service.models import Asset, Collection, Organisation
from service.models.base import utcnow
from service.news import repository as news_repo


@dataclass(frozen=True)
class PublicAsset:
    asset: Asset
    organisation: Organisation | None


@dataclass(frozen=True)
class PublicKit:
    kit: Collection
    live: list[Asset] = field(default_factory=list)
    withdrawn: list[Asset] = field(default_factory=list)


class Withdrawn(KhoError):
    def __init__(self, asset: Asset) -> None:
        super().__init__("asset_withdrawn", status=410, extra={"reason": asset.withdrawn_reason})
        self.asset = asset


def was_published(asset: Asset) -> bool:
    return asset.status == "withdrawn" and asset.published_at is not None


def public_asset(session: Session, asset_id: uuid.UUID) -> PublicAsset | None:
    """The live asset; raises `Withdrawn` (410) for a withdrawn one; None when only members may see it."""
    asset = news_repo.get_live(session, utcnow(), asset_id)
    if asset is None:
        gone = news_repo.get_any(session, asset_id)
        if gone is not None and was_published(gone):
            raise Withdrawn(gone)
        return None
    org = news_repo.organisations(session, [asset.owner_org_id]).get(asset.owner_org_id)
    return PublicAsset(asset, org)


def public_kit(session: Session, slug: str) -> PublicKit:
    kit = kits_repo.by_slug(session, slug)
    if kit is None:
        raise NotFound(what="bộ tài liệu / kit")
    live_ids = {a.id for _, a in kits_repo.live_items(session, kit.id, utcnow())}
    every = kits_repo.items_with_assets(session, kit.id)
    return PublicKit(kit, [a for _, a in every if a.id in live_ids], [a for _, a in every if was_published(a)])
