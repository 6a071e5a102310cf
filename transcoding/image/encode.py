"""Writing one image rendition: format options, rights metadata, and the size cap (e.g. Zalo OA ≤ 1 MB)."""

from __future__ import annotations

import io
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, PngImagePlugin

from transcoding.image.rights import ImageRights
from transcoding.image.spec import ImageOutputSpec
from transcoding.types import BadMediaError

EXTENSIONS = {"jpeg": "jpg", "webp": "webp", "png": "png", "pdf": "pdf", "tiff": "tif"}
MEDIA_TYPES = {
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "png": "image/png",
    "pdf": "application/pdf",
    "tiff": "image/tiff",
}
_PIL_FORMATS = {"jpeg": "JPEG", "webp": "WEBP", "png": "PNG", "pdf": "PDF", "tiff": "TIFF"}
_LOSSY = ("jpeg", "webp", "pdf")
_QUALITY_STEP = 10
_QUALITY_FLOOR = 50  # below this, text on infographics smears; shrinking reads better
_MIN_SIDE = 16
_XMP_TAG, _ARTIST_TAG, _COPYRIGHT_TAG = 700, 315, 33432


@dataclass(frozen=True)
class Written:
    path: Path
    width: int
    height: int
    quality: int
    bytes: int


def _metadata_kwargs(fmt: str, rights: ImageRights | None) -> dict[str, Any]:
    if rights is None or rights.is_empty():
        return {}
    if fmt == "pdf":  # Pillow cannot embed XMP in a PDF; the document info dictionary carries the rights
        return {"author": rights.credit or "", "subject": rights.copyright_notice or ""}
    xmp = rights.xmp()
    if fmt == "png":
        info = PngImagePlugin.PngInfo()
        info.add_itxt("XML:com.adobe.xmp", xmp.decode("utf-8"))
        return {"pnginfo": info, "exif": rights.exif() or None}
    if fmt == "tiff":
        tags: dict[int, Any] = {_XMP_TAG: xmp}
        if rights.credit:
            tags[_ARTIST_TAG] = rights.credit.encode("utf-8")
        if rights.copyright_notice:
            tags[_COPYRIGHT_TAG] = rights.copyright_notice.encode("utf-8")
        return {"tiffinfo": tags}
    return {"xmp": xmp, "exif": rights.exif()}


def save_kwargs(
    spec: ImageOutputSpec, quality: int, icc: bytes | None, rights: ImageRights | None
) -> dict[str, Any]:
    """Everything passed to Image.save; `icc_profile` is always set so Pillow never falls back to im.info."""
    kwargs: dict[str, Any] = {"icc_profile": icc or b""}  # b"": PNG/TIFF would otherwise copy im.info's
    if spec.format == "jpeg":
        kwargs.update(quality=quality, optimize=True, progressive=True)
    elif spec.format == "webp":
        kwargs.update(quality=quality, method=4)
    elif spec.format == "png":
        kwargs.update(compress_level=6)
    elif spec.format == "tiff":
        kwargs.update(compression="tiff_adobe_deflate")
    elif spec.format == "pdf":
        kwargs.update(quality=quality, resolution=float(spec.dpi or 72))
    if spec.dpi and spec.format != "pdf":
        kwargs["dpi"] = (spec.dpi, spec.dpi)
    kwargs.update(_metadata_kwargs(spec.format, rights))
    return {k: v for k, v in kwargs.items() if v is not None}


def _save(image: Image.Image, target: Any, spec: ImageOutputSpec, quality: int, **meta: Any) -> None:
    image.save(target, format=_PIL_FORMATS[spec.format], **save_kwargs(spec, quality, **meta))


def write_image(
    image: Image.Image, spec: ImageOutputSpec, path: Path, *, icc: bytes | None, rights: ImageRights | None
) -> Written:
    """Encode to `path` atomically (temporary name, then rename), honouring spec.max_bytes."""
    partial = path.with_name(path.name + ".part")
    quality = spec.quality
    try:
        if spec.max_bytes is None:
            _save(image, partial, spec, quality, icc=icc, rights=rights)
        else:
            image, quality, data = _fit_bytes(image, spec, icc=icc, rights=rights)
            partial.write_bytes(data)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return Written(path, image.width, image.height, quality, path.stat().st_size)


def _fit_bytes(
    image: Image.Image, spec: ImageOutputSpec, *, icc: bytes | None, rights: ImageRights | None
) -> tuple[Image.Image, int, bytes]:
    """Lower the quality step by step, then shrink, until the encoded file fits spec.max_bytes."""
    assert spec.max_bytes is not None
    quality = spec.quality
    while True:
        buffer = io.BytesIO()
        _save(image, buffer, spec, quality, icc=icc, rights=rights)
        size = buffer.tell()
        if size <= spec.max_bytes:
            return image, quality, buffer.getvalue()
        if spec.format in _LOSSY and quality > _QUALITY_FLOOR:
            quality = max(_QUALITY_FLOOR, quality - _QUALITY_STEP)
            continue
        if min(image.size) <= _MIN_SIDE:
            raise BadMediaError(
                f"cannot encode {spec.variant} under {spec.max_bytes} bytes", code="cannot_fit_size"
            )
        # Bytes grow roughly with pixel count: aim just under the cap, but never shrink by more than half.
        factor = min(0.95, max(0.5, math.sqrt(spec.max_bytes / size) * 0.97))
        new_size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
        image = image.resize(new_size, Image.Resampling.LANCZOS)
