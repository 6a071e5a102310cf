"""Package encoded streams without re-encoding: faststart MP4s, fMP4 HLS rungs and the master playlist."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from transcoding.ffmpeg_run import DEFAULT_LIMITS, FfmpegLimits, input_args, run_ffmpeg
from transcoding.probe import ffprobe_json
from transcoding.video.captions import Caption
from transcoding.video.graph import Artifact

_AVC_PROFILE = {"High": "6400", "Main": "4d00", "Constrained Baseline": "42e0", "Baseline": "4200"}


def _inputs(parts: list[Artifact]) -> tuple[list[str], list[str]]:
    args: list[str] = []
    maps: list[str] = []
    index: dict[Path, int] = {}
    for part in parts:
        if part.path not in index:
            index[part.path] = len(index)
            args += input_args(part.path, part.fmt)
        maps += ["-map", f"{index[part.path]}:{part.stream}"]
    return args, maps


# These commands stay argument lists, not ffmpeg-python graphs: they have no filters, and the rights are
# repeated global `-metadata key=value` options (VideoRights.ffmpeg_args), which ffmpeg-python's one value
# per keyword cannot write.
def package_mp4(parts: list[Artifact], out: Path, *, faststart: bool = True, metadata: Sequence[str] = (),
                subtitles: Sequence[tuple[Path, str, str]] = (), limits: FfmpegLimits = DEFAULT_LIMITS) -> None:
    """Mux video (+ audio) into a progressive MP4; faststart puts the index before the media data.
    The source's own tags are dropped; `metadata` (`-metadata key=value` pairs) is what the file says.
    `subtitles` (WebVTT file, ISO 639 three-letter tag, track name) become mov_text tracks."""
    args, maps = _inputs(parts)
    flags = ["-movflags", "+faststart"] if faststart else []
    subs: list[str] = []
    first = len({p.path for p in parts})
    for n, (vtt, tag, name) in enumerate(subtitles):
        args += input_args(vtt, "webvtt")
        maps += ["-map", f"{first + n}:s:0"]
        subs += [f"-metadata:s:s:{n}", f"language={tag}", f"-metadata:s:s:{n}", f"handler_name={name}"]
    run_ffmpeg(
        [
            *args,
            *maps,
            "-c",
            "copy",
            *(["-c:s", "mov_text", *subs] if subtitles else []),
            "-map_metadata",
            "-1",
            "-map_chapters",
            "-1",
            *metadata,
            *flags,
            "-f",
            "mp4",
            "-y",
            str(out),
        ],
        limits=limits.within(600),
    )


def package_hls_rung(parts: list[Artifact], rung_dir: Path, segment_seconds: float,
                     limits: FfmpegLimits = DEFAULT_LIMITS) -> Path:
    rung_dir.mkdir(parents=True, exist_ok=True)
    args, maps = _inputs(parts)
    run_ffmpeg(
        [
            *args,
            *maps,
            "-c",
            "copy",
            "-map_metadata",
            "-1",
            "-f",
            "hls",
            "-hls_time",
            f"{segment_seconds:g}",
            "-hls_playlist_type",
            "vod",
            "-hls_segment_type",
            "fmp4",
            "-hls_fmp4_init_filename",
            "init.mp4",
            "-hls_segment_filename",
            "seg_%05d.m4s",
            "-hls_flags",
            "independent_segments",
            "-y",
            "index.m3u8",
        ],
        limits=limits.within(600),
        cwd=rung_dir,
    )
    return rung_dir / "index.m3u8"


def avc_codec(artifact: Artifact) -> str:
    data = ffprobe_json(artifact.path)
    video = [s for s in data.get("streams", []) if s.get("codec_type") == "video"]
    stream = video[0] if video else {}
    return f"avc1.{_AVC_PROFILE.get(stream.get('profile', 'High'), '6400')}{int(stream.get('level', 40)):02x}"


@dataclass
class RungInfo:
    playlist: Path
    files: list[Path]
    width: int
    height: int
    fps: str
    peak_bps: int
    average_bps: int
    codecs: str
    duration: float


def segment_rates(playlist: Path) -> tuple[int, int, float, list[Path]]:
    """Peak and average bits per second over the rung's segments (BANDWIDTH must be the peak)."""
    text = playlist.read_text()
    durations = [float(d) for d in re.findall(r"#EXTINF:([\d.]+)", text)]
    names = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    files = [playlist.parent / n for n in names]
    init = playlist.parent / "init.mp4"
    sizes = [f.stat().st_size for f in files]
    total = sum(durations) or 1.0
    peak = max((s * 8 / max(d, 0.1) for s, d in zip(sizes, durations, strict=True)), default=0.0)
    average = (sum(sizes) + (init.stat().st_size if init.exists() else 0)) * 8 / total
    return int(max(peak, average)), int(average), total, [init, *files] if init.exists() else files


def write_master(path: Path, rungs: list[RungInfo], captions: list[tuple[Caption, str]],
                 session_data: Sequence[str] = ()) -> None:
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS", *session_data]
    for n, (cap, uri) in enumerate(captions):
        default = "YES" if n == 0 else "NO"
        lines.append(
            f'#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="{cap.name}",LANGUAGE="{cap.language}",'
            f'DEFAULT={default},AUTOSELECT=YES,URI="{uri}"'
        )
    for rung in sorted(rungs, key=lambda r: r.peak_bps):
        num, _, den = rung.fps.partition("/")
        fps = float(num) / float(den or 1)
        attrs = (
            f"BANDWIDTH={rung.peak_bps},AVERAGE-BANDWIDTH={rung.average_bps},"
            f'RESOLUTION={rung.width}x{rung.height},FRAME-RATE={fps:.3f},CODECS="{rung.codecs}"'
        )
        if captions:
            attrs += ',SUBTITLES="subs"'
        lines += [f"#EXT-X-STREAM-INF:{attrs}", rung.playlist.relative_to(path.parent).as_posix()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
