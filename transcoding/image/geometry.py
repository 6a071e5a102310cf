"""Where each rendition's pixels come from: crop box in the source, output size, pad canvas.

All boxes are in displayed source pixels (orientation applied). "Never upscale" keeps the requested aspect
ratio but shrinks the whole output so that no output pixel is denser than the source.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageEnhance, ImageFilter

from transcoding.image.spec import ImageOutputSpec
from transcoding.types import FocalPoint


@dataclass(frozen=True)
class Plan:
    crop: tuple[float, float, float, float]  # left, top, right, bottom in source pixels
    size: tuple[int, int]  # what the crop is resized to
    canvas: tuple[int, int] | None = None  # pad: final size, `size` centred on a blurred copy

    @property
    def scale(self) -> float:
        """Output pixels per source pixel (≤ 1 unless upscaling)."""
        return max(self.size[0] / (self.crop[2] - self.crop[0]), self.size[1] / (self.crop[3] - self.crop[1]))


def _px(value: float) -> int:
    return max(1, round(value))


Box = tuple[float, float, float, float]


def inside(box: Box, size: tuple[int, int]) -> Box:
    """`box` clamped to a `size` image. Float arithmetic (409 / (111 / 409) = 409.00000000000006) can push a
    box a hair outside the picture, which Pillow refuses ("box offset can't be negative")."""
    w, h = float(size[0]), float(size[1])
    left, top = min(max(box[0], 0.0), w), min(max(box[1], 0.0), h)
    return (left, top, max(left, min(box[2], w)), max(top, min(box[3], h)))


def cover_box(source: tuple[int, int], aspect: tuple[float, float], focal: FocalPoint = FocalPoint()) -> Box:
    """The largest box of the `aspect` (width, height) ratio inside `source`, centred on the focal point as
    far as the edges allow. Always inside the picture, never empty."""
    sw, sh = source
    scale = max(aspect[0] / sw, aspect[1] / sh)
    crop_w, crop_h = min(aspect[0] / scale, float(sw)), min(aspect[1] / scale, float(sh))
    left = min(max(focal.x * sw - crop_w / 2, 0.0), sw - crop_w)
    top = min(max(focal.y * sh - crop_h / 2, 0.0), sh - crop_h)
    return inside((left, top, left + crop_w, top + crop_h), source)


def plan_for(source: tuple[int, int], spec: ImageOutputSpec, focal: FocalPoint) -> Plan:
    sw, sh = source
    full = (0.0, 0.0, float(sw), float(sh))
    limit = float("inf") if spec.upscale else 1.0
    if spec.width is None and spec.height is None:
        return Plan(full, (sw, sh))
    if spec.width is None or spec.height is None:
        scale = min(spec.width / sw if spec.width else spec.height / sh if spec.height else 1.0, limit)
        return Plan(full, (_px(sw * scale), _px(sh * scale)))
    bw, bh = spec.width, spec.height
    if spec.fit == "cover":
        scale = max(bw / sw, bh / sh)
        shrink = min(1.0, limit / scale)
        return Plan(cover_box(source, (bw, bh), focal), (_px(bw * shrink), _px(bh * shrink)))
    scale = min(bw / sw, bh / sh)
    shrink = min(1.0, limit / scale)
    size = (min(_px(sw * scale * shrink), bw), min(_px(sh * scale * shrink), bh))
    if spec.fit == "pad":
        return Plan(full, size, canvas=(_px(bw * shrink), _px(bh * shrink)))
    return Plan(full, size)


def blurred_pad(source: Image.Image, foreground: Image.Image, canvas: tuple[int, int]) -> Image.Image:
    """The foreground centred on a blurred, enlarged, slightly darkened copy of the whole picture.

    The background is cover-fitted at 1/8 size, blurred there (cheap) and enlarged: it is meant to be soft.
    """
    cw, ch = canvas
    small = (max(1, cw // 8), max(1, ch // 8))
    mode = "RGB" if source.mode in ("RGBA", "LA", "RGB", "L") else source.mode
    background = source.resize(small, Image.Resampling.BOX, box=cover_box(source.size, small))
    if background.mode in ("RGBA", "LA"):
        background = background.convert("RGBA")
        backdrop = Image.new("RGBA", background.size, (255, 255, 255, 255))
        background = Image.alpha_composite(backdrop, background)
    background = background.convert(mode).filter(ImageFilter.GaussianBlur(max(2.0, max(small) / 24)))
    if mode != "CMYK":  # Brightness blends towards a zero image, which in CMYK is white
        background = ImageEnhance.Brightness(background).enhance(0.8)
    background = background.resize(canvas, Image.Resampling.BICUBIC)
    offset = ((cw - foreground.width) // 2, (ch - foreground.height) // 2)
    if foreground.mode in ("RGBA", "LA"):
        background.paste(foreground.convert(mode), offset, mask=foreground.getchannel("A"))
    else:
        background.paste(foreground.convert(mode), offset)
    return background
