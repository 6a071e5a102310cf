"""Files and helpers for tus tests."""

from __future__ import annotations

import base64
import io
import os

import httpx
from PIL import Image

TUS = {"Tus-Resumable": "1.0.0"}


def noisy_png(side: int = 360) -> bytes:
    """A PNG of random pixels: unique per call and barely compressible (~side²·3 bytes)."""
    img = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=1)
    return buf.getvalue()


def tus_metadata(pairs: dict[str, str]) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in pairs.items())


def head(url: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.head(url, headers={**headers, **TUS}, timeout=30)


def offset_of(url: str, headers: dict[str, str]) -> int:
    r = head(url, headers)
    assert r.status_code == 200, r.text
    return int(r.headers["upload-offset"])
