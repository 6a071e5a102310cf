"""Plan a video job: which distinct encodes the profiles need, and which outputs each encode serves.

Two outputs share an encode when their picture (geometry, crop, frame rate) and encoder settings agree:
the 720p of web-hls, web-mp4 and zalo-oa is one encode; the 1080p of web-hls and youtube is another.
Audio is planned separately for the same reason (a 128k AAC track serves every rung and the MP4s).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from transcoding.audio.spec import LoudnessTarget
from transcoding.probe import MediaInfo
from transcoding.types import FocalPoint
from transcoding.video.spec import VideoOutputSpec

# Room left in a size ceiling for container overhead and rate-control overshoot.
SIZE_CAP_MARGIN = 0.93
MIN_CAPPED_KBPS = 150


def even(value: float) -> int:
    return max(2, int(round(value / 2)) * 2)


@dataclass(frozen=True)
class Picture:
    """How to turn the decoded source into one output picture (a template with {i}/{o} pad labels)."""

    width: int
    height: int
    graph: str  # e.g. "[{i}]fps=30,scale=1280:720[{o}]"
    rescaled: bool  # False when the output has the source's exact size and frame rate


@dataclass(frozen=True)
class VideoEncode:
    picture: Picture
    fps: str
    gop: int
    encoder: tuple[str, ...]
    h264_profile: str
    maxrate_kbps: int | None
    keyframe_seconds: float
    quick: bool


@dataclass(frozen=True)
class AudioEncode:
    bitrate_kbps: int
    sample_rate: int
    channels: int
    loudness: LoudnessTarget | None
    quick: bool


@dataclass
class PlannedOutput:
    profile: str
    spec: VideoOutputSpec
    kind: str  # mp4, hls, poster, sprite
    video: VideoEncode | None = None
    audio: AudioEncode | None = None
    rungs: list[tuple[int, VideoEncode]] = field(default_factory=list)  # hls: (short side, encode)
    picture: Picture | None = None  # poster / sprite


def output_fps(info: MediaInfo, spec: VideoOutputSpec) -> Fraction:
    if spec.fps:
        return Fraction(spec.fps).limit_denominator(1001)
    source = Fraction(info.frame_rate or "25").limit_denominator(1001)
    return min(source, Fraction(spec.max_fps).limit_denominator(1001))


def _scale_to(graph_in: str, w: int, h: int, sw: int, sh: int) -> str:
    return graph_in if (w, h) == (sw, sh) else f"{graph_in},scale={w}:{h}:flags=bicubic"


def picture_for(
    info: MediaInfo,
    spec: VideoOutputSpec,
    fps: Fraction | None,
    focal: FocalPoint,
    short_side: int | None = None,
) -> Picture:
    sw, sh = int(info.width or 0), int(info.height or 0)
    rate = f"fps={fps.numerator}/{fps.denominator}" if fps else "null"
    same_rate = fps is None or abs(float(fps) - (info.fps or 0)) < 0.01
    if short_side is not None or spec.fit == "contain":
        if short_side is not None:
            s = short_side / min(sw, sh)
        else:
            s = min((spec.width or math.inf) / sw, (spec.height or math.inf) / sh)
        s = s if spec.upscale else min(s, 1.0)
        w, h = even(sw * s), even(sh * s)
        chain = _scale_to(rate, w, h, sw, sh)
        return Picture(w, h, f"[{{i}}]{chain},setsar=1[{{o}}]", rescaled=(w, h) != (sw, sh) or not same_rate)
    bw, bh = int(spec.width or sw), int(spec.height or sh)
    if spec.fit == "cover":
        return _cover(sw, sh, bw, bh, spec.upscale, rate, focal)
    return _pad(sw, sh, bw, bh, spec, rate)


def _cover(sw: int, sh: int, bw: int, bh: int, upscale: bool, rate: str, focal: FocalPoint) -> Picture:
    aspect = bw / bh
    cw, ch = (even(sh * aspect), sh) if sw / sh > aspect else (sw, even(sw / aspect))
    cw, ch = min(cw, sw - sw % 2), min(ch, sh - sh % 2)
    x = int(min(max(focal.x * sw - cw / 2, 0), sw - cw))
    y = int(min(max(focal.y * sh - ch / 2, 0), sh - ch))
    f = 1.0 if upscale else min(1.0, cw / bw)
    w, h = even(bw * f), even(bh * f)
    return Picture(
        w, h, f"[{{i}}]{rate},crop={cw}:{ch}:{x}:{y},scale={w}:{h}:flags=bicubic,setsar=1[{{o}}]", True
    )


def _pad(sw: int, sh: int, bw: int, bh: int, spec: VideoOutputSpec, rate: str) -> Picture:
    s = min(bw / sw, bh / sh)
    if s > 1 and not spec.upscale:  # shrink the box instead of enlarging the picture
        bw, bh, s = even(bw / s), even(bh / s), 1.0
    w, h = even(bw), even(bh)
    fw, fh = min(even(sw * s), w), min(even(sh * s), h)
    if spec.pad_style == "black":
        pad = f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2:black"
        chain = f"[{{i}}]{rate},scale={fw}:{fh}:flags=bicubic,{pad},setsar=1[{{o}}]"
        return Picture(w, h, chain, True)
    # The blurred backdrop is made at 1/8 size: blurring full-size frames would cost more than the encode.
    sw8, sh8 = even(w / 8), even(h / 8)
    graph = (
        f"[{{i}}]{rate},split=2[{{o}}bg][{{o}}fg];"
        f"[{{o}}bg]scale={sw8}:{sh8}:force_original_aspect_ratio=increase,crop={sw8}:{sh8},"
        f"boxblur=4:2,scale={w}:{h}[{{o}}b];"
        f"[{{o}}fg]scale={fw}:{fh}:flags=bicubic[{{o}}f];"
        f"[{{o}}b][{{o}}f]overlay=(W-w)/2:(H-h)/2,setsar=1[{{o}}]"
    )
    return Picture(w, h, graph, True)


def capped_maxrate(info: MediaInfo, spec: VideoOutputSpec, maxrate: int | None) -> int | None:
    if spec.max_bytes is None:
        return maxrate
    audio = spec.audio_bitrate_kbps if spec.audio and info.audio is not None else 0
    budget = int(spec.max_bytes * 8 * SIZE_CAP_MARGIN / max(info.duration, 0.1) / 1000) - audio
    budget = max(budget, MIN_CAPPED_KBPS)
    return budget if maxrate is None else min(maxrate, budget)


def encoder_args(spec: VideoOutputSpec, maxrate: int | None, gop: int) -> tuple[str, ...]:
    args = ["-c:v", "libx264", "-preset", spec.preset, "-profile:v", spec.h264_profile, "-pix_fmt", "yuv420p"]
    if spec.h264_level:
        args += ["-level:v", spec.h264_level]
    if spec.bitrate_kbps:
        b = f"{spec.bitrate_kbps}k"
        # nal-hrd=cbr pads with filler so a broadcast chain sees a true constant rate.
        args += ["-b:v", b, "-minrate", b, "-maxrate", b, "-bufsize", b, "-x264-params", "nal-hrd=cbr"]
    else:
        args += ["-crf", str(spec.crf)]
        if maxrate:
            args += ["-maxrate", f"{maxrate}k", "-bufsize", f"{2 * maxrate}k"]
    args += ["-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0", "-flags", "+cgop"]
    return tuple(args)


def video_encode(
    info: MediaInfo,
    spec: VideoOutputSpec,
    focal: FocalPoint,
    short_side: int | None = None,
    maxrate: int | None = None,
) -> VideoEncode:
    fps = output_fps(info, spec)
    gop = max(1, round(spec.keyframe_seconds * fps))
    rate = capped_maxrate(info, spec, maxrate if maxrate is not None else spec.maxrate_kbps)
    return VideoEncode(
        picture=picture_for(info, spec, fps, focal, short_side),
        fps=f"{fps.numerator}/{fps.denominator}",
        gop=gop,
        encoder=encoder_args(spec, rate, gop),
        h264_profile=spec.h264_profile,
        maxrate_kbps=rate,
        keyframe_seconds=spec.keyframe_seconds,
        quick=spec.quick and not spec.bitrate_kbps,
    )


def audio_encode(info: MediaInfo, spec: VideoOutputSpec) -> AudioEncode | None:
    if not spec.audio or info.audio is None:
        return None
    return AudioEncode(
        spec.audio_bitrate_kbps, spec.audio_sample_rate, spec.audio_channels, spec.loudness, quick=spec.quick
    )


def ladder_heights(info: MediaInfo, spec: VideoOutputSpec) -> list[tuple[int, int]]:
    """(short side, maxrate) of the rungs at or below the source; the lowest rung if the source is smaller."""
    short = min(int(info.width or 0), int(info.height or 0))
    rungs = sorted((r.height, r.maxrate_kbps) for r in spec.ladder)
    kept = [r for r in rungs if r[0] <= short]
    return kept or [(even(short), rungs[0][1])]


def plan_outputs(
    info: MediaInfo, profile: str, specs: list[VideoOutputSpec], focal: FocalPoint
) -> list[PlannedOutput]:
    planned: list[PlannedOutput] = []
    for spec in specs:
        if spec.output == "mp4":
            planned.append(
                PlannedOutput(profile, spec, "mp4", video_encode(info, spec, focal), audio_encode(info, spec))
            )
        elif spec.output == "hls":
            rungs = [
                (h, video_encode(info, spec, focal, short_side=h, maxrate=rate))
                for h, rate in ladder_heights(info, spec)
            ]
            planned.append(PlannedOutput(profile, spec, "hls", audio=audio_encode(info, spec), rungs=rungs))
        else:
            planned.append(
                PlannedOutput(profile, spec, spec.output, picture=_still_picture(info, spec, focal))
            )
    return planned


def _still_picture(info: MediaInfo, spec: VideoOutputSpec, focal: FocalPoint) -> Picture:
    if spec.output == "sprite":
        width = spec.width or 160
        height = even(width * (info.height or 9) / (info.width or 16))
        return Picture(width, height, f"[{{i}}]scale={width}:{height}[{{o}}]", True)
    return picture_for(info, spec, None, focal)
