"""Test media for the image, document and OCR processors, generated on the fly (never committed)."""

from __future__ import annotations

import os
import random
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from transcoding.fonts import font_path

RED, GREEN, BLUE, YELLOW = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0)
CMYK_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
PHRASE = "Đột phá phát triển giáo dục và đào tạo"


def require_or_skip(condition: bool, reason: str) -> None:
    """Skip when a tool is missing, unless KHO_TEST_REQUIRE_SERVICES=1 (CI), where it must fail."""
    if condition:
        return
    if os.environ.get("KHO_TEST_REQUIRE_SERVICES") == "1":
        pytest.fail(f"required for this run: {reason}")
    pytest.skip(reason)


def quadrants(size: tuple[int, int] = (300, 200)) -> Image.Image:
    """Red top-left, green top-right, blue bottom-left, yellow bottom-right: placement is easy to check."""
    w, h = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, w // 2 - 1, h // 2 - 1), fill=RED)
    draw.rectangle((w // 2, 0, w - 1, h // 2 - 1), fill=GREEN)
    draw.rectangle((0, h // 2, w // 2 - 1, h - 1), fill=BLUE)
    draw.rectangle((w // 2, h // 2, w - 1, h - 1), fill=YELLOW)
    return image


def noisy(size: tuple[int, int], seed: int = 1) -> Image.Image:
    """Hard-to-compress pixels (for size caps) with some structure (for blur checks)."""
    rng = random.Random(seed)
    image = Image.effect_noise(size, 60).convert("RGB")
    gradient = Image.linear_gradient("L").resize(size).convert("RGB")
    tint = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    return Image.blend(Image.blend(image, gradient, 0.5), tint, 0.3)


def near(actual: object, expected: tuple[int, ...], tolerance: int = 12) -> bool:
    assert isinstance(actual, tuple), actual
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=False))


def png_rgb16(path: Path, pixels: list[list[tuple[int, int, int]]]) -> None:
    """A 48-bit RGB PNG written by hand (Pillow cannot write one)."""
    height, width = len(pixels), len(pixels[0])
    raw = b"".join(b"\x00" + b"".join(struct.pack(">HHH", *px) for px in row) for row in pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )


def png_bomb(path: Path, width: int = 100_000, height: int = 100_000) -> None:
    """A tiny file declaring a huge grey image: opening it must not allocate anything."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def infographic(size: tuple[int, int] = (1200, 700), phrase: str = PHRASE) -> Image.Image:
    """A poster-like picture: coloured header band, the phrase in dark bold text, decorative shapes."""
    image = Image.new("RGB", size, (250, 246, 236))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, size[0], 110), fill=(0, 70, 140))
    draw.text(
        (40, 30), "NGHỊ QUYẾT 71-NQ/TW", font=ImageFont.truetype(str(font_path("bold")), 44), fill="white"
    )
    draw.text((40, 220), phrase, font=ImageFont.truetype(str(font_path("bold")), 46), fill=(30, 30, 30))
    draw.ellipse((size[0] - 260, size[1] - 260, size[0] - 40, size[1] - 40), fill=(230, 120, 40))
    body = ImageFont.truetype(str(font_path("regular")), 30)
    draw.text((40, 330), "Nâng cao chất lượng đội ngũ nhà giáo", font=body, fill=(60, 60, 60))
    return image
