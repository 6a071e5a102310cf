from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, Field


class RenditionOut(BaseModel):
    id: uuid.UUID
    profile: str
    variant: str = Field(description="Named after the delivered size (a 720p source's YouTube file is 720p)")
    spec: str = Field(description="The profile output this file was made for, as the profile names it")
    also_for: list[str] = Field(default_factory=list,
                                description="Other outputs of the profile this same file stands for")
    channel: str | None
    label_vi: str | None
    label_en: str | None
    media_type: str
    size: int
    width: int | None
    height: int | None
    duration: float | None
    bitrate: int | None
    loudness_lufs: float | None
    true_peak_dbtp: float | None
    extra: dict[str, Any]
    download_url: str = Field(description="API download (Range supported), needs the caller's token")
    signed_url: str = Field(description="Time-limited link that works without a token")


class ProfileStatus(BaseModel):
    profile: str
    status: str  # ready | processing | failed | pending
    renditions: list[RenditionOut]


class RenditionsResponse(BaseModel):
    asset_id: uuid.UUID
    version_id: uuid.UUID | None
    job_id: str | None
    job_status: str | None
    job_progress: float | None
    job_error: str | None
    profiles: list[ProfileStatus]


class RegenerateRequest(BaseModel):
    profiles: list[str] | None = Field(default=None, description="Profile names; all applicable when omitted")


class ProfileOut(BaseModel):
    name: str
    channel: str
    label_vi: str
    label_en: str
    description_vi: str
    kinds: list[str]
    outputs: dict[str, list[dict[str, Any]]]
