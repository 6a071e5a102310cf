"""OCR with the real tesseract binary and its Vietnamese data, on infographics rendered with Pillow."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from tests.transcoding.imaging_fixtures import PHRASE, infographic, require_or_skip
from transcoding.fonts import font_path
from transcoding.image.ocr import ocr_image
from transcoding.tools import tesseract_path
from transcoding.types import BadMediaError, TransientProcessingError


def _has_vietnamese() -> bool:
    binary = tesseract_path()
    if not binary:
        return False
    listed = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, check=False).stdout
    return "vie" in listed.split()


@pytest.fixture(autouse=True)
def _tesseract() -> None:
    require_or_skip(_has_vietnamese(), "tesseract with Vietnamese data (tesseract-ocr-vie) is not installed")


def words(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_infographic_phrase_recovered_exactly(tmp_path: Path) -> None:
    src = tmp_path / "info.png"
    infographic().save(src)
    text = ocr_image(src)
    assert text == unicodedata.normalize("NFC", text)
    assert PHRASE in words(text)
    assert "NGHỊ QUYẾT 71-NQ/TW" in words(text)  # white on the blue header band
    assert "Nâng cao chất lượng đội ngũ nhà giáo" in words(text)


def test_small_text_in_a_rotated_jpeg(tmp_path: Path) -> None:
    """18 px text on a tinted background in a phone picture stored sideways (EXIF orientation 6)."""
    shown = Image.new("RGB", (900, 300), (215, 235, 250))
    draw = ImageDraw.Draw(shown)
    draw.text((20, 120), PHRASE, font=ImageFont.truetype(str(font_path()), 18), fill=(20, 40, 90))
    exif = Image.Exif()
    exif[0x0112] = 6
    src = tmp_path / "phone.jpg"
    shown.transpose(Image.Transpose.ROTATE_90).save(src, quality=85, exif=exif.tobytes())
    assert PHRASE in words(ocr_image(src))


def test_text_on_transparency_is_read_on_white(tmp_path: Path) -> None:
    overlay = Image.new("RGBA", (800, 120), (0, 0, 0, 0))
    font = ImageFont.truetype(str(font_path()), 32)
    ImageDraw.Draw(overlay).text((10, 30), PHRASE, font=font, fill="black")
    src = tmp_path / "overlay.png"
    overlay.save(src)
    assert PHRASE in words(ocr_image(src))


def test_no_text_gives_empty_string(tmp_path: Path) -> None:
    src = tmp_path / "blank.png"
    Image.linear_gradient("L").resize((400, 300)).save(src)
    assert re.sub(r"\W", "", ocr_image(src)) == ""


def test_errors(tmp_path: Path) -> None:
    src = tmp_path / "info.png"
    infographic((600, 400)).save(src)
    with pytest.raises(ValueError):
        ocr_image(src, languages="vie; rm -rf /")
    with pytest.raises(TransientProcessingError) as missing:
        ocr_image(src, languages="xyz")
    assert missing.value.code == "tool_missing"
    with pytest.raises(TransientProcessingError) as slow:
        ocr_image(src, timeout=0.001)
    assert slow.value.code == "ocr_timeout"
    broken = tmp_path / "broken.png"
    broken.write_bytes(src.read_bytes()[:200])
    with pytest.raises(BadMediaError):
        ocr_image(broken)
