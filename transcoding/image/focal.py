"""Where a picture's subject is, when the producer has not said: the headline, else the most salient area.

Infographics and posters are text on a designed background, and what must survive every crop is the
headline: the largest lettering, usually near the top. Tesseract's word boxes (transcoding/image/ocr.py) find it:
the words whose height is close to the tallest word's, grouped into lines that sit close together; the
group with the most lettering (area) is the headline and its centre is the focal point. A picture with no
readable text falls back to a simple saliency map (colour distance from the picture's mean plus edge
strength, on a 96 px copy): its weighted centre.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageFilter, ImageOps

from transcoding.image.colour import flatten_on_white, to_working_mode
from transcoding.image.decode import apply_orientation, decode, exif_orientation, open_image, oriented_size
from transcoding.image.ocr import Word
from transcoding.types import FocalPoint

_MIN_CONFIDENCE = 40.0  # tesseract's confidence below which a "word" is usually a graphic read as letters
_HEADLINE_SHARE = 0.7  # words at least this share of the tallest word's height are headline lettering
_LINE_GAP = 1.6  # headline lines closer than this many headline heights belong to one headline
_SALIENCY_SIDE = 96


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def centre(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2

    def union(self, other: Box) -> Box:
        return Box(min(self.left, other.left), min(self.top, other.top), max(self.right, other.right),
                   max(self.bottom, other.bottom))


def _readable(word: Word) -> bool:
    return word.confidence >= _MIN_CONFIDENCE and sum(c.isalnum() for c in word.text) >= 2 and word.height > 0


def headline_box(words: Sequence[Word]) -> Box | None:
    """The box around the headline lettering, or None when nothing readable was found."""
    readable = [w for w in words if _readable(w)]
    if not readable:
        return None
    tallest = max(w.height for w in readable)
    big = sorted((w for w in readable if w.height >= _HEADLINE_SHARE * tallest), key=lambda w: w.top)
    groups: list[tuple[Box, float]] = []  # (box, lettering area)
    for w in big:
        box = Box(w.left, w.top, w.left + w.width, w.top + w.height)
        if groups and w.top - groups[-1][0].bottom <= _LINE_GAP * tallest:
            last, area = groups[-1]
            groups[-1] = (last.union(box), area + w.width * w.height)
        else:
            groups.append((box, w.width * w.height))
    # Most lettering wins; on a tie the higher group (sorted by top, max keeps the first).
    return max(groups, key=lambda g: g[1])[0]


def _small(path: Path) -> Image.Image:
    with open_image(path, max_pixels=200_000_000) as source:
        orientation = exif_orientation(source)
        w, h = oriented_size(source, orientation)
        scale = _SALIENCY_SIDE / max(w, h)
        image = to_working_mode(apply_orientation(decode(source, orientation, (w, h)), orientation))
    if image.mode in ("RGBA", "LA"):
        image = flatten_on_white(image)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return image.convert("RGB").resize(size, Image.Resampling.BOX)


def saliency_centre(picture: Image.Image) -> FocalPoint:
    """Weighted centre of (colour distance from the mean + edge strength)², on the picture as given."""
    rgb = picture.convert("RGB")
    raw = rgb.tobytes()
    n = rgb.width * rgb.height
    mean = [sum(raw[c::3]) / n for c in range(3)]
    distance = [abs(raw[i] - mean[0]) + abs(raw[i + 1] - mean[1]) + abs(raw[i + 2] - mean[2])
                for i in range(0, 3 * n, 3)]
    edges = ImageOps.grayscale(rgb).filter(ImageFilter.FIND_EDGES).tobytes()
    w, h = rgb.width, rgb.height
    # The edge filter lights up the picture's own border (it pads with zeros): those pixels do not count.
    weights = [0.0 if i % w in (0, w - 1) or i // w in (0, h - 1) else (d / 3 + e) ** 2
               for i, (d, e) in enumerate(zip(distance, edges, strict=True))]
    total = sum(weights)
    if total <= 0:
        return FocalPoint()
    x = sum(weight * ((i % w) + 0.5) for i, weight in enumerate(weights)) / total / w
    y = sum(weight * ((i // w) + 0.5) for i, weight in enumerate(weights)) / total / rgb.height
    return clamp(FocalPoint(x, y))


def clamp(focal: FocalPoint) -> FocalPoint:
    return FocalPoint(min(1.0, max(0.0, focal.x)), min(1.0, max(0.0, focal.y)))


def suggest_focal(path: Path, words: Sequence[Word], size: tuple[int, int]) -> FocalPoint:
    """The default focal point of the picture at `path` (`size`: its displayed size, the boxes' frame)."""
    box = headline_box(words)
    if box is not None and size[0] > 0 and size[1] > 0:
        cx, cy = box.centre
        return clamp(FocalPoint(cx / size[0], cy / size[1]))
    return saliency_centre(_small(path))
