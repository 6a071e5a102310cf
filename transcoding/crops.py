"""Which outputs of the platform profiles are cut around the focal point (`fit: cover` with a fixed box).

These are the outputs a producer previews while choosing the focal point, and the only ones re-rendered
when it moves: contained and padded outputs show the whole picture whatever the point.
"""

from __future__ import annotations

from dataclasses import dataclass

from transcoding.profiles import Profile, default_profiles

MEDIA_OF_KIND = {"infographic": "image", "poster": "image", "video": "video"}


@dataclass(frozen=True)
class CoverOutput:
    profile: str
    spec: str  # the output's name in the profile (renditions keep it in extra["spec"])
    channel: str
    label_vi: str
    label_en: str
    width: int
    height: int


def cover_outputs(kind: str, profiles: dict[str, Profile] | None = None) -> list[CoverOutput]:
    """Every focal-point crop an asset of `kind` gets, in profile order."""
    media = MEDIA_OF_KIND.get(kind)
    if media is None:
        return []
    out = []
    for profile in (profiles or default_profiles()).values():
        if kind not in profile.kinds:
            continue
        for spec in profile.sections(media):
            width, height = getattr(spec, "width", None), getattr(spec, "height", None)
            if getattr(spec, "fit", None) == "cover" and width and height:
                out.append(CoverOutput(profile.name, spec.variant, profile.channel, profile.label_vi,
                                       profile.label_en, int(width), int(height)))
    return out


def focal_profiles(kind: str) -> list[str]:
    """The profiles to re-render when the focal point of an asset of `kind` moves."""
    return sorted({c.profile for c in cover_outputs(kind)})
