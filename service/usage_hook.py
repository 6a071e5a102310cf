"""The seam between downloads and usage tracking: one call per delivered file.

Kept tiny and synchronous (one INSERT in the request's transaction); the distribution work may replace
the body with a buffered writer without touching the routes.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.auth.principal import Principal
from service.models import Asset, Rendition, UsageEvent


def record_download(session: Session, principal: Principal, asset: Asset, rendition: Rendition | None,
                    kind: str = "download") -> None:
    from transcoding.profiles import default_profiles

    profile = default_profiles().get(rendition.profile) if rendition else None
    session.add(UsageEvent(kind=kind if principal.kind == "user" else "api_pull", asset_id=asset.id,
                           version_id=rendition.version_id if rendition else asset.current_version_id,
                           rendition_id=rendition.id if rendition else None,
                           profile=rendition.profile if rendition else "original",
                           channel=profile.channel if profile else None, organisation_id=principal.organisation_id,
                           user_id=principal.user_id, api_client_id=principal.client_id))
    asset.download_count += 1
