"""Small real files made on the fly for API tests."""

from __future__ import annotations

import io
import json
import os
from typing import Any

from PIL import Image


def png(seed: int | None = None, size: tuple[int, int] = (64, 48)) -> bytes:
    """A PNG whose pixels depend on `seed`, so each test uploads bytes nobody else uploaded."""
    seed = int.from_bytes(os.urandom(4), "big") if seed is None else seed
    img = Image.new("RGB", size, ((seed >> 16) & 255, (seed >> 8) & 255, seed & 255))
    img.putpixel((0, 0), (seed & 255, 0, 0))
    img.info["seed"] = seed
    buf = io.BytesIO()
    img.save(buf, "PNG", pnginfo=_text_chunk(str(seed)))
    return buf.getvalue()


def _text_chunk(text: str) -> Any:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("seed", text)
    return info


def meta(kind: str = "infographic", **extra: Any) -> str:
    base: dict[str, Any] = {"kind": kind, "title": "Infographic Nghị quyết 71 — đột phá giáo dục",
                            "summary": "Tóm tắt", "topics": ["y-nghia-quan-diem"], "audiences": ["nha-giao"]}
    base.update(extra)
    return json.dumps(base, ensure_ascii=False)


def multipart(meta_json: str, filename: str, content: bytes, *, meta_first: bool = True
              ) -> tuple[bytes, str]:
    """A hand-built multipart body (so tests control part order and exact bytes)."""
    boundary = "kho-test-boundary-7d3f"
    meta_part = (f'--{boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n'
                 f"{meta_json}\r\n").encode()
    file_part = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n").encode() + content + b"\r\n"
    parts = [meta_part, file_part] if meta_first else [file_part, meta_part]
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"
