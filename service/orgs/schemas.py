from __future__ import annotations

import unicodedata
import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from service.inputs.text import Line

OrgKind = Literal["ministry", "ministry_unit", "province", "department", "commune", "school", "newsroom"]


def _nfc(value: Any) -> Any:
    return unicodedata.normalize("NFC", value).strip() if isinstance(value, str) else value


class OrgCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    name: Line = Field(min_length=1, max_length=300)
    name_en: Line | None = Field(default=None, max_length=300)
    kind: OrgKind
    parent_id: uuid.UUID | None = None
    approval_levels: int = Field(default=1, ge=1, le=5)

    _clean = field_validator("code", "name", "name_en", mode="before")(_nfc)


class OrgPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Line | None = Field(default=None, min_length=1, max_length=300)
    name_en: Line | None = Field(default=None, max_length=300)
    approval_levels: int | None = Field(default=None, ge=1, le=5)

    _clean = field_validator("name", "name_en", mode="before")(_nfc)


class OrgOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    name: str
    name_en: str | None
    kind: str
    parent_id: uuid.UUID | None
    approval_levels: int
    created_at: datetime


class ImportRow(BaseModel):
    row: int
    code: str
    status: Literal["created", "exists", "error"]
    error: str | None = None
    id: uuid.UUID | None = None


class ImportReport(BaseModel):
    dry_run: bool
    created: int
    existing: int
    errors: int
    rows: list[ImportRow]
