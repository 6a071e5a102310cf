"""The seam between downloads and usage tracking: one call per delivered file.

Kept tiny and synchronous: the event is written in the request's transaction (service/usage), so it commits
or rolls back with the download that caused it.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.identity.principal import Principal
from service.models import Asset, Rendition
from service.usage import service as usage
from transcoding.profiles import default_profiles


def record_download(session: Session, principal: Principal, asset: Asset, rendition: Rendition | None,
                    kind: str = "download") -> None:
    if asset.status != "published":
        return  # a producer's, reviewer's or administrator's preview of a draft is not use
    profile = default_profiles().get(rendition.profile) if rendition else None
    usage.record("download" if principal.kind == "user" and kind == "download" else "api_pull", principal,
                 session=session, asset_id=asset.id,
                 version_id=rendition.version_id if rendition else asset.current_version_id, rendition=rendition,
                 profile=rendition.profile if rendition else "original", channel=profile.channel if profile else None)
    asset.download_count += 1
