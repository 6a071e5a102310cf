"""What a video output of a platform profile asks for (the `video:` section of a profile YAML entry).

Geometry: `fit: contain` scales into the width×height box keeping the aspect ratio (the output takes the
scaled size); `cover` fills the box exactly, cropping around the producer's focal point; `pad` fills the
box exactly with the whole picture over a blurred (or black) copy of itself. Without `upscale` the output
never has more pixels than the source offers (a fixed-aspect box shrinks instead).
HLS rungs are named by their short side (720 = 1280×720 landscape, 720×1280 portrait).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from transcoding.audio.spec import LoudnessTarget
from transcoding.video.captions_spec import CaptionBurn

Preset = Literal["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower"]


class HlsRung(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    height: int = Field(gt=0, le=4320)  # short side of the picture
    maxrate_kbps: int = Field(gt=0, le=100_000)


class VideoOutputSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    variant: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    required: bool = False  # publication waits for this output (see service/publication)
    # What the output is, for people choosing a download (e.g. centre crop vs blurred fill).
    label_vi: str | None = Field(default=None, max_length=200)
    label_en: str | None = Field(default=None, max_length=200)
    output: Literal["mp4", "hls", "poster", "sprite"] = "mp4"
    width: int | None = Field(default=None, gt=0, le=7680)
    height: int | None = Field(default=None, gt=0, le=7680)
    fit: Literal["contain", "cover", "pad"] = "contain"
    pad_style: Literal["blur", "black"] = "blur"
    upscale: bool = False
    ladder: list[HlsRung] = Field(default_factory=list)  # hls only
    segment_seconds: float = Field(default=4.0, gt=0, le=30)  # hls only; a multiple of keyframe_seconds
    # Encoder settings. Two outputs whose geometry and settings agree share one encode.
    h264_profile: Literal["baseline", "main", "high"] = "high"
    h264_level: str | None = Field(default=None, pattern=r"^[1-6](\.[0-2])?$")
    preset: Preset = "veryfast"
    crf: int | None = Field(default=23, ge=0, le=51)
    maxrate_kbps: int | None = Field(default=None, gt=0, le=100_000)  # VBV cap with crf
    bitrate_kbps: int | None = Field(default=None, gt=0, le=100_000)  # constant bitrate (broadcast), no crf
    fps: float | None = Field(default=None, gt=0, le=120)  # None keeps the source rate (up to max_fps)
    max_fps: float = Field(default=60, gt=0, le=120)
    keyframe_seconds: float = Field(default=2.0, gt=0, le=10)
    audio: bool = True
    audio_bitrate_kbps: int = Field(default=128, ge=32, le=512)
    audio_sample_rate: Literal[44100, 48000] = 48000
    audio_channels: Literal[1, 2] = 2
    loudness: LoudnessTarget | None = None
    max_bytes: int | None = Field(default=None, gt=0)  # size ceiling: the bitrate is fitted to the duration
    quick: bool = True  # remux instead of re-encoding when the source already conforms
    faststart: bool = True
    burn_captions: CaptionBurn | None = None  # mp4 only: draw the asset-language captions into the picture
    # poster / sprite
    at_fraction: float = Field(default=0.1, ge=0, le=1)  # poster frame position
    jpeg_quality: int = Field(default=85, ge=1, le=100)
    sprite_columns: int = Field(default=10, ge=1, le=50)
    sprite_interval_seconds: float = Field(default=2.0, gt=0, le=600)
    sprite_max_tiles: int = Field(default=100, ge=1, le=2500)

    @model_validator(mode="before")
    @classmethod
    def _bitrate_replaces_crf(cls, data: object) -> object:
        # A constant-bitrate output (broadcast) need not also write `crf: null`.
        if isinstance(data, dict) and data.get("bitrate_kbps") is not None and "crf" not in data:
            return {**data, "crf": None}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> VideoOutputSpec:
        if self.output == "hls":
            if not self.ladder:
                raise ValueError("an hls output needs a non-empty ladder")
            ratio = self.segment_seconds / self.keyframe_seconds
            if abs(ratio - round(ratio)) > 1e-6:
                raise ValueError("segment_seconds must be a multiple of keyframe_seconds")
        elif self.ladder:
            raise ValueError("ladder is only allowed on hls outputs")
        if self.output == "mp4" and self.width is None and self.height is None:
            raise ValueError("an mp4 output needs width or height")
        if self.fit != "contain" and (self.width is None or self.height is None):
            raise ValueError(f"fit: {self.fit} needs both width and height")
        if self.output in ("mp4", "hls") and (self.crf is None) == (self.bitrate_kbps is None):
            raise ValueError("set exactly one of crf and bitrate_kbps")
        return self
