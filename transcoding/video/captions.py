"""Sidecar captions: SRT or WebVTT uploaded with a video, rewritten as clean WebVTT for HLS and players."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from transcoding.languages import display_name
from transcoding.types import BadMediaError

MAX_CAPTION_BYTES = 2_000_000
MAX_CUES = 20_000

_TIME = r"(?:(\d{1,2}):)?(\d{1,2}):(\d{2})[,.](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")
_TAG = re.compile(r"</?([a-zA-Z]+)[^>]*>")
_BARE_AMP = re.compile(r"&(?![a-zA-Z]+;|#\d+;)")


@dataclass(frozen=True)
class Caption:
    language: str
    name: str
    webvtt: str
    cues: int


def _seconds(h: str | None, m: str, s: str, ms: str) -> float:
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000


def _stamp(t: float) -> str:
    ms = int(round(t * 1000))
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1258", errors="replace")  # subtitles saved by older Vietnamese Windows tools


def _clean(line: str) -> str:
    # Keep the styling WebVTT understands; drop SRT's <font> and anything else.
    line = _TAG.sub(lambda m: m.group(0) if m.group(1).lower() in ("i", "b", "u") else "", line)
    return _BARE_AMP.sub("&amp;", line.replace("-->", "→")).strip()


def language_of(path: Path) -> str:
    """`bai-giang.vi.srt` → "vi"; a file without a language suffix is taken as Vietnamese."""
    parts = path.name.lower().split(".")
    return parts[-2] if len(parts) >= 3 and re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]+)?", parts[-2]) else "vi"


def load_caption(path: Path) -> Caption:
    raw = path.read_bytes()
    if len(raw) > MAX_CAPTION_BYTES:
        raise BadMediaError(
            f"caption file {path.name} is over {MAX_CAPTION_BYTES} bytes", code="caption_too_large"
        )
    text = unicodedata.normalize("NFC", _decode(raw)).replace("\r\n", "\n").replace("\r", "\n")
    cues: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln for ln in block.split("\n") if ln.strip()]
        timing_at = next((i for i, ln in enumerate(lines) if _TIMING.match(ln)), None)
        if timing_at is None:
            continue  # the WEBVTT header, NOTE/STYLE blocks, stray numbering
        g = _TIMING.match(lines[timing_at]).groups()  # type: ignore[union-attr]
        start, end = _seconds(*g[:4]), _seconds(*g[4:])
        body = [c for c in (_clean(ln) for ln in lines[timing_at + 1 :]) if c]
        if end <= start or not body:
            continue
        cues.append(f"{_stamp(start)} --> {_stamp(end)}\n" + "\n".join(body))
        if len(cues) > MAX_CUES:
            raise BadMediaError(f"caption file {path.name} has too many cues", code="caption_too_large")
    if not cues:
        raise BadMediaError(
            f"caption file {path.name} has no readable cues (SRT or WebVTT expected)",
            code="caption_unreadable",
        )
    lang = language_of(path)
    return Caption(lang, display_name(lang), "WEBVTT\n\n" + "\n\n".join(cues) + "\n", len(cues))


def subtitle_playlist(vtt_name: str, duration: float) -> str:
    """A one-segment HLS media playlist that points at the whole WebVTT file."""
    return (
        f"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:{max(1, math.ceil(duration))}\n"
        f"#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:{duration:.3f},\n{vtt_name}\n"
        "#EXT-X-ENDLIST\n"
    )
