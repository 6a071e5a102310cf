"""Platform profiles as data: one YAML file per profile under `transcoding/profiles/`.

Adding a profile needs no code: drop a validated YAML file in the folder. A bad file stops start-up with a
`ProfileError` that names the file and the field. An output marked `required: true` must exist before an
asset of one of the profile's kinds is published (service/publication): approval waits for it, and its
failure blocks publication.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from transcoding.audio.spec import AudioOutputSpec
from transcoding.document.spec import DocumentOutputSpec
from transcoding.image.spec import ImageOutputSpec
from transcoding.video.spec import VideoOutputSpec

PROFILE_DIR = Path(__file__).parent / "profiles"

AssetKind = Literal["infographic", "video", "podcast", "qa_set", "poster", "document"]
Media = Literal["video", "audio", "image", "document"]
MEDIA: tuple[Media, ...] = ("video", "audio", "image", "document")
OutputSpec = VideoOutputSpec | AudioOutputSpec | ImageOutputSpec | DocumentOutputSpec


class ProfileError(Exception):
    """A profile file is unreadable or invalid; `path` and `field` say where."""

    def __init__(self, path: Path, field: str, problem: str) -> None:
        super().__init__(
            f"profile file {path.name}: {field}: {problem}" if field else f"{path.name}: {problem}"
        )
        self.path = path
        self.field = field
        self.problem = problem


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)
    channel: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)  # channel vocabulary code
    label_vi: str = Field(min_length=1, max_length=200)
    label_en: str = Field(min_length=1, max_length=200)
    description_vi: str = ""
    kinds: list[AssetKind] = Field(min_length=1)
    # Kinds without sound whose producer-written audio description is read aloud into this profile's audio
    # outputs (an infographic's podcast and loudspeaker versions); only where a description is written.
    described_kinds: list[AssetKind] = Field(default_factory=list)
    video: list[VideoOutputSpec] = Field(default_factory=list)
    audio: list[AudioOutputSpec] = Field(default_factory=list)
    image: list[ImageOutputSpec] = Field(default_factory=list)
    document: list[DocumentOutputSpec] = Field(default_factory=list)

    @field_validator("label_vi", "description_vi")
    @classmethod
    def _nfc(cls, value: str) -> str:
        return unicodedata.normalize("NFC", value)

    @model_validator(mode="after")
    def _sections(self) -> Profile:
        if not any(self.sections(m) for m in MEDIA):
            raise ValueError("a profile needs at least one video, audio, image or document output")
        if self.described_kinds and not self.audio:
            raise ValueError("described_kinds needs audio outputs to read the description into")
        for media in MEDIA:
            variants = [spec.variant for spec in self.sections(media)]
            if len(variants) != len(set(variants)):
                raise ValueError(f"{media}: variant names must be unique")
        return self

    def sections(self, media: str) -> list[OutputSpec]:
        return list(getattr(self, media)) if media in MEDIA else []


def _load_file(path: Path) -> Profile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ProfileError(path, "", f"cannot read YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ProfileError(path, "", "the file must hold one mapping (a single profile)")
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(profile)"
        raise ProfileError(path, field, first["msg"]) from exc
    if profile.name != path.stem:
        raise ProfileError(path, "name", f"must match the file name ({path.stem!r}), got {profile.name!r}")
    return profile


def load_profiles(directory: Path | None = None) -> dict[str, Profile]:
    """Validate every `*.yaml` file in `directory` (default: the bundled profiles), keyed by name."""
    folder = directory or PROFILE_DIR
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise ProfileError(folder, "", "no profile files (*.yaml) found")
    return {p.name: p for p in (_load_file(f) for f in files)}


@cache
def default_profiles() -> dict[str, Profile]:
    return load_profiles()


def profiles_for(kind: str, media: str, profiles: dict[str, Profile] | None = None) -> list[Profile]:
    """Profiles for an asset kind that have outputs for one medium: video, audio, image or document."""
    pool = default_profiles() if profiles is None else profiles
    return [p for p in pool.values() if kind in p.kinds and p.sections(media)]


def described_profile_names(kind: str) -> list[str]:
    """The profiles that read a `kind`'s audio description aloud (none for kinds that have sound)."""
    return sorted(p.name for p in default_profiles().values() if kind in p.described_kinds)
