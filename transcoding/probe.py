"""Probe an uploaded audio/video file with ffprobe, under limits, and measure its loudness.

ffprobe reads at most `-probesize` bytes and `-analyzeduration` of media, opens local files only, stops at
`-max_streams`, and is killed after a wall-clock timeout. The container must be on the allow-list of the
asset kind. Anything that fails these checks is a BadMediaError with a stable `code`.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from transcoding.child import child_setup
from transcoding.ffmpeg_graph import Chain, Filter, apply, argv, null_output, source
from transcoding.ffmpeg_run import DEFAULT_LIMITS, FfmpegLimits, run_ffmpeg
from transcoding.tools import ffprobe_path, require
from transcoding.types import BadMediaError, TransientProcessingError

# Demuxer names (ffprobe's format_name is a comma list such as "mov,mp4,m4a,3gp,3g2,mj2").
VIDEO_FORMATS = frozenset({"mov", "mp4", "matroska", "webm", "avi", "mpegts", "mxf", "flv"})
AUDIO_FORMATS = frozenset(
    {"mp3", "wav", "w64", "flac", "ogg", "aac", "mov", "mp4", "m4a", "matroska", "webm"}
)
FORMATS_BY_KIND = {"video": VIDEO_FORMATS, "podcast": AUDIO_FORMATS, "audio": AUDIO_FORMATS}

PROBE_SIZE = 50_000_000  # bytes
ANALYZE_US = 20_000_000  # microseconds
MAX_STREAMS = 32
MAX_DURATION = {"video": 4 * 3600.0, "podcast": 6 * 3600.0, "audio": 6 * 3600.0}
MAX_SIDE = 8192
PROBE_MEMORY = 2 * 1024**3


@dataclass
class StreamInfo:
    index: int
    type: str  # video, audio, subtitle, data, attachment
    codec: str | None
    profile: str | None = None
    width: int | None = None
    height: int | None = None
    frame_rate: str | None = None  # rational, e.g. "30000/1001"
    pix_fmt: str | None = None
    bit_rate: int | None = None
    sample_rate: int | None = None
    channels: int | None = None
    channel_layout: str | None = None
    rotation: int = 0
    color_space: str | None = None
    color_transfer: str | None = None
    color_primaries: str | None = None
    language: str | None = None
    attached_pic: bool = False


@dataclass
class Loudness:
    integrated_lufs: float
    true_peak_dbtp: float
    lra: float
    threshold_lufs: float


@dataclass
class MediaInfo:
    kind: str
    format_name: str  # the demuxer, forced with -f on every later run
    duration: float
    size_bytes: int
    bit_rate: int | None
    streams: list[StreamInfo] = field(default_factory=list)
    video_codec: str | None = None
    audio_codec: str | None = None
    width: int | None = None  # display size: rotation already applied
    height: int | None = None
    frame_rate: str | None = None
    fps: float | None = None
    rotation: int = 0
    pix_fmt: str | None = None
    color_space: str | None = None
    color_transfer: str | None = None
    color_primaries: str | None = None
    sample_rate: int | None = None
    channels: int | None = None
    loudness: Loudness | None = None

    @property
    def video(self) -> StreamInfo | None:
        return next((s for s in self.streams if s.type == "video" and not s.attached_pic), None)

    @property
    def audio(self) -> StreamInfo | None:
        return next((s for s in self.streams if s.type == "audio"), None)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MediaInfo:
        values = dict(data)
        values["streams"] = [StreamInfo(**s) for s in data.get("streams", [])]
        values["loudness"] = Loudness(**data["loudness"]) if data.get("loudness") else None
        return cls(**values)


def probe(path: Path, kind: str, *, timeout: float = 30, measure_loudness: bool = True,
          limits: FfmpegLimits = DEFAULT_LIMITS) -> MediaInfo:
    """Describe `path` (an upload of asset kind `kind`: video or podcast) or raise BadMediaError."""
    allowed = FORMATS_BY_KIND.get(kind)
    if allowed is None:
        raise ValueError(f"probe handles video and podcast assets, not {kind!r}")
    raw = _ffprobe(path, min(timeout, limits.timeout))
    fmt = raw.get("format") or {}
    names = [n for n in str(fmt.get("format_name", "")).split(",") if n]
    if not names or not allowed.intersection(names):
        raise BadMediaError(
            f"container {fmt.get('format_name')!r} is not accepted for {kind} assets",
            code="format_not_allowed",
        )
    streams = [_stream(s) for s in raw.get("streams", [])]
    if len(streams) > MAX_STREAMS:
        raise BadMediaError(
            f"the file has {len(streams)} streams (limit {MAX_STREAMS})", code="too_many_streams"
        )
    info = _media_info(kind, names[0], fmt, streams, path)
    _check_limits(info)
    if measure_loudness and info.audio is not None:
        info.loudness = measure_ebur128(path, fmt=info.format_name, timeout=max(timeout, info.duration * 2),
                                        limits=limits)
    return info


def _ffprobe(path: Path, timeout: float) -> dict[str, Any]:
    if not path.is_file():
        raise BadMediaError("the upload is not a regular file", code="not_a_file")
    if path.stat().st_size == 0:
        raise BadMediaError("the file is empty", code="empty_file")
    cmd = [
        require(ffprobe_path(), "ffprobe"),
        "-v",
        "error",
        "-hide_banner",
        "-protocol_whitelist",
        "file",
        "-probesize",
        str(PROBE_SIZE),
        "-analyzeduration",
        str(ANALYZE_US),
        "-max_streams",
        str(MAX_STREAMS),
        "-show_format",
        "-show_streams",
        "-of",
        "json",
        str(path),
    ]
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=child_setup(PROBE_MEMORY),
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise BadMediaError(f"probing took longer than {timeout:.0f} s", code="probe_timeout") from None
    message = err.decode("utf-8", "replace").strip().splitlines()
    if proc.returncode != 0:
        if proc.returncode < 0 and -proc.returncode == signal.SIGKILL:
            raise TransientProcessingError("ffprobe was killed from outside", code="killed")
        detail = message[-1] if message else f"exit {proc.returncode}"
        raise BadMediaError(f"not a readable media file: {detail}", code="unreadable")
    try:
        data: dict[str, Any] = json.loads(out)
    except json.JSONDecodeError as exc:
        raise BadMediaError("ffprobe returned no description of the file", code="unreadable") from exc
    return data


def ffprobe_json(path: Path, *entries: str) -> dict[str, Any]:
    """ffprobe one of our own files (no limits needed: we wrote it)."""
    cmd = [
        require(ffprobe_path(), "ffprobe"),
        "-v",
        "error",
        "-protocol_whitelist",
        "file",
        "-show_format",
        "-show_streams",
        "-of",
        "json",
        *entries,
        str(path),
    ]
    out = subprocess.run(cmd, capture_output=True, timeout=60, check=False).stdout
    data: dict[str, Any] = json.loads(out or b"{}")
    return data


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _rotation(stream: dict[str, Any]) -> int:
    for side in stream.get("side_data_list") or []:
        if side.get("side_data_type") == "Display Matrix" and "rotation" in side:
            return int(round(float(side["rotation"]))) % 360
    return (_int((stream.get("tags") or {}).get("rotate")) or 0) % 360


def _rate(stream: dict[str, Any]) -> str | None:
    for key in ("avg_frame_rate", "r_frame_rate"):
        value = stream.get(key)
        if value and value not in ("0/0", "0/1"):
            return str(value)
    return None


def _stream(s: dict[str, Any]) -> StreamInfo:
    kind = str(s.get("codec_type", "data"))
    return StreamInfo(
        index=int(s.get("index", 0)),
        type=kind,
        codec=s.get("codec_name"),
        profile=s.get("profile"),
        width=_int(s.get("width")),
        height=_int(s.get("height")),
        frame_rate=_rate(s) if kind == "video" else None,
        pix_fmt=s.get("pix_fmt"),
        bit_rate=_int(s.get("bit_rate")),
        sample_rate=_int(s.get("sample_rate")),
        channels=_int(s.get("channels")),
        channel_layout=s.get("channel_layout"),
        rotation=_rotation(s) if kind == "video" else 0,
        color_space=s.get("color_space"),
        color_transfer=s.get("color_transfer"),
        color_primaries=s.get("color_primaries"),
        language=(s.get("tags") or {}).get("language"),
        attached_pic=bool((s.get("disposition") or {}).get("attached_pic")),
    )


def _media_info(
    kind: str, demuxer: str, fmt: dict[str, Any], streams: list[StreamInfo], path: Path
) -> MediaInfo:
    info = MediaInfo(
        kind=kind,
        format_name=demuxer,
        duration=float(fmt.get("duration") or 0),
        size_bytes=path.stat().st_size,
        bit_rate=_int(fmt.get("bit_rate")),
        streams=streams,
    )
    if (v := info.video) is not None:
        swap = v.rotation in (90, 270)
        info.video_codec, info.pix_fmt, info.rotation = v.codec, v.pix_fmt, v.rotation
        info.width, info.height = (v.height, v.width) if swap else (v.width, v.height)
        info.frame_rate = v.frame_rate
        info.fps = float(Fraction(v.frame_rate)) if v.frame_rate else None
        info.color_space, info.color_transfer, info.color_primaries = (
            v.color_space,
            v.color_transfer,
            v.color_primaries,
        )
    if (a := info.audio) is not None:
        info.audio_codec, info.sample_rate, info.channels = a.codec, a.sample_rate, a.channels
    return info


def _check_limits(info: MediaInfo) -> None:
    if info.kind == "video" and info.video is None:
        raise BadMediaError("the file has no video stream", code="no_video")
    if info.kind in ("podcast", "audio") and info.audio is None:
        raise BadMediaError("the file has no audio stream", code="no_audio")
    if not info.duration or info.duration <= 0:
        raise BadMediaError("the file has no usable duration", code="no_duration")
    if info.duration > MAX_DURATION[info.kind]:
        raise BadMediaError(
            f"the media lasts {info.duration:.0f} s (limit {MAX_DURATION[info.kind]:.0f} s)", code="too_long"
        )
    if info.video is not None:
        if not info.width or not info.height or not info.fps:
            raise BadMediaError("the video stream has no size or frame rate", code="no_geometry")
        if max(info.width, info.height) > MAX_SIDE:
            raise BadMediaError(
                f"the video is {info.width}×{info.height} (limit {MAX_SIDE} px a side)", code="too_large"
            )


def ebur128_args(path: Path, fmt: str | None, audio_filter: Chain = ()) -> list[str]:
    """Measure the first audio stream with `ebur128` (the summary is read from the log)."""
    measured = Filter.of("ebur128", peak="true", framelog="verbose")
    return argv(null_output(apply((*audio_filter, measured), source(path, fmt)["a:0"])))


def loudnorm_pass1_args(path: Path, fmt: str | None, audio_filter: Chain, loudnorm: Filter) -> list[str]:
    """Pass 1 of two-pass loudnorm: `loudnorm` prints what it measured as JSON in the log."""
    measuring = Filter(loudnorm.name, loudnorm.args, (*loudnorm.options, ("print_format", "json")))
    return argv(null_output(apply((*audio_filter, measuring), source(path, fmt)["a:0"])))


_EBU = re.compile(r"^\s*(I|LRA|Threshold|Peak):\s+(-?[\d.]+|-inf)\s", re.MULTILINE)


def measure_ebur128(
    path: Path, *, fmt: str | None = None, audio_filter: Chain = (), timeout: float = 600,
    limits: FfmpegLimits = DEFAULT_LIMITS,
) -> Loudness:
    """Integrated loudness, true peak and loudness range of the first audio stream (after `audio_filter`)."""
    result = run_ffmpeg(
        ebur128_args(path, fmt, audio_filter),
        loglevel="info",
        limits=limits.within(timeout),
    )
    summary = result.stderr.rsplit("Summary:", 1)[-1]
    found: dict[str, float] = {}
    for key, value in _EBU.findall(summary):
        found.setdefault(key, float(value))  # the first Threshold is the integrated one
    if "I" not in found:
        raise BadMediaError("the audio could not be measured (no loudness summary)", code="loudness_failed")
    return Loudness(
        integrated_lufs=found["I"],
        true_peak_dbtp=found.get("Peak", float("-inf")),
        lra=found.get("LRA", 0.0),
        threshold_lufs=found.get("Threshold", -70.0),
    )


def measure_loudnorm(
    path: Path, *, fmt: str | None, audio_filter: Chain, loudnorm: Filter, timeout: float = 600,
    limits: FfmpegLimits = DEFAULT_LIMITS,
) -> dict[str, str]:
    """First pass of two-pass loudnorm: the measured values (input_i, input_tp, …) for the second pass."""
    result = run_ffmpeg(
        loudnorm_pass1_args(path, fmt, audio_filter, loudnorm),
        loglevel="info",
        limits=limits.within(timeout),
    )
    block = result.stderr[result.stderr.rfind("{") : result.stderr.rfind("}") + 1]
    try:
        values: dict[str, str] = json.loads(block)
    except json.JSONDecodeError as exc:
        raise BadMediaError("the audio could not be measured (loudnorm)", code="loudness_failed") from exc
    level = values.get("input_i", "-inf")
    if level in ("-inf", "inf", "nan") or float(level) <= -69.9:
        raise BadMediaError("the audio is silent: it cannot be normalised", code="silent_audio")
    return values
