"""The single decode: one ffmpeg process feeds every distinct encode, the poster and the sprite (`split`).

Also decides "quick transcode": an encode whose settings the source already meets is not made at all;
packaging copies the source stream instead.

These graphs stay filtergraph text, not ffmpeg-python (transcoding/ffmpeg_graph.py builds the audio and
measurement graphs): a picture is a str.format template with its own pad labels (transcoding/video/plan.py)
that the plan, the burned captions and the sprite extend as text, and the burned-caption `ass` filter needs
its file path escaped twice (option level, then graph level: transcoding/video/captions_burn.py), where
ffmpeg-python escapes a value once and would escape a pre-escaped one again. The audio branches of this
decode are written from the same `Chain` data (`chain_text`) that ffmpeg-python applies elsewhere.
"""

from __future__ import annotations

import json
import math
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from transcoding.audio.spec import LoudnessTarget
from transcoding.ffmpeg_graph import Chain, Filter, chain_text
from transcoding.ffmpeg_run import input_args
from transcoding.probe import MediaInfo
from transcoding.tools import ffprobe_path, require
from transcoding.video.plan import AudioEncode, Picture, VideoEncode

_PROFILES_WITHIN = {
    "high": {"High", "Main", "Constrained Baseline", "Baseline"},
    "main": {"Main", "Constrained Baseline"},
    "baseline": {"Constrained Baseline", "Baseline"},
}


@dataclass(frozen=True)
class Artifact:
    """Where an encoded (or copied) stream lives, as an ffmpeg input plus a stream specifier."""

    path: Path
    fmt: str | None
    stream: str  # "v:0" or "a:0"
    copied: bool = False  # the source stream itself: quick transcode


@dataclass
class Still:
    """A poster frame (its own short run) or the frames of a sprite sheet (a branch of the main decode)."""

    picture: Picture
    path: Path  # poster: the JPEG; sprite: an image2 pattern for the single frames
    start: float  # poster: the frame time
    interval: float | None = None  # sprite: seconds between tiles
    grid: tuple[int, int] | None = None  # sprite: columns, rows
    jpeg_quality: int = 85


def keyframe_gap(path: Path, fmt: str | None, sample_seconds: float = 120) -> float:
    """Longest distance between video keyframes in the first `sample_seconds` (packets only, no decode)."""
    cmd = [
        require(ffprobe_path(), "ffprobe"),
        "-v",
        "error",
        "-protocol_whitelist",
        "file",
        *(["-f", fmt] if fmt else []),
        "-select_streams",
        "v:0",
        "-read_intervals",
        f"%+{sample_seconds}",
        "-show_entries",
        "packet=pts_time,flags",
        "-of",
        "json",
        str(path),
    ]
    out = subprocess.run(cmd, capture_output=True, timeout=60, check=False).stdout
    packets = json.loads(out or b"{}").get("packets", [])
    times = sorted(float(p["pts_time"]) for p in packets if "K" in p.get("flags", "") and "pts_time" in p)
    if not times:
        return math.inf
    points = [*times, max(float(p.get("pts_time", 0)) for p in packets)]
    return max(b - a for a, b in zip(points, points[1:], strict=False))


def video_conforms(info: MediaInfo, enc: VideoEncode, source: Path) -> bool:
    """The source video can be copied as is for this encode (PeerTube's "quick transcode")."""
    v = info.video
    if not enc.quick or v is None or enc.picture.rescaled or v.codec != "h264" or info.rotation:
        return False
    if v.pix_fmt != "yuv420p" or (v.profile or "") not in _PROFILES_WITHIN[enc.h264_profile]:
        return False
    if info.frame_rate is None or abs(float(Fraction(info.frame_rate)) - float(Fraction(enc.fps))) > 0.01:
        return False
    rate = v.bit_rate or info.bit_rate or 0
    if enc.maxrate_kbps and rate > enc.maxrate_kbps * 1000 * 1.1:
        return False
    return keyframe_gap(source, info.format_name) <= enc.keyframe_seconds * 1.01 + 1 / float(Fraction(enc.fps))


def audio_conforms(info: MediaInfo, enc: AudioEncode) -> bool:
    a = info.audio
    if not enc.quick or a is None or a.codec != "aac" or (a.profile or "LC") != "LC":
        return False
    if a.sample_rate != enc.sample_rate or a.channels != enc.channels:
        return False
    if a.bit_rate and a.bit_rate > enc.bitrate_kbps * 1000 * 1.25:
        return False
    return enc.loudness is None or _already_normalised(info, enc.loudness)


def _already_normalised(info: MediaInfo, target: LoudnessTarget) -> bool:
    got = info.loudness
    return bool(
        got
        and abs(got.integrated_lufs - target.integrated_lufs) <= target.tolerance_lu / 2
        and got.true_peak_dbtp <= target.true_peak_dbtp
    )


def audio_prefilter(enc: AudioEncode) -> Chain:
    layout = "stereo" if enc.channels == 2 else "mono"
    return (Filter.of("aresample", 48000), Filter.of("aformat", channel_layouts=layout))


def audio_chain(enc: AudioEncode, normalised: Chain | None = None) -> str:
    """`normalised` is the prefilter+loudnorm chain from audio/loudness.py (loudnorm outputs 192 kHz),
    written as filtergraph text for the one decode below."""
    return chain_text((*(normalised or audio_prefilter(enc)), Filter.of("aresample", enc.sample_rate)))


def _qscale(quality: int) -> str:
    return str(round(2 + (100 - quality) * 29 / 99))


def poster_args(source: Path, info: MediaInfo, still: Still) -> list[str]:
    """A poster frame by input seeking: only the GOP around `still.start` is decoded."""
    return [
        "-ss",
        f"{still.start:.3f}",
        *input_args(source, info.format_name),
        "-filter_complex",
        still.picture.graph.format(i="0:v:0", o="v"),
        "-map",
        "[v]",
        "-frames:v",
        "1",
        "-q:v",
        _qscale(still.jpeg_quality),
        "-update",
        "1",
        "-f",
        "image2",
        str(still.path),
    ]


def _video_branches(videos: dict[VideoEncode, Path], stills: list[Still]) -> tuple[list[str], list[str]]:
    count = len(videos) + len(stills)
    if count == 0:
        return [], []
    graph = [f"[0:v:0]split={count}" + "".join(f"[s{k}]" for k in range(count)) if count > 1 else "[0:v:0]null[s0]"]
    outputs: list[str] = []
    for k, (enc, path) in enumerate(videos.items()):
        graph.append(enc.picture.graph.format(i=f"s{k}", o=f"v{k}"))
        outputs += ["-map", f"[v{k}]", *enc.encoder, "-an", "-sn", "-dn", "-f", "mp4", str(path)]
    for n, still in enumerate(stills, start=len(videos)):
        # Sprite tiles leave as single frames from t=0 and are assembled afterwards: a `tile` or `trim`
        # branch would hold back its output until late, and ffmpeg 5.1 reports no progress until every
        # output has started, which would trip the stall watchdog on long videos.
        # round=up: a clip shorter than one interval still yields its first frame (else no tile at all)
        graph.append(f"[s{n}]fps=1/{still.interval:.4f}:round=up[t{n}]")
        graph.append(still.picture.graph.format(i=f"t{n}", o=f"v{n}"))
        outputs += ["-map", f"[v{n}]", "-q:v", _qscale(still.jpeg_quality), "-f", "image2", str(still.path)]
    return graph, outputs


def _audio_branches(audios: dict[AudioEncode, tuple[Path, str]]) -> tuple[list[str], list[str]]:
    if not audios:
        return [], []
    labels = [f"[a{k}]" for k in range(len(audios))]
    graph = [f"[0:a:0]asplit={len(audios)}" + "".join(labels) if len(audios) > 1 else "[0:a:0]anull[a0]"]
    outputs: list[str] = []
    for k, (enc, (path, chain)) in enumerate(audios.items()):
        graph.append(f"[a{k}]{chain}[b{k}]")
        outputs += [
            "-map",
            f"[b{k}]",
            "-c:a",
            "aac",
            "-b:a",
            f"{enc.bitrate_kbps}k",
            "-ar",
            str(enc.sample_rate),
            "-ac",
            str(enc.channels),
            "-vn",
            "-sn",
            "-dn",
            "-f",
            "mp4",
            str(path),
        ]
    return graph, outputs


def main_args(
    source: Path,
    info: MediaInfo,
    videos: dict[VideoEncode, Path],
    audios: dict[AudioEncode, tuple[Path, str]],
    stills: list[Still],
) -> list[str]:
    """ffmpeg arguments for the one decode that makes every encode, poster and sprite."""
    vgraph, vout = _video_branches(videos, stills)
    agraph, aout = _audio_branches(audios)
    # With nothing to encode (every output quick), only keyframes need decoding for the sprite.
    fast = ["-skip_frame", "nokey"] if stills and not videos else []
    return [
        *fast,
        *input_args(source, info.format_name),
        "-filter_complex",
        ";".join(vgraph + agraph),
        "-map_metadata",
        "-1",
        "-map_chapters",
        "-1",
        *vout,
        *aout,
    ]
