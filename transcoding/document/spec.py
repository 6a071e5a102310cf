"""What a document output of a platform profile asks for (the `document:` section of a profile YAML entry)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class DocumentOutputSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    variant: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    required: bool = False  # publication waits for this output (see service/publication)
    # preview: first page as an image; thumbnails: one image per page up to `pages`; original: the PDF as is
    output: Literal["preview", "thumbnails", "original"]
    format: Literal["png", "jpeg", "webp", "pdf"] = "webp"
    width: int = Field(default=800, gt=0, le=10000)
    pages: int = Field(default=1, ge=1, le=500)
