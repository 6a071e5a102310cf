"""Opening untrusted images: format allow-list, pixel limit, decode errors mapped to BadMediaError.

Image.open only reads the header, so the pixel limit is enforced before any pixel memory is allocated.
"""

from __future__ import annotations

import io
import struct
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageCms, UnidentifiedImageError

from transcoding.image.png_check import check_png_complete
from transcoding.types import BadMediaError, ProcessingError

# Formats producers upload (MPO phone pictures open through the JPEG plugin); everything else (PSD, EPS,
# ICO, XPM, ...) is refused before any plugin parses it.
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "TIFF", "GIF", "BMP", "AVIF")
_ORIENTATION_TAG = 0x0112
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error, TypeError,
                  KeyError, IndexError, ZeroDivisionError)
# Image.MAX_IMAGE_PIXELS is process-global; the lock keeps one call's limit from leaking into another's.
_LIMIT_LOCK = threading.Lock()


@dataclass(frozen=True)
class ImageInfo:
    """What an upload is, read from its header. width/height are as displayed (EXIF orientation applied)."""

    format: str
    width: int
    height: int
    mode: str
    has_alpha: bool
    icc_description: str | None
    exif_orientation: int
    bit_depth: int
    frames: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@contextmanager
def _bomb_guard(max_pixels: int) -> Iterator[None]:
    """Pillow's decompression-bomb warning becomes an error, at this call's limit."""
    with _LIMIT_LOCK, warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        previous = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = max_pixels
        try:
            yield
        finally:
            Image.MAX_IMAGE_PIXELS = previous


@contextmanager
def _decoding(what: str) -> Iterator[None]:
    """Whatever a Pillow plugin raises on untrusted bytes (TypeError for a TIFF frame without dimensions,
    KeyError, IndexError, ...) is a permanent, named failure of the input, never a retried crash. Only
    running out of memory and a vanished file are not the input's fault."""
    try:
        yield
    except (MemoryError, FileNotFoundError, ProcessingError):
        raise
    except UnidentifiedImageError as exc:  # its message holds the file's path
        raise BadMediaError(f"{what}: not a readable image", code="corrupt_image") from exc
    except Exception as exc:  # noqa: BLE001 - see the docstring
        raise BadMediaError(f"{what}: {type(exc).__name__}: {exc}", code="corrupt_image") from exc


def _too_large(width: int, height: int, max_pixels: int) -> BadMediaError:
    return BadMediaError(
        f"image is {width}x{height} = {width * height} pixels, over the limit of {max_pixels}",
        code="image_too_large",
    )


def _reject_svg(path: Path) -> None:
    with path.open("rb") as fh:
        head = fh.read(1024).lstrip().lower()
    if head.startswith(b"<?xml") or b"<svg" in head:
        # Rasterising SVG needs a renderer that can fetch external resources; we accept raster uploads only.
        raise BadMediaError("SVG is not accepted; upload PNG or PDF instead", code="unsupported_format")


def open_image(path: Path, *, max_pixels: int) -> Image.Image:
    """Open (header only) an untrusted image; BadMediaError if it is not an allowed, sane raster image."""
    if not path.is_file():
        raise FileNotFoundError(path)
    _reject_svg(path)
    with _decoding("not a readable image"):
        try:
            with _bomb_guard(max_pixels):
                image = Image.open(path, formats=ALLOWED_FORMATS)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise BadMediaError(f"image is too large: {exc}", code="image_too_large") from exc
    if image.width * image.height > max_pixels:  # also when another thread changed the global limit
        image.close()
        raise _too_large(image.width, image.height, max_pixels)
    if image.width < 1 or image.height < 1:
        image.close()
        raise BadMediaError("image has no pixels", code="corrupt_image")
    return image


def exif_orientation(image: Image.Image) -> int:
    try:
        value = image.getexif().get(_ORIENTATION_TAG, 1)
    except _DECODE_ERRORS:  # a broken EXIF block must not sink an otherwise good picture
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def oriented_size(image: Image.Image, orientation: int) -> tuple[int, int]:
    return (image.height, image.width) if orientation >= 5 else (image.width, image.height)


def apply_orientation(image: Image.Image, orientation: int) -> Image.Image:
    method = _TRANSPOSE.get(orientation)
    return image.transpose(method) if method is not None else image


def decode(image: Image.Image, orientation: int, need: tuple[int, int]) -> Image.Image:
    """Decode the first frame. JPEG is decoded with DCT scaling to the smallest size still ≥ `need`
    (given as displayed size), which skips most of the decode work for screen-only renditions."""
    if image.format in ("JPEG", "MPO"):
        raw_need = (need[1], need[0]) if orientation >= 5 else need
        if raw_need[0] < image.width and raw_need[1] < image.height:
            image.draft(None, raw_need)
    with _decoding("image data is corrupt or truncated"):
        image.seek(0)
        image.load()
    filename = getattr(image, "filename", None)
    if image.format == "PNG" and isinstance(filename, str) and filename:
        check_png_complete(Path(filename))  # Pillow leaves missing rows black without a word
    return image


def icc_description(icc: bytes | None) -> str | None:
    if not icc:
        return None
    try:
        return ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc))).strip() or None
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return "(unreadable ICC profile)"


def _bit_depth(image: Image.Image, path: Path) -> int:
    if image.format == "PNG":
        with path.open("rb") as fh:
            header = fh.read(25)
        if len(header) == 25 and header[12:16] == b"IHDR":
            return header[24]  # IHDR bit depth per channel: 1, 2, 4, 8 or 16
    if image.format == "TIFF":
        bits = image.tag_v2.get(258)  # type: ignore[attr-defined]  # BitsPerSample
        if isinstance(bits, tuple) and bits:
            return int(bits[0])
        if isinstance(bits, int):
            return bits
    return {"1": 1, "I;16": 16, "I;16B": 16, "I;16L": 16, "I": 32, "F": 32}.get(image.mode, 8)


def has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def inspect_image(path: Path, *, max_pixels: int = 200_000_000) -> ImageInfo:
    """Read an image's header (no full decode). BadMediaError for anything unusable."""
    with open_image(path, max_pixels=max_pixels) as image, _decoding("unreadable image header"):
        orientation = exif_orientation(image)
        width, height = oriented_size(image, orientation)
        return ImageInfo(
            format=image.format or "unknown",
            width=width,
            height=height,
            mode=image.mode,
            has_alpha=has_alpha(image),
            icc_description=icc_description(image.info.get("icc_profile")),
            exif_orientation=orientation,
            bit_depth=_bit_depth(image, path),
            frames=int(getattr(image, "n_frames", 1)),
        )
