"""Strict reading of an uploaded caption file (SRT or WebVTT) into clean WebVTT.

Unlike `video_captions.load_caption` (which is lenient with sidecars found next to an imported video),
an upload is refused at the first fault, naming its line: not UTF-8, a malformed timestamp, an end not
after its start, a cue that starts before the previous one ends, a cue without text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

MAX_CAPTION_BYTES = 2_000_000
MAX_CUES = 20_000

_SRT_TIME = r"(\d{2,}):([0-5]\d):([0-5]\d),(\d{3})"
_VTT_TIME = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_SRT_TIMING = re.compile(rf"^{_SRT_TIME} --> {_SRT_TIME}(?: .*)?$")
_VTT_TIMING = re.compile(rf"^{_VTT_TIME}[ \t]+-->[ \t]+{_VTT_TIME}(?:[ \t].*)?$")
_TAG = re.compile(r"</?([a-zA-Z]+)[^>]*>")


class CaptionError(ValueError):
    """A refusal naming the 1-based line of the file where the fault is."""

    def __init__(self, line: int, reason_vi: str, reason_en: str) -> None:
        self.line, self.reason_vi, self.reason_en = line, reason_vi, reason_en
        super().__init__(f"line {line}: {reason_en}")


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    lines: tuple[str, ...]
    line: int  # where its timing line is in the uploaded file


@dataclass(frozen=True)
class CheckedCaption:
    cues: tuple[Cue, ...]
    source_format: str  # "webvtt" | "srt"

    @property
    def webvtt(self) -> str:
        blocks = [f"{stamp(c.start)} --> {stamp(c.end)}\n" + "\n".join(_escape(t) for t in c.lines) for c in self.cues]
        return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"

    @property
    def text(self) -> str:
        """Cue texts without markup, one cue a line (transcript, search)."""
        return "\n".join(" ".join(plain(t) for t in c.lines) for c in self.cues)


def stamp(t: float) -> str:
    ms = int(round(t * 1000))
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def plain(line: str) -> str:
    return html.unescape(_TAG.sub("", line)).strip()


def _escape(line: str) -> str:
    # Keep <i>/<b>/<u> (WebVTT knows them); everything else becomes text.
    kept = _TAG.sub(lambda m: m.group(0) if m.group(1).lower() in ("i", "b", "u") else "", line)
    return re.sub(r"&(?![a-zA-Z]+;|#\d+;)", "&amp;", kept).replace("-->", "→")


def _decode(raw: bytes) -> str:
    if len(raw) > MAX_CAPTION_BYTES:
        raise CaptionError(1, f"tệp lớn hơn {MAX_CAPTION_BYTES} byte", f"the file is over {MAX_CAPTION_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CaptionError(line, "không phải UTF-8 (hãy lưu tệp với mã hoá UTF-8)",
                           "not UTF-8 (save the file as UTF-8)") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise CaptionError(line, "có ký tự NUL", "contains a NUL character")
    return unicodedata.normalize("NFC", text.removeprefix("\ufeff")).replace("\r\n", "\n").replace("\r", "\n")


def _seconds(h: str | None, m: str, s: str, ms: str) -> float:
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def check_caption(raw: bytes) -> CheckedCaption:
    lines = _decode(raw).split("\n")
    first = next((ln for ln in lines if ln.strip()), "")
    webvtt = first.startswith("WEBVTT")
    if webvtt and not re.match(r"^WEBVTT([ \t].*)?$", first):
        raise CaptionError(1, "dòng đầu phải là “WEBVTT”", "the first line must be “WEBVTT”")
    timing = _VTT_TIMING if webvtt else _SRT_TIMING
    example = "00:00:01.000 --> 00:00:03.500" if webvtt else "00:00:01,000 --> 00:00:03,500"
    cues: list[Cue] = []
    for start_line, block in _blocks(lines):
        if webvtt and (block[0].startswith(("WEBVTT", "NOTE", "STYLE", "REGION"))):
            continue
        at = next((i for i, ln in enumerate(block[:2]) if "-->" in ln), None)
        if at is None:
            raise CaptionError(start_line, f"thiếu dòng thời gian (dạng {example})",
                               f"a timing line is missing (like {example})")
        line_no = start_line + at
        if not webvtt and at == 1 and not block[0].strip().isdigit():
            raise CaptionError(start_line, "số thứ tự của cue phải là một số", "the cue number must be a number")
        match = timing.match(block[at].strip())
        if match is None:
            raise CaptionError(line_no, f"mốc thời gian sai dạng (cần {example})",
                               f"malformed timestamp (expected {example})")
        g = match.groups()
        start, end = _seconds(*g[:4]), _seconds(*g[4:])
        if end <= start:
            raise CaptionError(line_no, "thời điểm kết thúc phải sau thời điểm bắt đầu",
                               "the end must be after the start")
        if cues and start < cues[-1].end:
            raise CaptionError(line_no, f"cue chồng lên cue trước (kết thúc lúc {stamp(cues[-1].end)}, dòng "
                               f"{cues[-1].line})", f"the cue overlaps the previous one (which ends at "
                               f"{stamp(cues[-1].end)}, line {cues[-1].line})")
        text = tuple(ln.strip() for ln in block[at + 1:] if ln.strip())
        if not text or not any(plain(t) for t in text):
            raise CaptionError(line_no, "cue không có chữ", "the cue has no text")
        cues.append(Cue(start, end, text, line_no))
        if len(cues) > MAX_CUES:
            raise CaptionError(line_no, f"quá {MAX_CUES} cue", f"more than {MAX_CUES} cues")
    if not cues:
        raise CaptionError(1, "tệp không có cue nào", "the file has no cues")
    return CheckedCaption(tuple(cues), "webvtt" if webvtt else "srt")


def _blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """(1-based line of its first line, lines) of each blank-line separated block."""
    out: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for n, line in enumerate(lines, start=1):
        if line.strip():
            if not current:
                start = n
            current.append(line)
        elif current:
            out.append((start, current))
            current = []
    if current:
        out.append((start, current))
    return out
