"""Rendition names state what was delivered, not what the profile wished for.

A profile names its outputs after their target ("1080p", "1080x1920", "webp-1600"), but "never upscale"
delivers less from a small source: a 720p upload's "1080p" is 1280×720. Each output's variant is rewritten
from its measured size; the profile's own name stays in `extra["spec"]` (what the web and the publication
rules look outputs up by). Two outputs that end up identical in name (webp-1600 and webp-800 from a
700 px source) are one file: the second is dropped and listed in the first's `extra["same_as"]`.
"""

from __future__ import annotations

import re

from transcoding.types import RenditionOutput

_BOX = re.compile(r"(?<![0-9])\d{3,}x\d{3,}(?![0-9])")  # 1080x1920 (not the ratio 16x9)
_LINES = re.compile(r"(?<![0-9x])\d{3,}p(?![a-z])")  # 720p, 1080p25
_WIDTH = re.compile(r"^([a-z]+)-\d{2,}$")  # webp-1600, thumb-320
_MEASURED = ("video/", "image/")


def truthful_variant(variant: str, width: int, height: int) -> str:
    """`variant` with its dimension tokens replaced by the real `width`×`height`."""
    named = _BOX.sub(f"{width}x{height}", variant)
    named = _LINES.sub(f"{min(width, height)}p", named)
    return _WIDTH.sub(lambda m: f"{m.group(1)}-{width}", named)


def spec_of(out: RenditionOutput) -> str:
    return str(out.extra.get("spec") or out.variant)


def label_outputs(outputs: list[RenditionOutput]) -> list[RenditionOutput]:
    """Rename measured outputs (video files, images) after their real size; drop exact duplicates."""
    kept: dict[tuple[str, str], RenditionOutput] = {}
    for out in outputs:
        out.extra.setdefault("spec", out.variant)
        if out.width and out.height and out.media_type.startswith(_MEASURED):
            named = truthful_variant(out.variant, out.width, out.height)
            if named != out.variant:
                _rename(out, named)
        first = kept.get((out.profile, out.variant))
        if first is not None:
            first.extra.setdefault("same_as", []).append(spec_of(out))
            continue
        kept[(out.profile, out.variant)] = out
    return list(kept.values())


def _rename(out: RenditionOutput, variant: str) -> None:
    """New variant name, and the file renamed to match (a single-file output is named after its variant)."""
    files = out.extra.get("files")
    if out.variant in out.path.name and (not isinstance(files, list) or len(files) == 1):
        head, _, tail = out.path.name.rpartition(out.variant)
        target = out.path.with_name(head + variant + tail)
        out.path.rename(target)
        if isinstance(files, list):
            folder, _, name = str(files[0]).rpartition("/")
            files[0] = (folder + "/" if folder else "") + target.name
        out.path = target
    out.variant = variant
