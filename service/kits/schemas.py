from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from service.inputs.text import Line


class KitItemIn(BaseModel):
    asset_id: uuid.UUID
    profile: str | None = Field(default=None, max_length=64, description="rendition profile; default: original")


class KitIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "slug": "ngay-nha-giao-20-11", "title": "Ngày Nhà giáo Việt Nam 20/11",
        "description": "Bộ sản phẩm truyền thông cho Ngày Nhà giáo",
        "items": [{"asset_id": "6f1c2d1e-4b8a-4a55-9f4e-2f0c4c1d9a10", "profile": "web-image"}]}]})

    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,99}$")
    title: Line = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=5000)
    items: list[KitItemIn] = Field(default_factory=list, max_length=500)


class KitPatch(BaseModel):
    title: Line | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=5000)
    items: list[KitItemIn] | None = Field(default=None, max_length=500)


class KitOut(BaseModel):
    id: uuid.UUID
    slug: str
    title: str
    description: str
    owner_org_id: uuid.UUID
    created_at: datetime
    items: list[KitItemIn]
    zip_url: str
