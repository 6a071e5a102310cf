from __future__ import annotations

import uuid
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, File, Form, Request, UploadFile
from pydantic import BaseModel
from starlette.responses import Response

from service.assets import service as assets
from service.assets.schemas import LanguageVersionOut
from service.deps import CurrentPrincipal, ProducerPrincipal, SessionDep
from service.http_files import object_response
from service.languages import captions, variants
from service.languages import service as languages
from service.models.base import utcnow
from service.runtime import get_store
from transcoding.captions_check import MAX_CAPTION_BYTES

router = APIRouter(prefix="/api/v1", tags=["languages"])


class CaptionOut(BaseModel):
    language: str
    label_vi: str
    label_en: str
    cues: int
    url: str


@router.get("/languages")
def list_languages() -> list[dict[str, Any]]:
    """The languages an asset, a language version or a caption may be in (BCP 47 code, labels)."""
    return languages.listing()


@router.get("/assets/{asset_id}/variants", response_model=list[LanguageVersionOut])
def list_variants(asset_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> list[LanguageVersionOut]:
    """The original and every language version of the asset's group that the caller may see."""
    asset = assets.get_visible(session, principal, asset_id)
    return variants.members_visible(session, principal, asset, utcnow())


@router.post("/assets/{asset_id}/captions", status_code=201, response_model=CaptionOut,
             responses={422: {"description": "Not UTF-8, bad timestamps, overlapping cues… (names the line)"}})
async def upload_caption(asset_id: uuid.UUID, principal: ProducerPrincipal, session: SessionDep,
                         language: Annotated[str, Form(max_length=35)],
                         file: Annotated[UploadFile, File(description="WebVTT or SRT")]) -> CaptionOut:
    """A caption file in one language (SRT is converted to WebVTT); a second upload replaces it."""
    raw = await file.read(MAX_CAPTION_BYTES + 1)
    row = await anyio.to_thread.run_sync(captions.upload, session, get_store(), principal, asset_id, language, raw)
    return CaptionOut(language=row.language, label_vi=languages.label(row.language, "vi"),
                      label_en=languages.label(row.language, "en"), cues=row.cues,
                      url=f"/api/v1/assets/{asset_id}/captions/{row.language}.vtt")


@router.get("/assets/{asset_id}/captions", response_model=list[CaptionOut])
def list_captions(asset_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> list[CaptionOut]:
    return [CaptionOut(**vars(c)) for c in captions.listing(session, principal, asset_id)]


@router.get("/assets/{asset_id}/captions/{language}.vtt")
def caption_file(asset_id: uuid.UUID, language: str, request: Request, principal: CurrentPrincipal,
                 session: SessionDep) -> Response:
    _, row = captions.get(session, principal, asset_id, language)
    size = get_store().stat(row.object_key).size
    return object_response(request, get_store(), row.object_key, size=size, media_type="text/vtt; charset=utf-8",
                           filename=f"{asset_id}.{row.language}.vtt", etag=None, inline=True)
