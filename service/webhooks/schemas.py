from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, HttpUrl


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"url": "https://toasoan.example.vn/hooks/kho", "events": ["asset.published", "asset.withdrawn"]}]})

    url: HttpUrl
    events: list[str] = Field(min_length=1, max_length=4)


class SubscriptionPatch(BaseModel):
    active: bool | None = None
    events: list[str] | None = None


class SubscriptionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    url: str
    events: list[str]
    active: bool
    consecutive_failures: int
    disabled_at: datetime | None
    created_at: datetime


class SubscriptionCreated(SubscriptionOut):
    secret: str = Field(description="whsec_… signing secret (Standard Webhooks); shown only once")


class AttemptOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    status_code: int | None
    duration_ms: int
    error: str | None
    trigger: str


class DeliveryOut(BaseModel):
    id: uuid.UUID
    message_id: str
    event_type: str
    attempts: int
    last_status: int | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    failed_at: datetime | None
    created_at: datetime
    log: list[AttemptOut]
