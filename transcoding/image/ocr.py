"""Text read from infographics and posters by tesseract, for search (issue 6).

The picture is prepared first: orientation applied, alpha flattened on white, greyscale, contrast
stretched and small pictures enlarged, because tesseract's LSTM reads best with glyphs ~30 px tall and
infographic body text is often half that.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageOps

from transcoding.image.colour import flatten_on_white, to_working_mode
from transcoding.image.decode import apply_orientation, decode, exif_orientation, open_image, oriented_size
from transcoding.tools import require, tesseract_path
from transcoding.types import BadMediaError, TransientProcessingError

_LANGUAGES = re.compile(r"^[A-Za-z_]+(\+[A-Za-z_]+)*$")
_MAX_PIXELS = 100_000_000  # input limit; OCR only runs on pictures that already passed the upload checks
_TARGET_WIDTH = 2400  # narrower pictures are enlarged towards this width, at most 3×
_MAX_PREPARED_PIXELS = 30_000_000  # a tall infographic stays within tesseract's comfortable size


def _prepare(path: Path) -> tuple[Image.Image, tuple[int, int]]:
    """The picture tesseract reads, and the displayed size of the source (word boxes are mapped back to it)."""
    with open_image(path, max_pixels=_MAX_PIXELS) as source:
        orientation = exif_orientation(source)
        shown = oriented_size(source, orientation)
        decoded = decode(source, orientation, shown)
        image = to_working_mode(apply_orientation(decoded, orientation))
    if image.mode in ("RGBA", "LA"):
        image = flatten_on_white(image)
    if image.mode == "CMYK":
        image = image.convert("RGB")
    # Plain min/max stretch: a percentile cutoff would treat sparse text as outliers and amplify JPEG noise.
    grey = ImageOps.autocontrast(image.convert("L"))
    factor = min(3.0, _TARGET_WIDTH / grey.width, (_MAX_PREPARED_PIXELS / (grey.width * grey.height)) ** 0.5)
    # Enlarge small pictures; shrink only huge ones, to keep tesseract's memory and time bounded.
    if factor > 1.2 or factor < 1.0:
        size = (round(grey.width * factor), round(grey.height * factor))
        grey = grey.resize(size, Image.Resampling.LANCZOS)
    return grey, shown


@dataclass(frozen=True)
class Word:
    """One word tesseract read: its box in displayed source pixels and its confidence (0–100)."""

    text: str
    left: float
    top: float
    width: float
    height: float
    confidence: float


@dataclass(frozen=True)
class OcrResult:
    text: str
    words: list[Word] = field(default_factory=list)
    size: tuple[int, int] = (0, 0)  # the displayed source size the boxes refer to


def _words(tsv: str, scale: tuple[float, float]) -> list[Word]:
    """Word rows (level 5) of tesseract's TSV, boxes scaled back to the source."""
    out = []
    for line in tsv.splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        try:
            left, top, width, height = (float(c) for c in cols[6:10])
            confidence = float(cols[10])
        except ValueError:
            continue
        out.append(Word(unicodedata.normalize("NFC", cols[11].strip()), left * scale[0], top * scale[1],
                        width * scale[0], height * scale[1], confidence))
    return out


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\f", "\n")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def ocr_image(path: Path, *, languages: str = "vie+eng", timeout: float = 60) -> str:
    """Text tesseract reads in the picture at `path`, NFC-normalised ("" when there is none).

    BadMediaError for an unreadable picture; TransientProcessingError when tesseract is missing, lacks
    the language data, fails or runs past `timeout` seconds.
    """
    return read_image(path, languages=languages, timeout=timeout).text


def read_image(path: Path, *, languages: str = "vie+eng", timeout: float = 60) -> OcrResult:
    """Text and word boxes in one tesseract run (its `txt` and `tsv` outputs): the text feeds search, the
    boxes tell the crops where the headline is (transcoding/image/focal.py). Errors as `ocr_image`."""
    if not _LANGUAGES.match(languages):
        raise ValueError(f"bad tesseract language list: {languages!r}")
    binary = require(tesseract_path(), "tesseract")
    prepared, shown = _prepare(path)
    with tempfile.TemporaryDirectory(prefix="kho-ocr-") as tmp:
        image_path = Path(tmp) / "page.png"
        prepared.save(image_path, format="PNG", dpi=(300, 300), compress_level=1)
        # One thread: OCR shares the cores with encodes, and OpenMP barely speeds up tesseract's LSTM.
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        base = Path(tmp) / "out"
        command = [binary, str(image_path), str(base), "-l", languages, "--psm", "3", "--oem", "1", "txt", "tsv"]
        try:
            result = subprocess.run(command, capture_output=True, timeout=timeout, env=env, check=False)
        except subprocess.TimeoutExpired as exc:
            raise TransientProcessingError(f"tesseract ran past {timeout} s", code="ocr_timeout") from exc
        _check(result)
        text = base.with_suffix(".txt").read_text("utf-8", "replace")
        tsv = base.with_suffix(".tsv").read_text("utf-8", "replace")
    scale = (shown[0] / prepared.width, shown[1] / prepared.height)
    return OcrResult(_clean(text), _words(tsv, scale), shown)


def _check(result: subprocess.CompletedProcess[bytes]) -> None:
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()[-500:]
        if "Failed loading language" in message or "Error opening data file" in message:
            raise TransientProcessingError(f"tesseract lacks language data: {message}", code="tool_missing")
        if "Image too large" in message or "Unsupported image" in message:
            raise BadMediaError(f"tesseract cannot read this picture: {message}", code="ocr_failed")
        failure = f"tesseract failed ({result.returncode}): {message}"
        raise TransientProcessingError(failure, code="ocr_failed")
