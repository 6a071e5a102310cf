"""Captions burned into the picture for feeds watched muted (TikTok/Reels, Facebook): an ASS document
at the output's own pixel size (so sizes and margins are exact pixels), in a font with every Vietnamese
glyph, drawn by ffmpeg's `ass` filter inside the one decode."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from pathlib import Path

from PIL import ImageFont

from transcoding.fonts import font_path
from transcoding.video.captions import Caption
from transcoding.video.captions_spec import CaptionBurn
from transcoding.video.plan import PlannedOutput

_TIMING = re.compile(r"^(\d+):(\d{2}):(\d{2})\.(\d{3}) --> (\d+):(\d{2}):(\d{2})\.(\d{3})")
_TAG = re.compile(r"</?[a-zA-Z]+[^>]*>")


@cache
def _family(path: Path) -> str:
    return str(ImageFont.truetype(str(path), 12).getname()[0])


def _ass_time(t: float) -> str:
    cs = int(round(t * 100))
    return f"{cs // 360_000}:{cs // 6000 % 60:02d}:{cs // 100 % 60:02d}.{cs % 100:02d}"


def _cues(webvtt: str) -> list[tuple[float, float, list[str]]]:
    out = []
    for block in webvtt.split("\n\n"):
        lines = block.strip().split("\n")
        match = _TIMING.match(lines[0]) if lines else None
        if match:
            g = [int(x) for x in match.groups()]
            start = g[0] * 3600 + g[1] * 60 + g[2] + g[3] / 1000
            end = g[4] * 3600 + g[5] * 60 + g[6] + g[7] / 1000
            out.append((start, end, lines[1:]))
    return out


def _ass_text(lines: list[str]) -> str:
    # Braces open ASS override blocks and backslashes start commands: neither may come from a caption.
    clean = [_TAG.sub("", ln).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">") for ln in lines]
    return r"\N".join(ln.replace("\\", "∖").replace("{", "(").replace("}", ")") for ln in clean)


def ass_document(caption: Caption, width: int, height: int, burn: CaptionBurn, font: Path) -> str:
    size = round(min(width, height) * burn.font_size)
    left, right, bottom = round(width * burn.left), round(width * burn.right), round(height * burn.bottom)
    # BorderStyle 3: an opaque box behind the text, readable over any picture.
    style = (f"Style: Default,{_family(font)},{size},&H00FFFFFF,&H00FFFFFF,&H30000000,&H30000000,0,0,0,0,"
             f"100,100,0,0,3,{max(2, size // 6)},0,2,{left},{right},{bottom},1")
    head = ["[Script Info]", "ScriptType: v4.00+", f"PlayResX: {width}", f"PlayResY: {height}", "WrapStyle: 0",
            "ScaledBorderAndShadow: yes", "", "[V4+ Styles]",
            "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, "
            "Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, "
            "Alignment, MarginL, MarginR, MarginV, Encoding", style, "", "[Events]",
            "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text"]
    events = [f"Dialogue: 0,{_ass_time(s)},{_ass_time(e)},Default,,0,0,0,,{_ass_text(lines)}"
              for s, e, lines in _cues(caption.webvtt)]
    return "\n".join(head + events) + "\n"


def _filter_value(value: str) -> str:
    """Escape an option value for a filtergraph: once for the option parser, once for the graph parser,
    and braces doubled because picture graphs are str.format templates."""
    for ch in "\\':":
        value = value.replace(ch, "\\" + ch)
    for ch in "\\'[],;":
        value = value.replace(ch, "\\" + ch)
    return value.replace("{", "{{").replace("}", "}}")


def burn_into(planned: list[PlannedOutput], caption: Caption, work: Path) -> set[tuple[str, str]]:
    """Add the caption to the picture of every MP4 output whose spec asks for burned captions; returns
    the (profile, variant) pairs so changed."""
    font = font_path("bold")
    burned: set[tuple[str, str]] = set()
    for item in planned:
        burn = item.spec.burn_captions
        if item.kind != "mp4" or burn is None or item.video is None:
            continue
        pic = item.video.picture
        ass = work / f"burn-{item.profile}-{item.spec.variant}.ass"
        ass.write_text(ass_document(caption, pic.width, pic.height, burn, font), encoding="utf-8")
        chain = f"ass=filename={_filter_value(str(ass))}:fontsdir={_filter_value(str(font.parent))}"
        assert pic.graph.endswith("[{o}]"), pic.graph
        graph = pic.graph[: -len("[{o}]")] + f",{chain}[{{o}}]"
        item.video = replace(item.video, picture=replace(pic, graph=graph, rescaled=True), quick=False)
        burned.add((item.profile, item.spec.variant))
    return burned
