from __future__ import annotations

import unicodedata
import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from service.inputs.text import Line
from service.models.asset import ASSET_KINDS

Kind = Literal["infographic", "video", "podcast", "qa_set", "poster", "document"]
assert set(ASSET_KINDS) == set(Kind.__args__)  # type: ignore[attr-defined]


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    return value


class _Editable(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=20000)

    summary: str | None = Field(default=None, max_length=5000)
    alt_text: str | None = Field(default=None, max_length=2000)
    audio_description: str | None = Field(default=None, max_length=5000)
    language: str | None = Field(default=None, min_length=2, max_length=35)  # BCP 47, checked against the list
    topics: list[str] | None = Field(default=None, max_length=20)
    audiences: list[str] | None = Field(default=None, max_length=20)
    levels: list[str] | None = Field(default=None, max_length=10)
    channels: list[str] | None = Field(default=None, max_length=12)
    tags: list[str] | None = Field(default=None, max_length=50)
    credit: str | None = Field(default=None, max_length=300)
    copyright_notice: str | None = Field(default=None, max_length=300)
    licence: str | None = Field(default=None, max_length=100)
    usage_terms: str | None = Field(default=None, max_length=5000)
    publish_at: datetime | None = None
    expires_at: datetime | None = None
    urgent: bool | None = None
    focal_x: float | None = Field(default=None, ge=0, le=1)
    focal_y: float | None = Field(default=None, ge=0, le=1)

    @field_validator("*", mode="before")
    @classmethod
    def _normalise(cls, value: Any) -> Any:
        return _nfc(value)

    @field_validator("publish_at", "expires_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("datetime must include a timezone (e.g. 2026-11-20T07:00:00+07:00)")
        return value


class AssetCreate(_Editable):
    kind: Kind
    title: Line = Field(min_length=1, max_length=500)
    owner_org_id: uuid.UUID | None = None
    variant_of: uuid.UUID | None = None  # this upload is a language version of that asset


class AssetPatch(_Editable):
    title: Line | None = Field(default=None, min_length=1, max_length=500)


class VersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    number: int
    status: str
    media_type: str
    size: int
    sha256: str
    original_filename: str
    probe: dict[str, Any]
    created_at: datetime
    rendition_error_code: str | None = None
    rendition_error: str | None = Field(default=None, description="why publication is blocked, if it is")


class Rights(BaseModel):
    credit: str
    copyright_notice: str
    licence: str
    usage_terms: str


class LanguageVersionOut(BaseModel):
    language: str
    label_vi: str
    label_en: str
    asset_id: uuid.UUID
    title: str
    status: str
    original: bool


class AssetOut(BaseModel):
    id: uuid.UUID
    kind: str
    status: str
    title: str
    summary: str
    alt_text: str
    audio_description: str = ""
    language: str
    topics: list[str]
    audiences: list[str]
    levels: list[str]
    channels: list[str]
    tags: list[str]
    rights: Rights
    owner_org_id: uuid.UUID
    publish_at: datetime | None
    expires_at: datetime | None
    published_at: datetime | None
    urgent: bool
    focal_x: float
    focal_y: float
    withdrawn_reason: str | None
    replaced_by_id: uuid.UUID | None = None  # a withdrawn asset's replacement (use that one instead)
    download_count: int
    current_version: VersionOut | None
    created_at: datetime
    updated_at: datetime
    variant_of_id: uuid.UUID | None = None
    languages: list[LanguageVersionOut] = []  # every live language of its group, itself included


class AssetPage(BaseModel):
    items: list[AssetOut]
    next_cursor: str | None


class FocalIn(BaseModel):
    """Where the crops centre, as fractions of the picture's width (x) and height (y) from its top left."""

    model_config = ConfigDict(extra="forbid")

    x: float = Field(ge=0, le=1, allow_inf_nan=False, description="0 = left edge, 1 = right edge")
    y: float = Field(ge=0, le=1, allow_inf_nan=False, description="0 = top edge, 1 = bottom edge")


class FocalCropOut(BaseModel):
    """One output cut around the focal point (a `fit: cover` output of a platform profile)."""

    profile: str
    spec: str
    channel: str
    label_vi: str
    label_en: str
    width: int
    height: int


class FocalOut(BaseModel):
    asset_id: uuid.UUID
    version_number: int
    x: float
    y: float
    source: Literal["manual", "auto", "default"] = Field(
        description="manual: set by a person; auto: found from the text boxes and saliency; default: not found yet")
    crops: list[FocalCropOut]
    job_id: str | None = Field(default=None, description="The job re-making the crops for this point, if any")
    job_status: str | None = None
