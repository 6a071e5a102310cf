from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from service.inputs.text import Line


class TokenRequest(BaseModel):
    email: Line = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=1000)


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime


class MeResponse(BaseModel):
    kind: str
    id: uuid.UUID
    label: str
    role: str
    organisation_id: uuid.UUID
    scopes: list[str]


class ApiKeyCreate(BaseModel):
    name: Line = Field(min_length=1, max_length=200)
    organisation_id: uuid.UUID | None = None
    scopes: list[str] = Field(default_factory=lambda: ["assets:read", "assets:download"])
    rate_limit_per_minute: int = Field(default=600, ge=1, le=100000)


class ApiKeyOut(BaseModel):
    id: uuid.UUID
    name: str
    prefix: str
    scopes: list[str]
    organisation_id: uuid.UUID
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="Shown once; only a keyed hash is stored.")
