from __future__ import annotations

import unicodedata
import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from service.inputs.text import Line

Role = Literal["admin", "producer", "reviewer", "staff"]


def _nfc(value: Any) -> Any:
    return unicodedata.normalize("NFC", value).strip() if isinstance(value, str) else value


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Line = Field(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")
    full_name: Line = Field(min_length=1, max_length=200)
    password: str = Field(min_length=10, max_length=1000)
    role: Role
    organisation_id: uuid.UUID | None = None

    _clean = field_validator("email", "full_name", mode="before")(_nfc)


class UserPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    full_name: Line | None = Field(default=None, min_length=1, max_length=200)
    role: Role | None = None
    is_active: bool | None = None
    organisation_id: uuid.UUID | None = None

    _clean = field_validator("full_name", mode="before")(_nfc)


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    full_name: str
    role: str
    organisation_id: uuid.UUID
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None
