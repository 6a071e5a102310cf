from __future__ import annotations

import unicodedata
import uuid
from datetime import date
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, File, Form, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from service.assets import service as assets
from service.assets import variants
from service.assets.schemas import LanguageVersionOut
from service.http.deps import CurrentPrincipal, ProducerPrincipal, RuntimeDep, SessionDep, UserPrincipal
from service.http.files import object_response
from service.languages import captions, translations
from service.models import TranslationRequest
from service.models.base import utcnow
from service.vocab import languages
from transcoding.video.captions_check import MAX_CAPTION_BYTES

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
async def upload_caption(asset_id: uuid.UUID, principal: ProducerPrincipal, session: SessionDep, rt: RuntimeDep,
                         language: Annotated[str, Form(max_length=35)],
                         file: Annotated[UploadFile, File(description="WebVTT or SRT")]) -> CaptionOut:
    """A caption file in one language (SRT is converted to WebVTT); a second upload replaces it."""
    raw = await file.read(MAX_CAPTION_BYTES + 1)
    row = await anyio.to_thread.run_sync(captions.upload, session, rt.store, principal, asset_id, language, raw)
    return CaptionOut(language=row.language, label_vi=languages.label(row.language, "vi"),
                      label_en=languages.label(row.language, "en"), cues=row.cues,
                      url=f"/api/v1/assets/{asset_id}/captions/{row.language}.vtt")


@router.get("/assets/{asset_id}/captions", response_model=list[CaptionOut])
def list_captions(asset_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> list[CaptionOut]:
    return [CaptionOut(**vars(c)) for c in captions.listing(session, principal, asset_id)]


@router.get("/assets/{asset_id}/captions/{language}.vtt")
def caption_file(asset_id: uuid.UUID, language: str, request: Request, principal: CurrentPrincipal,
                 session: SessionDep, rt: RuntimeDep) -> Response:
    _, row = captions.get(session, principal, asset_id, language)
    size = rt.store.stat(row.object_key).size
    return object_response(request, rt.store, row.object_key, size=size, media_type="text/vtt; charset=utf-8",
                           filename=f"{asset_id}.{row.language}.vtt", etag=None, inline=True)


class TranslationRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: str = Field(min_length=2, max_length=35)
    unit_code: str = Field(min_length=1, max_length=64)
    due_on: date
    note: str = Field(default="", max_length=5000)


class TranslationRequestOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    asset_id: uuid.UUID
    language: str
    unit_org_id: uuid.UUID
    due_on: date
    note: str
    status: str
    variant_id: uuid.UUID | None


@router.post("/assets/{asset_id}/translation-requests", status_code=201, response_model=TranslationRequestOut)
def request_translation(asset_id: uuid.UUID, body: TranslationRequestIn, principal: ProducerPrincipal,
                        session: SessionDep) -> TranslationRequest:
    """Ask a unit with translators for a version of this asset in a language, by a date."""
    return translations.request(session, principal, asset_id, language=body.language, unit_code=body.unit_code,
                                due_on=body.due_on, note=unicodedata.normalize("NFC", body.note))


@router.get("/translation-requests", response_model=list[TranslationRequestOut])
def my_translation_requests(principal: UserPrincipal, session: SessionDep) -> list[TranslationRequest]:
    """Requests addressed to the caller's unit (open first, by due date) and those its assets asked for."""
    return translations.for_unit(session, principal)
