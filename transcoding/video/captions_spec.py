"""How a platform profile wants captions burned in (the `burn_captions:` of a video output)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CaptionBurn(BaseModel):
    """Where burned captions may sit: fractions of the frame kept clear of the platform's own overlay
    (TikTok's like/share column on the right, the description at the bottom), and the text size as a
    fraction of the short side (≈ 59 px on 1080 px: about 20 pt on a phone held upright)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bottom: float = Field(default=0.10, ge=0, le=0.5)
    left: float = Field(default=0.06, ge=0, le=0.4)
    right: float = Field(default=0.06, ge=0, le=0.4)
    font_size: float = Field(default=0.055, gt=0.01, le=0.2)
