"""Where people post, and the one file each channel should get (transcoding/channels.yaml): data, checked
at load against the platform profiles so a renamed output cannot silently recommend nothing."""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from transcoding.profiles import default_profiles

CHANNELS_FILE = Path(__file__).parent / "channels.yaml"


class Recommendation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    profile: str
    output: str
    purpose_vi: str = Field(min_length=1)
    purpose_en: str = Field(min_length=1)

    @field_validator("purpose_vi")
    @classmethod
    def _nfc(cls, value: str) -> str:
        return unicodedata.normalize("NFC", value)


class Channel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    label_vi: str
    label_en: str
    social: bool = False
    caption_limit: int | None = Field(default=None, gt=0)
    recommend: dict[str, list[Recommendation]] = Field(default_factory=dict)  # asset kind → preference order

    @field_validator("label_vi")
    @classmethod
    def _nfc(cls, value: str) -> str:
        return unicodedata.normalize("NFC", value)

    def label(self, lang: str) -> str:
        return self.label_vi if lang == "vi" else self.label_en


def _check(channels: list[Channel]) -> None:
    profiles = default_profiles()
    for channel in channels:
        for kind, choices in channel.recommend.items():
            for r in choices:
                profile = profiles.get(r.profile)
                names = {s.variant for m in ("video", "audio", "image", "document") for s in profile.sections(m)} \
                    if profile else set()
                if r.output not in names:
                    raise ValueError(f"channels.yaml: {channel.code}/{kind}: {r.profile} has no output {r.output}")


@cache
def channels() -> list[Channel]:
    data = yaml.safe_load(CHANNELS_FILE.read_text(encoding="utf-8"))
    loaded = [Channel.model_validate(entry) for entry in data]
    _check(loaded)
    return loaded
