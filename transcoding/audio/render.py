"""Audio renditions: two-pass EBU R128 loudness normalisation, MP3/AAC encodes with tags, a waveform PNG.

Pass 1 measures each distinct processing chain (downmix, high-pass) with `loudnorm`; pass 2 is ONE ffmpeg
process that decodes the source once and writes every output with the measured values fed back
(`linear=true`, a pure gain when the true-peak ceiling allows it). Every output is measured again and the
result stored on the rendition. The graphs are built with ffmpeg-python (transcoding/ffmpeg_graph.py) and
run by the watched runner.
"""

from __future__ import annotations

import shutil
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transcoding.audio.loudness import loudnorm_filter, normalising_chain
from transcoding.audio.spec import AudioOutputSpec
from transcoding.audio.tags import AudioTags, cover_jpeg, write_tags
from transcoding.ffmpeg_graph import Chain, Filter, Stream, apply, argv, source
from transcoding.ffmpeg_run import DEFAULT_LIMITS, FfmpegLimits, run_ffmpeg
from transcoding.probe import MediaInfo, ffprobe_json, measure_ebur128
from transcoding.profiles import Profile
from transcoding.types import BadMediaError, ProgressFn, RenditionOutput, no_progress

__all__ = ["AudioTags", "render_audio"]

_MEDIA_TYPES = {"mp3": "audio/mpeg", "m4a": "audio/mp4", "png": "image/png"}


@dataclass
class _Item:
    profile: str
    spec: AudioOutputSpec
    path: Path
    chain: Chain = ()


def prefilter(spec: AudioOutputSpec) -> Chain:
    """What happens before loudness is measured: the measurement must see the signal that gets normalised."""
    layout = "mono" if spec.channels == 1 else "stereo"
    chain: Chain = (Filter.of("aresample", 48000), Filter.of("aformat", channel_layouts=layout))
    if spec.highpass_hz:
        chain += (Filter.of("highpass", f=f"{spec.highpass_hz:g}", poles=2),)
    return chain


def waveform_chain(spec: AudioOutputSpec) -> Chain:
    return (
        Filter.of("aformat", channel_layouts="mono"),
        Filter.of("showwavespic", s=f"{spec.width}x{spec.height}", colors=spec.colour.replace("#", "0x"),
                  scale="sqrt"),
    )


def _chains(source: Path, info: MediaInfo, items: list[_Item], limits: FfmpegLimits) -> None:
    chains: dict[tuple[Chain, Filter], Chain] = {}
    for item in items:
        spec, pre = item.spec, prefilter(item.spec)
        if spec.output == "waveform":
            item.chain = waveform_chain(spec)
            continue
        chain = pre
        if spec.loudness is not None:
            key = (pre, loudnorm_filter(spec.loudness))
            if key not in chains:  # pass 1, once per distinct chain and target
                chains[key] = normalising_chain(
                    source,
                    fmt=info.format_name,
                    prefilter=pre,
                    target=spec.loudness,
                    timeout=max(600, info.duration * 2),
                    limits=limits,
                )
            chain = chains[key]
        item.chain = (*chain, Filter.of("aresample", spec.sample_rate, resampler="soxr"))


def encoder_options(spec: AudioOutputSpec) -> dict[str, Any]:
    """Output options of one audio rendition (ffmpeg-python keyword arguments: `-key value`)."""
    if spec.output == "waveform":
        return {"frames:v": 1, "update": 1, "format": "image2"}
    common = {"b:a": f"{spec.bitrate_kbps}k", "ar": spec.sample_rate, "ac": spec.channels}
    if spec.format == "mp3":  # libmp3lame with -b:a alone is constant bitrate
        return {"c:a": "libmp3lame", **common, "write_xing": 1, "format": "mp3"}
    return {"c:a": "aac", **common, "movflags": "+faststart", "format": "mp4"}


def encode_args(source_path: Path, fmt: str | None, items: Sequence[tuple[Chain, AudioOutputSpec, Path]]) -> list[str]:
    """Pass 2: one decode of the first audio stream, split into every output's chain and encoder."""
    audio = source(source_path, fmt, vn=None)["a:0"]  # -vn on the input: the picture is never decoded
    branches: list[Stream] = [audio]
    if len(items) > 1:
        split = audio.filter_multi_output("asplit")
        branches = [split.stream(k) for k in range(len(items))]
    outputs = [
        apply(chain, branch).output(str(path), map_metadata=-1, **encoder_options(spec))
        for branch, (chain, spec, path) in zip(branches, items, strict=True)
    ]
    return argv(*outputs)


def _encode_all(source_path: Path, info: MediaInfo, items: list[_Item], progress: ProgressFn,
                limits: FfmpegLimits) -> None:
    run_ffmpeg(
        encode_args(source_path, info.format_name, [(i.chain, i.spec, i.path) for i in items]),
        duration=info.duration,
        progress=lambda f: progress(0.2 + 0.6 * f),
        limits=limits.within(max(1800, info.duration * 3)),
    )


def _describe(item: _Item, info: MediaInfo, tags: AudioTags | None, cover: Path | None,
              limits: FfmpegLimits) -> RenditionOutput:
    spec, path = item.spec, item.path
    rel = f"{item.profile}/{path.name}"
    if spec.output == "waveform":
        return RenditionOutput(
            path, item.profile, spec.variant, "image/png", spec.width, spec.height, extra={"files": [rel]}
        )
    if tags is not None and spec.tags:
        write_tags(path, spec.format, tags, cover if spec.cover_art else None)
    duration = float(ffprobe_json(path).get("format", {}).get("duration") or info.duration)
    loud = measure_ebur128(path, timeout=max(600, duration * 2), limits=limits)
    out = RenditionOutput(
        path,
        item.profile,
        spec.variant,
        _MEDIA_TYPES[spec.format],
        duration=duration,
        bitrate=spec.bitrate_kbps * 1000,
        loudness_lufs=loud.integrated_lufs,
        true_peak_dbtp=loud.true_peak_dbtp,
        extra={
            "files": [rel],
            "sample_rate": spec.sample_rate,
            "channels": spec.channels,
            "lra": loud.lra,
            "size_bytes": path.stat().st_size,
        },
    )
    if spec.loudness is not None:
        out.extra["loudness_target"] = spec.loudness.integrated_lufs
        out.extra["within_tolerance"] = abs(loud.integrated_lufs - spec.loudness.integrated_lufs) <= (
            spec.loudness.tolerance_lu
        )
    return out


def render_audio(
    input_path: Path,
    info: MediaInfo,
    profiles: Sequence[Profile],
    out_dir: Path,
    *,
    tags: AudioTags | None = None,
    cover_art: Path | None = None,
    progress: ProgressFn = no_progress,
    limits: FfmpegLimits = DEFAULT_LIMITS,
) -> list[RenditionOutput]:
    """Every `audio:` output of `profiles` for one probed source (audio file or a video's sound track)."""
    if info.audio is None:
        raise BadMediaError("the file has no audio stream", code="no_audio")
    items = [
        _Item(p.name, spec, out_dir / p.name / f"{spec.variant}.{spec.format}")
        for p in profiles
        for spec in p.audio
    ]
    if not items:
        return []
    for item in items:
        item.path.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".work-", dir=out_dir))
    try:
        cover = cover_jpeg(cover_art, work, max(i.spec.cover_size for i in items)) if cover_art else None
        _chains(input_path, info, items, limits)
        progress(0.2)
        _encode_all(input_path, info, items, progress, limits)
        results = [_describe(item, info, _nfc(tags), cover, limits) for item in items]
        progress(1.0)
        return results
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _nfc(tags: AudioTags | None) -> AudioTags | None:
    if tags is None:
        return None
    values = {k: unicodedata.normalize("NFC", v) if isinstance(v, str) else v for k, v in vars(tags).items()}
    return AudioTags(**values)
