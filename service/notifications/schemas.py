from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal["review_requested", "urgent_review", "approved", "published", "changes_requested", "rejected",
               "withdrawn", "urgent_published", "comment"]
ModeName = Literal["immediate", "digest", "off"]


class NotificationOut(BaseModel):
    id: uuid.UUID
    kind: str
    title: str
    body: str
    link: str
    asset_id: uuid.UUID | None
    created_at: datetime
    read_at: datetime | None


class NotificationList(BaseModel):
    unread: int
    items: list[NotificationOut]


class MarkReadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[uuid.UUID] | None = Field(default=None, max_length=500, description="None marks every notification")


class MarkReadOut(BaseModel):
    marked: int
    unread: int


class PreferencesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    modes: dict[Kind, ModeName]


class PreferencesOut(BaseModel):
    modes: dict[str, str]
    mandatory: list[str]
