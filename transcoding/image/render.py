"""Image renditions: decode an upload once and derive every requested output from it.

The source is decoded a single time at the smallest size any output needs (JPEG DCT scaling via draft),
EXIF orientation applied, then a lazily built pyramid of 2× box reductions serves each output: an output
is resampled (Lanczos) from the smallest level still at least twice its size, so a 400 px thumbnail never
re-reads 24 megapixels. Outputs are produced from the largest level down and levels no longer needed are
released, which keeps peak memory near one decoded copy of the source.

A print PDF at the source's size from an upright JPEG embeds the JPEG data itself (image/pdf.py): the
print shop gets the producer's exact pixels and the decode can stay small for the screen outputs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from transcoding.image.colour import for_format, is_srgb, keeps_colour, to_srgb, to_working_mode
from transcoding.image.decode import (
    ImageInfo,
    apply_orientation,
    decode,
    exif_orientation,
    inspect_image,
    open_image,
    oriented_size,
)
from transcoding.image.encode import EXTENSIONS, MEDIA_TYPES, write_image
from transcoding.image.geometry import Plan, blurred_pad, inside, plan_for
from transcoding.image.memory import release_freed_memory
from transcoding.image.pdf import clean_jpeg, write_jpeg_pdf
from transcoding.image.rights import ImageRights
from transcoding.image.spec import ImageOutputSpec
from transcoding.types import BadMediaError, FocalPoint, ProgressFn, RenditionOutput, no_progress

__all__ = ["ImageInfo", "ImageRights", "inspect_image", "render_images"]

# Resample with Lanczos from at least this multiple of the output size (Pillow's own reducing_gap advice):
# below it the box-reduced pyramid level would show in the result.
_GAP = 2.0
# JPEG DCT scaling is a proper low-pass (unlike a box reduction), so shrink-on-load may go closer to the
# output size, as libvips does; the margin keeps Lanczos the filter that decides the final pixels.
_DRAFT_GAP = 1.5
_JPEG_MODES = {1: "L", 3: "RGB", 4: "CMYK"}
_STRIP_PIXELS = 2_000_000  # per-strip intermediate of a large resize (8 MB in RGB)


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

    def keep_only_for(self, later: list[int]) -> None:
        """Release every level that no later output needs, directly or as the source of a level to build."""
        needed = {k if k in self._levels else max(j for j in self._levels if j < k) for k in later}
        for cache in (self._levels, self._srgb):
            for j in [j for j in cache if j not in needed]:
                del cache[j]


def _resample(
    source: Image.Image, size: tuple[int, int], box: tuple[float, float, float, float]
) -> Image.Image:
    """Lanczos resize in horizontal strips when the whole-image intermediate pass would be large.

    Pillow resizes horizontally over the box's full height first; for a 2480x10000 infographic that
    intermediate alone is 64 MB. Pillow samples outside a strip's box for the filter support, so the
    strips join without seams (identical to ±1 from rounding).
    """
    scale_y = (box[3] - box[1]) / size[1]
    if size[0] * (box[3] - box[1]) <= _STRIP_PIXELS * 2:
        return source.resize(size, Image.Resampling.LANCZOS, box=box)
    rows = max(16, int(_STRIP_PIXELS / (size[0] * scale_y)))
    result = Image.new(source.mode, size)
    for top in range(0, size[1], rows):
        bottom = min(size[1], top + rows)
        strip_box = (box[0], box[1] + top * scale_y, box[2], box[1] + bottom * scale_y)
        result.paste(
            source.resize((size[0], bottom - top), Image.Resampling.LANCZOS, box=strip_box), (0, top)
        )
    return result


def _embeddable(
    source: Image.Image, orientation: int, plan: Plan, spec: ImageOutputSpec, icc: bytes | None
) -> bool:
    """A print PDF at the source's own size from an upright JPEG needs neither decode nor re-encode."""
    return (
        spec.format == "pdf"
        and source.format == "JPEG"
        and orientation == 1
        and spec.max_bytes is None
        and plan.canvas is None
        and plan.size == source.size
        and plan.crop == (0.0, 0.0, float(source.width), float(source.height))
        and (spec.colour == "keep" or (source.mode in ("L", "RGB") and is_srgb(icc)))
    )


def _embed_pdf(
    path: Path,
    profile: str,
    spec: ImageOutputSpec,
    icc: bytes | None,
    rights: ImageRights | None,
    out_dir: Path,
) -> RenditionOutput | None:
    jpeg = clean_jpeg(path.read_bytes())
    if jpeg is None:
        return None
    target = out_dir / _file_name(profile, spec)
    size = write_jpeg_pdf(jpeg, target, dpi=spec.dpi or 72, icc=icc, rights=rights)
    return RenditionOutput(
        path=target,
        profile=profile,
        variant=spec.variant,
        media_type=MEDIA_TYPES["pdf"],
        width=jpeg.width,
        height=jpeg.height,
        extra={
            "bytes": size,
            "quality": None,
            "mode": _JPEG_MODES[jpeg.components],
            "dpi": spec.dpi,
            "embedded_jpeg": True,
        },
    )


def _decode_base(source: Image.Image, orientation: int, plans: list[Plan]) -> Image.Image:
    size = oriented_size(source, orientation)
    wanted = min(1.0, max(plan.scale for plan in plans) * _DRAFT_GAP)
    decoded = decode(source, orientation, (math.ceil(size[0] * wanted), math.ceil(size[1] * wanted)))
    base = to_working_mode(apply_orientation(decoded, orientation))
    base.info = {}  # nothing from the source's metadata may leak into an output by Pillow's defaults
    return base


def _derive(pyramid: _Pyramid, level: int, plan: Plan, keep: bool) -> Image.Image:
    source = pyramid.image(level, srgb=not keep)
    fx, fy = source.width / pyramid.source[0], source.height / pyramid.source[1]
    box = inside((plan.crop[0] * fx, plan.crop[1] * fy, plan.crop[2] * fx, plan.crop[3] * fy), source.size)
    if plan.size == source.size and box == (0.0, 0.0, float(source.width), float(source.height)):
        picture = source
    else:
        picture = _resample(source, plan.size, box)
    if plan.canvas is not None:
        picture = blurred_pad(source, picture, plan.canvas)
    return picture


def _order(level: int, plan: Plan, key: object, source: tuple[int, int]) -> tuple[int, int, int, str]:
    """Full-size outputs (the level itself) first, then the reduced levels, then what is resampled from
    the full-size level, smallest first: the last one is encoded after the full-size level is released."""
    identity = plan.canvas is None and plan.size == source and plan.crop[:2] == (0.0, 0.0)
    pixels = plan.size[0] * plan.size[1]
    return (0 if identity else 1, level if identity or level > 0 else 1 << 30, pixels, repr(key))


def _file_name(profile: str, spec: ImageOutputSpec) -> str:
    return f"{re.sub(r'[^A-Za-z0-9._-]+', '_', profile)}__{spec.variant}.{EXTENSIONS[spec.format]}"


def _render_decoded(
    pyramid: _Pyramid,
    jobs: list[tuple[int, str, ImageOutputSpec, Plan]],
    out_dir: Path,
    rights: ImageRights | None,
    tick: Callable[[int, RenditionOutput], None],
) -> None:
    """Outputs with the same geometry (webp-800 and jpeg-800) share one resampled picture, and levels are
    released before encoding as soon as no later output needs them. The largest picture resampled from
    the full-size level goes last, so the decoded source is gone before its (memory-hungry) encode."""
    levels = {index: pyramid.level_for(plan) for index, _, _, plan in jobs}
    keys = {
        index: (levels[index], keeps_colour(pyramid.mode, spec.format, spec.colour), plan)
        for index, _, spec, plan in jobs
    }
    ordered = sorted(jobs, key=lambda job: _order(levels[job[0]], job[3], keys[job[0]], pyramid.source))
    last: tuple[object, Image.Image] | None = None
    picture: Image.Image | None = None
    for position, (index, profile, spec, plan) in enumerate(ordered):
        key = keys[index]
        level, keep = levels[index], key[1]
        if last is None or last[0] != key:
            last = picture = None  # the previous picture is freed before the next one is resampled
            release_freed_memory()  # and the encoders' freed buffers go back to the system first
            last = (key, _derive(pyramid, level, plan, keep))
        picture = for_format(last[1], spec.format)
        pyramid.keep_only_for([levels[job[0]] for job in ordered[position + 1 :] if keys[job[0]] != key])
        written = write_image(
            picture,
            spec,
            out_dir / _file_name(profile, spec),
            icc=pyramid.icc if keep else None,
            rights=rights,
        )
        if spec.max_bytes is not None and written.bytes > spec.max_bytes:
            message = f"{spec.variant} is {written.bytes} bytes, over {spec.max_bytes}"
            raise BadMediaError(message, code="cannot_fit_size")
        extra = {"bytes": written.bytes, "quality": written.quality, "mode": picture.mode, "dpi": spec.dpi}
        tick(
            index,
            RenditionOutput(
                path=written.path,
                profile=profile,
                variant=spec.variant,
                media_type=MEDIA_TYPES[spec.format],
                width=written.width,
                height=written.height,
                extra=extra,
            ),
        )


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
    results: dict[int, RenditionOutput] = {}

    def tick(index: int, output: RenditionOutput) -> None:
        results[index] = output
        progress(len(results) / len(targets))

    options = _Options(focal, max_pixels, rights, out_dir)
    pyramid, jobs = _open_and_embed(input_path, targets, options, tick)
    if pyramid is not None:
        _render_decoded(pyramid, jobs, out_dir, rights, tick)
    return [results[i] for i in range(len(targets))]


@dataclass(frozen=True)
class _Options:
    focal: FocalPoint
    max_pixels: int
    rights: ImageRights | None
    out_dir: Path


def _open_and_embed(
    path: Path,
    targets: list[tuple[str, ImageOutputSpec]],
    options: _Options,
    tick: Callable[[int, RenditionOutput], None],
) -> tuple[_Pyramid | None, list[tuple[int, str, ImageOutputSpec, Plan]]]:
    """Open, write the print PDFs that embed the JPEG, and decode once for the rest. A function of its own
    so that the opened image (which shares the decoded pixels) is gone when the pyramid releases them."""
    done: set[int] = set()
    with open_image(path, max_pixels=options.max_pixels) as source:
        orientation = exif_orientation(source)
        size = oriented_size(source, orientation)
        icc = source.info.get("icc_profile") or None
        plans = [plan_for(size, spec, options.focal) for _, spec in targets]
        for index, (profile, spec) in enumerate(targets):
            if _embeddable(source, orientation, plans[index], spec, icc):
                embedded = _embed_pdf(path, profile, spec, icc, options.rights, options.out_dir)
                if embedded is not None:
                    tick(index, embedded)
                    done.add(index)
        jobs = [(i, *targets[i], plans[i]) for i in range(len(targets)) if i not in done]
        if not jobs:
            return None, []
        return _Pyramid(_decode_base(source, orientation, [job[3] for job in jobs]), size, icc), jobs
