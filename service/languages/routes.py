from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter

from service.assets import service as assets
from service.assets.schemas import LanguageVersionOut
from service.deps import CurrentPrincipal, SessionDep
from service.languages import service as languages
from service.languages import variants
from service.models.base import utcnow

router = APIRouter(prefix="/api/v1", tags=["languages"])


@router.get("/languages")
def list_languages() -> list[dict[str, Any]]:
    """The languages an asset, a language version or a caption may be in (BCP 47 code, labels)."""
    return languages.listing()


@router.get("/assets/{asset_id}/variants", response_model=list[LanguageVersionOut])
def list_variants(asset_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> list[LanguageVersionOut]:
    """The original and every language version of the asset's group that the caller may see."""
    asset = assets.get_visible(session, principal, asset_id)
    return variants.members_visible(session, principal, asset, utcnow())
