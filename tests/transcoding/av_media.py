"""Tiny audio/video test media made with ffmpeg's lavfi sources, and ffprobe helpers for assertions."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from tests.transcoding.conftest import require_or_skip
from transcoding.tools import ffmpeg_path, ffprobe_path


def ffmpeg(*args: str) -> None:
    require_or_skip(ffmpeg_path(), "ffmpeg is not installed")
    subprocess.run(
        [str(ffmpeg_path()), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args], check=True
    )


def make_clip(
    path: Path,
    *,
    size: str = "640x360",
    seconds: float = 3,
    fps: int = 30,
    audio: bool = True,
    extra: tuple[str, ...] = ("-preset", "ultrafast"),
) -> Path:
    sources = ["-f", "lavfi", "-i", f"testsrc2=s={size}:r={fps}:d={seconds}"]
    if audio:
        # A quiet tone (about -29 LUFS): loudness targets are far from it, so normalisation must act.
        sources += ["-f", "lavfi", "-i", f"sine=f=330:d={seconds}:sample_rate=48000,volume=0.5"]
    ffmpeg(
        *sources,
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        *extra,
        *(["-c:a", "aac"] if audio else []),
        "-shortest",
        str(path),
    )
    return path


def make_speech(path: Path) -> Path:
    """About 5 s of Vietnamese speech (espeak-ng), or a modulated tone when espeak-ng is missing."""
    text = "Nghị quyết bảy mươi mốt về đột phá phát triển giáo dục và đào tạo. Mọi trường học cùng thực hiện."
    if shutil.which("espeak-ng"):
        subprocess.run(["espeak-ng", "-v", "vi", "-w", str(path), text], check=True, capture_output=True)
    else:
        ffmpeg("-f", "lavfi", "-i", "sine=f=220:d=5,tremolo=f=3:d=0.8", str(path))
    return path


def probe_json(path: Path, *extra: str) -> dict[str, Any]:
    require_or_skip(ffprobe_path(), "ffprobe is not installed")
    out = subprocess.run(
        [
            str(ffprobe_path()),
            "-v",
            "error",
            "-show_format",
            "-show_streams",
            "-of",
            "json",
            *extra,
            str(path),
        ],
        capture_output=True,
        check=True,
    ).stdout
    data: dict[str, Any] = json.loads(out)
    return data


def stream(path: Path, kind: str) -> dict[str, Any] | None:
    return next((s for s in probe_json(path)["streams"] if s["codec_type"] == kind), None)


def keyframe_times(path: Path) -> list[float]:
    data = probe_json(path, "-select_streams", "v:0", "-show_entries", "packet=pts_time,flags")
    return [float(p["pts_time"]) for p in data.get("packets", []) if "K" in p["flags"]]


def top_level_atoms(path: Path) -> list[str]:
    atoms, data, pos = [], path.read_bytes(), 0
    while pos + 8 <= len(data):
        size = int.from_bytes(data[pos : pos + 4], "big")
        atoms.append(data[pos + 4 : pos + 8].decode("latin-1"))
        if size == 1:
            size = int.from_bytes(data[pos + 8 : pos + 16], "big")
        if size < 8:
            break
        pos += size
    return atoms
