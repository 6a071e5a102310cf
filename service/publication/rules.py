"""Which renditions an asset needs before it is published: data in the profile YAML (`required: true` on
an output), chosen by the asset's kind and the medium its file is processed as. Pure: no database."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from transcoding.pipeline import SECTIONS, media_of
from transcoding.profiles import Profile, default_profiles


def required_outputs(kind: str, media_type: str, profiles: dict[str, Profile] | None = None
                     ) -> set[tuple[str, str]]:
    """(profile, output variant as named in the profile) pairs that must exist."""
    sections = SECTIONS.get(media_of(kind, media_type), ())
    pool = default_profiles() if profiles is None else profiles
    return {(p.name, spec.variant) for p in pool.values() if kind in p.kinds
            for section in sections for spec in p.sections(section) if spec.required}


def made_outputs(rows: Iterable[tuple[str, str, dict[str, Any]]]) -> set[tuple[str, str]]:
    """(profile, output variant) pairs a version's renditions stand for, from (profile, variant, extra).
    A rendition renamed after its real size keeps its profile name in extra["spec"]; one file standing
    for several outputs (the same size from a small source) lists the others in extra["same_as"]."""
    made: set[tuple[str, str]] = set()
    for profile, variant, extra in rows:
        made.add((profile, str(extra.get("spec") or variant)))
        same = extra.get("same_as")
        if isinstance(same, list):
            made.update((profile, str(s)) for s in same)
    return made


def missing(required: set[tuple[str, str]], made: set[tuple[str, str]]) -> list[str]:
    return sorted(f"{profile}/{variant}" for profile, variant in required - made)
