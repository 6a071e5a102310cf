"""Pure rules of client input: file names, JSON depth, echo clipping, public job errors, PNG completeness."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from service.core.errors import KhoError, clip
from service.inputs.jsontext import MAX_DEPTH, loads
from service.inputs.text import client_filename, find_control
from service.jobs.public import public_error
from tests.corpus.hostile import HOSTILE_FILENAMES, deep_array, png_short_image_data
from transcoding.image.png_check import check_png_complete
from transcoding.types import BadMediaError


@pytest.mark.parametrize(("raw", "expected"), [
    ("Nghị quyết 71.pdf", "Nghị quyết 71.pdf"),
    (HOSTILE_FILENAMES["parent-traversal"], "passwd.png"),
    (HOSTILE_FILENAMES["windows-traversal"], "ảnh.png"),
    (HOSTILE_FILENAMES["header-injection"], "ảnh.png__X-Injected_ 1"),
    (HOSTILE_FILENAMES["nul-byte"], "ảnh_.png"),
    (HOSTILE_FILENAMES["bidi-override"], "gnp._exe.png"),
    (HOSTILE_FILENAMES["only-dots"], "upload"),
    (".bashrc", "bashrc"),
    ("", "upload"),
    (None, "upload"),
])
def test_client_filename(raw: str | None, expected: str) -> None:
    assert client_filename(raw) == expected


def test_client_filename_keeps_the_extension_when_cut() -> None:
    name = client_filename(HOSTILE_FILENAMES["very-long"])
    assert len(name) == 255 and name.endswith(".png")


def test_find_control_reports_keys_and_nested_locations() -> None:
    assert find_control({"a": ["ok", {"b": "x\x00"}]}, ("body",)) == (("body", "a", 1, "b"), "\x00")
    assert find_control({"k\x1b": 1}) == (("k\x1b",), "\x1b")
    assert find_control({"summary": "hai\ndòng\tcột\r\n"}) is None


def test_json_depth_limit_without_recursion() -> None:
    assert loads(deep_array(MAX_DEPTH)) is not None
    for depth in (MAX_DEPTH + 1, 100_000):
        with pytest.raises(KhoError) as caught:
            loads(deep_array(depth))
        assert (caught.value.code, caught.value.status) == ("json_too_deep", 422)
    with pytest.raises(KhoError) as caught:
        loads(b'{"a": "\xff"}')
    assert (caught.value.code, caught.value.status) == ("invalid_json", 400)


def test_clip_bounds_echoed_input() -> None:
    clipped = clip({"title": "x" * 100_000, "list": list(range(1000))})
    assert len(clipped["title"]) == 201 and len(clipped["list"]) == 50
    error = KhoError("validation_failed", reason="y" * 100_000)
    assert len(error.detail_en) < 1_000


def test_public_error_drops_traceback_and_server_paths() -> None:
    text = ("cannot identify image file '/var/lib/kho/tmp/job-9/original.tif'\nTraceback (most recent call last):\n"
            '  File "/opt/kho/.venv/lib/python3.11/site-packages/PIL/Image.py", line 3400, in open\n'
            "TypeError: Missing dimensions")
    public = public_error(text)
    assert public == "cannot identify image file '…/original.tif'"
    assert public_error("see https://kho.example/api/v1/assets and ratio 3/4") == (
        "see https://kho.example/api/v1/assets and ratio 3/4")


def _adam7_png(image: Image.Image) -> bytes:
    """An interlaced (Adam7) RGB PNG written by hand, filter 0 on every row: Pillow writes none."""
    passes = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))
    width, height = image.size
    rows = b""
    for x0, y0, dx, dy in passes:
        for y in range(y0, height, dy):
            pixels = [image.getpixel((x, y)) for x in range(x0, width, dx)]
            if pixels:
                rows += b"\x00" + bytes(c for p in pixels for c in p)  # type: ignore[union-attr]

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 1)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "LA", "P", "1", "I;16"])
def test_complete_pngs_pass(tmp_path: Path, mode: str) -> None:
    image = Image.frombytes("RGB", (37, 23), os.urandom(37 * 23 * 3)).convert(mode if mode != "I;16" else "L")
    if mode == "I;16":
        image = Image.new("I;16", (37, 23))
    buf = io.BytesIO()
    image.save(buf, "PNG")
    (tmp_path / "a.png").write_bytes(buf.getvalue())
    check_png_complete(tmp_path / "a.png")


def test_interlaced_png_passes_and_short_one_does_not(tmp_path: Path) -> None:
    source = Image.frombytes("RGB", (29, 19), os.urandom(29 * 19 * 3))
    (tmp_path / "i.png").write_bytes(_adam7_png(source))
    with Image.open(tmp_path / "i.png") as decoded:  # Pillow, independently, reads back the same pixels
        assert decoded.info.get("interlace") == 1 and decoded.convert("RGB").tobytes() == source.tobytes()
    check_png_complete(tmp_path / "i.png")
    (tmp_path / "s.png").write_bytes(png_short_image_data())
    with pytest.raises(BadMediaError) as caught:
        check_png_complete(tmp_path / "s.png")
    assert caught.value.code == "truncated_image"


def test_problem_details_never_show_a_server_path() -> None:
    error = KhoError("bad_request", reason="Package not found at '/tmp/kho-qa-1x2/original.docx' for /api/v1/assets")
    assert "/tmp/" not in error.detail_en and "…/original.docx" in error.detail_en
    assert "/api/v1/assets" in error.detail_en
