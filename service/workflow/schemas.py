from __future__ import annotations

import unicodedata
import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from service.publication.schemas import PublicationOut


def _nfc(value: Any) -> Any:
    return unicodedata.normalize("NFC", value).strip() if isinstance(value, str) else value


class DecisionIn(BaseModel):
    """Body of submit / approve / request-changes / reject / withdraw. Some decisions require `reason`."""

    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=5000)
    comment: str | None = Field(default=None, max_length=20000)
    # Withdraw only: the published asset that replaces the withdrawn one.
    replacement_asset_id: uuid.UUID | None = None

    _clean = field_validator("reason", "comment", mode="before")(_nfc)


class VersionRef(BaseModel):
    id: uuid.UUID
    number: int
    status: str


class TransitionOut(BaseModel):
    asset_id: uuid.UUID
    status: str
    version: VersionRef
    approvals: int
    approval_levels: int
    event_id: int
    publication: PublicationOut | None = None


class OrganisationRef(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    downloads: int


class ClientRef(BaseModel):
    id: uuid.UUID
    name: str
    organisation_id: uuid.UUID
    downloads: int


class DownloadersOut(BaseModel):
    organisations: list[OrganisationRef]
    api_clients: list[ClientRef]


class WithdrawOut(TransitionOut):
    reason: str
    downloaders: DownloadersOut


class QueueItem(BaseModel):
    asset_id: uuid.UUID
    version_id: uuid.UUID
    version_number: int
    kind: str
    title: str
    owner_org_id: uuid.UUID
    urgent: bool
    is_revision: bool
    submitted_at: datetime | None
    submitted_by_id: uuid.UUID | None
    approvals: int
    approval_levels: int
    can_approve: bool


class VersionOutFull(BaseModel):
    id: uuid.UUID
    number: int
    status: str
    media_type: str
    size: int
    sha256: str
    original_filename: str
    proposed: dict[str, Any]
    created_by_id: uuid.UUID | None
    submitted_by_id: uuid.UUID | None
    created_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    rendition_error_code: str | None = None
    rendition_error: str | None = Field(default=None, description="why publication is blocked, if it is")


class FieldChange(BaseModel):
    field: str
    old: Any
    new: Any


class DiffSide(BaseModel):
    version_id: uuid.UUID
    number: int
    status: str
    preview_url: str | None


class DiffOut(BaseModel):
    asset_id: uuid.UUID
    from_version: DiffSide
    to_version: DiffSide
    changes: list[FieldChange]


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=20000)
    version_number: int | None = None

    _clean = field_validator("body", mode="before")(_nfc)


class CommentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    asset_id: uuid.UUID
    version_id: uuid.UUID | None
    review_event_id: int | None
    author_id: uuid.UUID | None
    body: str
    created_at: datetime


class ReviewEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version_id: uuid.UUID | None
    actor_id: uuid.UUID | None
    action: str
    from_status: str | None
    to_status: str
    reason: str | None
    at: datetime
