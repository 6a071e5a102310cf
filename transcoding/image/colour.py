"""Pixel formats and colour: one working mode per source, sRGB for screens, CMYK kept for print."""

from __future__ import annotations

import io
from functools import cache

from PIL import Image, ImageCms

# Modes the renderer works in after decoding; everything else is converted once, right after decode.
WORKING_MODES = ("L", "LA", "RGB", "RGBA", "CMYK")
# Which working modes each output format can store without conversion.
_FORMAT_MODES = {
    "jpeg": ("L", "RGB", "CMYK"),
    "pdf": ("L", "RGB", "CMYK"),
    "webp": ("RGB", "RGBA"),
    "png": ("L", "LA", "RGB", "RGBA"),
    "tiff": ("L", "LA", "RGB", "RGBA", "CMYK"),
}


@cache
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def to_working_mode(image: Image.Image) -> Image.Image:
    """16-bit and float greys are scaled (Pillow's convert would clip them); palettes become RGB(A)."""
    mode = image.mode
    if mode in WORKING_MODES:
        return image
    if mode.startswith("I;16") or mode in ("I", "F"):
        top = 65535.0 if mode.startswith("I;16") else _highest(image)
        return image.point(lambda v: v * (255 / top)).convert("L")
    if mode in ("P", "PA"):
        return image.convert("RGBA" if mode == "PA" or "transparency" in image.info else "RGB")
    if mode == "La":
        return image.convert("LA")
    if mode == "RGBa":
        return image.convert("RGBA")
    if mode == "LAB":
        lab = ImageCms.createProfile("LAB")
        return ImageCms.profileToProfile(image, lab, _srgb(), outputMode="RGB") or image
    if mode == "1":
        return image.convert("L")
    return image.convert("RGB")  # YCbCr, HSV, RGBX


def _highest(image: Image.Image) -> float:
    extrema = image.getextrema()
    high = extrema[1] if isinstance(extrema, tuple) else extrema
    return max(1.0, float(high)) if isinstance(high, int | float) else 1.0


def _profile(icc: bytes) -> ImageCms.ImageCmsProfile | None:
    try:
        return ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None  # a broken profile is ignored: the pixels are then read as sRGB / naive CMYK


def is_srgb(icc: bytes | None) -> bool:
    if not icc:
        return True
    profile = _profile(icc)
    if profile is None:
        return True
    description = ImageCms.getProfileDescription(profile).lower()
    return "srgb" in description or "iec61966" in description


def to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Convert to sRGB for screens. CMYK without a profile uses Pillow's plain conversion, as browsers do."""
    profile = _profile(icc) if icc else None
    if image.mode == "CMYK":
        if profile is None:
            return image.convert("RGB")
        return ImageCms.profileToProfile(image, profile, _srgb(), outputMode="RGB") or image
    if profile is None or image.mode not in ("RGB", "RGBA") or is_srgb(icc):
        return image  # greys with a gray profile differ from sRGB grey only by a gamma shade: kept as is
    return ImageCms.profileToProfile(image, profile, _srgb(), outputMode=image.mode) or image


def keeps_colour(mode: str, fmt: str, colour: str) -> bool:
    """colour="keep" is honoured where the format can hold the source's colour space (CMYK: JPEG/TIFF/PDF)."""
    return colour == "keep" and (mode != "CMYK" or "CMYK" in _FORMAT_MODES[fmt])


def for_format(image: Image.Image, fmt: str) -> Image.Image:
    """Convert a working-mode image to a mode the format stores; alpha is flattened on white if needed."""
    if image.mode in _FORMAT_MODES[fmt]:
        return image
    if image.mode in ("RGBA", "LA") and fmt in ("jpeg", "pdf"):
        return flatten_on_white(image)
    if image.mode == "L":
        return image.convert("RGB")
    if image.mode == "LA":
        return image.convert("RGBA")
    return image.convert("RGB")


def flatten_on_white(image: Image.Image) -> Image.Image:
    opaque_mode = "L" if image.mode == "LA" else "RGB"
    background = Image.new(opaque_mode, image.size, 255 if opaque_mode == "L" else (255, 255, 255))
    background.paste(image.convert(opaque_mode), mask=image.getchannel("A"))
    return background
