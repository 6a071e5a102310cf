"""What an image output of a platform profile asks for (the `image:` section of a profile YAML entry)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ImageOutputSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    variant: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    required: bool = False  # publication waits for this output (see service/publication)
    format: Literal["jpeg", "webp", "png", "pdf", "tiff"]
    # The target box. With only one side set the other follows the source aspect ratio;
    # with neither set the source size is kept (print).
    width: int | None = Field(default=None, gt=0, le=20000)
    height: int | None = Field(default=None, gt=0, le=20000)
    fit: Literal["contain", "cover", "pad"] = "contain"
    quality: int = Field(default=85, ge=1, le=100)
    max_bytes: int | None = Field(default=None, gt=0)  # e.g. Zalo OA images ≤ 1 MB: quality is lowered to fit
    colour: Literal["srgb", "keep"] = "srgb"  # "keep" preserves CMYK for print
    upscale: bool = False
    dpi: int | None = Field(default=None, gt=0, le=2400)
