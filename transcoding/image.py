"""Image renditions: decode an upload once and derive every requested output from it.

The source is decoded a single time at the smallest size any output needs (JPEG DCT scaling via draft),
EXIF orientation applied, then a lazily built pyramid of 2× box reductions serves each output: an output
is resampled (Lanczos) from the smallest level still at least twice its size, so a 400 px thumbnail never
re-reads 24 megapixels. Outputs are produced from the largest level down and levels no longer needed are
released, which keeps peak memory near one decoded copy of the source.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from PIL import Image

from transcoding.image_colour import for_format, keeps_colour, to_srgb, to_working_mode
from transcoding.image_encode import EXTENSIONS, MEDIA_TYPES, write_image
from transcoding.image_geometry import Plan, blurred_pad, plan_for
from transcoding.image_open import (
    ImageInfo,
    apply_orientation,
    decode,
    exif_orientation,
    inspect_image,
    open_image,
    oriented_size,
)
from transcoding.image_rights import ImageRights
from transcoding.image_spec import ImageOutputSpec
from transcoding.types import BadMediaError, FocalPoint, ProgressFn, RenditionOutput, no_progress

__all__ = ["ImageInfo", "ImageRights", "inspect_image", "render_images"]

# Resample with Lanczos from at least this multiple of the output size (Pillow's own reducing_gap advice):
# below it the box-reduced pyramid level would show in the result.
_GAP = 2.0


class _Pyramid:
    """Level k is the decoded source box-reduced by 2**k; sRGB views are converted per level, on demand."""

    def __init__(self, base: Image.Image, source: tuple[int, int], icc: bytes | None) -> None:
        self.source = source
        self.base_size = base.size
        self.icc = icc
        self.mode = base.mode
        self._levels: dict[int, Image.Image] = {0: base}
        self._srgb: dict[int, Image.Image] = {}

    def _level_size(self, k: int) -> tuple[int, int]:
        f = 2**k
        return (-(-self.base_size[0] // f), -(-self.base_size[1] // f))

    def level_for(self, plan: Plan) -> int:
        crop_w, crop_h = plan.crop[2] - plan.crop[0], plan.crop[3] - plan.crop[1]
        k = 0
        while True:
            lw, lh = self._level_size(k + 1)
            fits = crop_w * lw / self.source[0] >= plan.size[0] * _GAP
            if not (fits and crop_h * lh / self.source[1] >= plan.size[1] * _GAP and min(lw, lh) > 1):
                return k
            k += 1

    def image(self, k: int, *, srgb: bool) -> Image.Image:
        if k not in self._levels:
            below = max(j for j in self._levels if j < k)
            self._levels[k] = self._levels[below].reduce(2 ** (k - below))
        if not srgb:
            return self._levels[k]
        if k not in self._srgb:
            converted = to_srgb(self._levels[k], self.icc)
            if converted is not self._levels[k]:
                converted.info = {}  # ImageCms records the sRGB profile there; screen outputs carry none
            self._srgb[k] = converted
        return self._srgb[k]

    def release_below(self, k: int) -> None:
        for cache in (self._levels, self._srgb):
            for j in [j for j in cache if j < k]:
                del cache[j]


def _decode_base(path: Path, plans_for: list[ImageOutputSpec], focal: FocalPoint, max_pixels: int) -> tuple[
    Image.Image, tuple[int, int], bytes | None, list[Plan]
]:
    with open_image(path, max_pixels=max_pixels) as source:
        orientation = exif_orientation(source)
        size = oriented_size(source, orientation)
        plans = [plan_for(size, spec, focal) for spec in plans_for]
        wanted = min(1.0, max(plan.scale for plan in plans) * _GAP)
        decoded = decode(source, orientation, (math.ceil(size[0] * wanted), math.ceil(size[1] * wanted)))
        icc = decoded.info.get("icc_profile") or None
        base = to_working_mode(apply_orientation(decoded, orientation))
    base.info = {}  # nothing from the source's metadata may leak into an output by Pillow's defaults
    return base, size, icc, plans


def _derive(pyramid: _Pyramid, level: int, plan: Plan, spec: ImageOutputSpec) -> tuple[Image.Image, bool]:
    keep = keeps_colour(pyramid.mode, spec.format, spec.colour)
    source = pyramid.image(level, srgb=not keep)
    fx, fy = source.width / pyramid.source[0], source.height / pyramid.source[1]
    box = (plan.crop[0] * fx, plan.crop[1] * fy, plan.crop[2] * fx, plan.crop[3] * fy)
    if plan.size == source.size and box == (0.0, 0.0, float(source.width), float(source.height)):
        picture = source
    else:
        picture = source.resize(plan.size, Image.Resampling.LANCZOS, box=box)
    if plan.canvas is not None:
        picture = blurred_pad(source, picture, plan.canvas)
    return for_format(picture, spec.format), keep


def _file_name(profile: str, spec: ImageOutputSpec) -> str:
    return f"{re.sub(r'[^A-Za-z0-9._-]+', '_', profile)}__{spec.variant}.{EXTENSIONS[spec.format]}"


def render_images(
    input_path: Path,
    targets: list[tuple[str, ImageOutputSpec]],
    out_dir: Path,
    *,
    focal: FocalPoint = FocalPoint(),
    max_pixels: int = 200_000_000,
    rights: ImageRights | None = None,
    progress: ProgressFn = no_progress,
) -> list[RenditionOutput]:
    """Render every (profile name, spec) target from one decode of `input_path` into `out_dir`.

    Outputs come back in the order of `targets`. BadMediaError for unreadable, hostile or oversized input.
    """
    if not targets:
        return []
    out_dir.mkdir(parents=True, exist_ok=True)
    base, size, icc, plans = _decode_base(input_path, [spec for _, spec in targets], focal, max_pixels)
    pyramid = _Pyramid(base, size, icc)
    del base
    levels = [pyramid.level_for(plan) for plan in plans]
    results: dict[int, RenditionOutput] = {}
    for done, index in enumerate(sorted(range(len(targets)), key=lambda i: levels[i]), start=1):
        profile, spec = targets[index]
        picture, keep = _derive(pyramid, levels[index], plans[index], spec)
        pyramid.release_below(levels[index])
        written = write_image(
            picture, spec, out_dir / _file_name(profile, spec), icc=icc if keep else None, rights=rights
        )
        if spec.max_bytes is not None and written.bytes > spec.max_bytes:
            message = f"{spec.variant} is {written.bytes} bytes, over {spec.max_bytes}"
            raise BadMediaError(message, code="cannot_fit_size")
        results[index] = RenditionOutput(
            path=written.path,
            profile=profile,
            variant=spec.variant,
            media_type=MEDIA_TYPES[spec.format],
            width=written.width,
            height=written.height,
            extra={"bytes": written.bytes, "quality": written.quality, "mode": picture.mode, "dpi": spec.dpi},
        )
        progress(done / len(targets))
    return [results[i] for i in range(len(targets))]
