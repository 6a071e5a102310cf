"""Video renditions for every platform profile from one decode.

render_video plans the distinct encodes (plan.py), runs ONE ffmpeg process that decodes the source
once and writes every encode, the poster and the sprite (graph.py), then packages each encode as many
times as profiles need it without re-encoding (package.py). Sources that already conform are copied.
Outputs land in `out_dir/<profile>/`; intermediates in a scratch folder that is always removed.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PIL import Image

from transcoding.audio.loudness import normalising_chain
from transcoding.ffmpeg_run import DEFAULT_LIMITS, FfmpegLimits, run_ffmpeg
from transcoding.languages import stream_tag
from transcoding.probe import MediaInfo, ffprobe_json, measure_ebur128
from transcoding.profiles import Profile
from transcoding.types import BadMediaError, FocalPoint, ProgressFn, RenditionOutput, no_progress
from transcoding.video.captions import Caption, load_caption, subtitle_playlist
from transcoding.video.captions_burn import burn_into
from transcoding.video.graph import (
    Artifact,
    Still,
    audio_chain,
    audio_conforms,
    audio_prefilter,
    main_args,
    poster_args,
    video_conforms,
)
from transcoding.video.package import (
    RungInfo,
    avc_codec,
    package_hls_rung,
    package_mp4,
    segment_rates,
    write_master,
)
from transcoding.video.plan import AudioEncode, PlannedOutput, VideoEncode, plan_outputs, video_encode
from transcoding.video.rights import VideoRights


def _scaled(progress: ProgressFn, start: float, end: float) -> ProgressFn:
    return lambda f: progress(start + (end - start) * f)


class _VideoJob:
    def __init__(
        self,
        source: Path,
        info: MediaInfo,
        out_dir: Path,
        work: Path,
        focal: FocalPoint,
        progress: ProgressFn,
        rights: VideoRights,
        limits: FfmpegLimits,
    ) -> None:
        self.source, self.info, self.out_dir, self.work = source, info, out_dir, work
        self.limits = limits
        self.focal, self.progress, self.rights = focal, progress, rights
        self.video: dict[VideoEncode, Artifact] = {}
        self.audio: dict[AudioEncode, Artifact] = {}
        self.subtitles: list[tuple[Path, str, str]] = []  # soft captions for the MP4s
        self.burned: set[tuple[str, str]] = set()  # (profile, variant) with captions in the picture

    def rel(self, path: Path) -> str:
        return path.relative_to(self.out_dir).as_posix()

    # -- the single decode -------------------------------------------------------------------------
    def encode(self, planned: list[PlannedOutput]) -> None:
        to_video: dict[VideoEncode, Path] = {}
        to_audio: dict[AudioEncode, tuple[Path, str]] = {}
        for item in planned:
            for enc in [item.video, *(e for _, e in item.rungs)]:
                if enc is not None and enc not in self.video:
                    self.video[enc] = self._video_artifact(enc, to_video)
            if item.audio is not None and item.audio not in self.audio:
                self.audio[item.audio] = self._audio_artifact(item.audio, to_audio)
        sprites = [self._still(item) for item in planned if item.kind == "sprite"]
        if to_video or to_audio or sprites:
            result = run_ffmpeg(
                main_args(self.source, self.info, to_video, to_audio, sprites),
                duration=self.info.duration,
                progress=_scaled(self.progress, 0.0, 0.8),
                limits=self.limits,
            )
            if (to_video or to_audio) and result.out_time < self.info.duration * 0.9 - 1:
                raise BadMediaError(
                    f"the media ends at {result.out_time:.1f} s of {self.info.duration:.1f} s: "
                    "the file is truncated or damaged",
                    code="truncated",
                )
        for item in planned:
            if item.kind == "poster":
                run_ffmpeg(poster_args(self.source, self.info, self._still(item)), limits=self.limits.within(300))

    def _video_artifact(self, enc: VideoEncode, pending: dict[VideoEncode, Path]) -> Artifact:
        if video_conforms(self.info, enc, self.source):
            return Artifact(self.source, self.info.format_name, "v:0", copied=True)
        pending[enc] = self.work / f"v{len(pending)}.mp4"
        return Artifact(pending[enc], "mp4", "v:0")

    def _audio_artifact(self, enc: AudioEncode, pending: dict[AudioEncode, tuple[Path, str]]) -> Artifact:
        if audio_conforms(self.info, enc):
            return Artifact(self.source, self.info.format_name, "a:0", copied=True)
        normalised = None
        if enc.loudness is not None:  # pass 1 of two-pass loudnorm, on the audio alone
            try:
                normalised = normalising_chain(
                    self.source,
                    fmt=self.info.format_name,
                    prefilter=audio_prefilter(enc),
                    target=enc.loudness,
                    timeout=max(600, self.info.duration * 2),
                    limits=self.limits,
                )
            except BadMediaError as exc:
                if exc.code != "silent_audio":
                    raise
                # A silent sound track is legitimate in a video: keep it as it is, unnormalised.
        path = self.work / f"a{len(pending)}.m4a"
        pending[enc] = (path, audio_chain(enc, normalised))
        return Artifact(path, "mp4", "a:0")

    def _still(self, item: PlannedOutput) -> Still:
        assert item.picture is not None
        folder = self.out_dir / item.profile
        folder.mkdir(parents=True, exist_ok=True)
        spec, duration = item.spec, self.info.duration
        if item.kind == "poster":
            start = min(spec.at_fraction * duration, max(duration - 0.2, 0.0))
            return Still(item.picture, folder / f"{spec.variant}.jpg", start, jpeg_quality=spec.jpeg_quality)
        count = max(1, min(spec.sprite_max_tiles, math.ceil(duration / spec.sprite_interval_seconds)))
        cols = min(spec.sprite_columns, count)
        return Still(
            item.picture,
            self.work / f"sprite-{item.profile}-{spec.variant}-%05d.jpg",
            0.0,
            interval=max(duration / count, 0.04),
            grid=(cols, math.ceil(count / cols)),
            jpeg_quality=spec.jpeg_quality,
        )

    # -- packaging ---------------------------------------------------------------------------------
    def parts(self, enc: VideoEncode, audio: AudioEncode | None) -> list[Artifact]:
        return [self.video[enc], *([self.audio[audio]] if audio is not None else [])]

    def mp4(self, item: PlannedOutput) -> RenditionOutput:
        assert item.video is not None
        out = self.out_dir / item.profile / f"{item.spec.variant}.mp4"
        out.parent.mkdir(parents=True, exist_ok=True)
        enc = item.video
        burned = (item.profile, item.spec.variant) in self.burned
        subtitles = [] if burned else self.subtitles
        package_mp4(self.parts(enc, item.audio), out, faststart=item.spec.faststart,
                    metadata=self.rights.ffmpeg_args(), subtitles=subtitles, limits=self.limits)
        if item.spec.max_bytes and out.stat().st_size > item.spec.max_bytes:
            enc = self._refit(item, out)
        video = self.video[enc]
        probed = ffprobe_json(out)  # the file's own size and duration, not the plan's
        stream: dict[str, Any] = next((s for s in probed.get("streams", []) if s.get("codec_type") == "video"), {})
        w, h = stream.get("width"), stream.get("height")
        duration = float(probed.get("format", {}).get("duration") or self.info.duration)
        result = RenditionOutput(
            out,
            item.profile,
            item.spec.variant,
            "video/mp4",
            w,
            h,
            duration,
            int(out.stat().st_size * 8 / max(duration, 0.001)),
            extra={
                "quick": video.copied,
                "files": [self.rel(out)],
                "fps": enc.fps,
                "audio_copied": bool(item.audio and self.audio[item.audio].copied),
                **{k: v for k, v in (("label_vi", item.spec.label_vi), ("label_en", item.spec.label_en)) if v},
                **({"burned_captions": True} if burned else {}),
                **({"subtitle_languages": [tag for _, tag, _ in subtitles]} if subtitles else {}),
            },
        )
        if item.spec.loudness is not None and item.audio is not None:
            measured = measure_ebur128(out, limits=self.limits)
            result.loudness_lufs, result.true_peak_dbtp = measured.integrated_lufs, measured.true_peak_dbtp
            result.extra["loudness_target"] = item.spec.loudness.integrated_lufs
        return result

    def _refit(self, item: PlannedOutput, out: Path) -> VideoEncode:
        """Re-encode one output whose size went over its ceiling, at a rate scaled to fit."""
        assert item.video is not None and item.spec.max_bytes
        rate = int((item.video.maxrate_kbps or 1000) * item.spec.max_bytes / out.stat().st_size * 0.85)
        enc = video_encode(self.info, item.spec, self.focal, maxrate=max(rate, 50))
        path = self.work / f"refit-{item.profile}.mp4"
        run_ffmpeg(main_args(self.source, self.info, {enc: path}, {}, []), duration=self.info.duration,
                   limits=self.limits)
        self.video[enc] = Artifact(path, "mp4", "v:0")
        burned = (item.profile, item.spec.variant) in self.burned
        package_mp4(self.parts(enc, item.audio), out, faststart=item.spec.faststart,
                    metadata=self.rights.ffmpeg_args(), subtitles=[] if burned else self.subtitles,
                    limits=self.limits)
        if out.stat().st_size > item.spec.max_bytes:
            raise BadMediaError(
                f"{item.profile}: the video cannot fit in {item.spec.max_bytes} bytes",
                code="size_cap_unreachable",
            )
        return enc

    def hls(self, item: PlannedOutput, captions: list[Caption]) -> list[RenditionOutput]:
        folder = self.out_dir / item.profile
        prefix = "" if item.spec.variant == "hls" else f"{item.spec.variant}-"
        outputs: list[RenditionOutput] = []
        rungs: list[RungInfo] = []
        for short, enc in item.rungs:
            playlist = package_hls_rung(
                self.parts(enc, item.audio), folder / f"{prefix}{short}p", item.spec.segment_seconds,
                limits=self.limits,
            )
            peak, average, duration, files = segment_rates(playlist)
            codecs = avc_codec(self.video[enc]) + (",mp4a.40.2" if item.audio else "")
            w, h = (
                (self.info.width, self.info.height)
                if self.video[enc].copied
                else (enc.picture.width, enc.picture.height)
            )
            rungs.append(RungInfo(playlist, files, int(w or 0), int(h or 0), enc.fps, peak, average, codecs, duration))
            outputs.append(
                RenditionOutput(
                    playlist,
                    item.profile,
                    f"{prefix}{short}p",
                    "application/vnd.apple.mpegurl",
                    w,
                    h,
                    duration,
                    average,
                    extra={
                        "quick": self.video[enc].copied,
                        "peak_bitrate": peak,
                        "codecs": codecs,
                        "files": [self.rel(playlist), *(self.rel(f) for f in files)],
                    },
                )
            )
        subs = [self._caption(folder, prefix, cap, outputs, item.profile) for cap in captions]
        master = folder / f"{prefix}master.m3u8"
        write_master(master, rungs, subs, self.rights.session_data())
        outputs.append(
            RenditionOutput(
                master,
                item.profile,
                f"{prefix}master",
                "application/vnd.apple.mpegurl",
                max(r.width for r in rungs),
                max(r.height for r in rungs),
                self.info.duration,
                max(r.peak_bps for r in rungs),
                # The master stands for the whole HLS output: publication looks for the profile's own name.
                extra={"rungs": [f"{r.height}p" for r in rungs], "files": [self.rel(master)],
                       "spec": item.spec.variant},
            )
        )
        return outputs

    def _caption(
        self, folder: Path, prefix: str, cap: Caption, outputs: list[RenditionOutput], profile: str
    ) -> tuple[Caption, str]:
        vtt = folder / f"{prefix}captions-{cap.language}.vtt"
        vtt.write_text(cap.webvtt, encoding="utf-8")
        playlist = vtt.with_suffix(".m3u8")
        playlist.write_text(subtitle_playlist(vtt.name, self.info.duration), encoding="utf-8")
        outputs.append(
            RenditionOutput(
                vtt,
                profile,
                f"{prefix}captions-{cap.language}",
                "text/vtt",
                duration=self.info.duration,
                extra={
                    "language": cap.language,
                    "cues": cap.cues,
                    "files": [self.rel(vtt), self.rel(playlist)],
                },
            )
        )
        return cap, playlist.name

    def still(self, item: PlannedOutput) -> RenditionOutput:
        assert item.picture is not None
        path = self.out_dir / item.profile / f"{item.spec.variant}.jpg"
        if item.kind == "sprite":
            return self._sprite(item, path)
        if not path.exists():
            raise BadMediaError(f"no frame could be taken for {item.profile}/{item.spec.variant}", code="no_frame")
        pic = item.picture
        return RenditionOutput(
            path,
            item.profile,
            item.spec.variant,
            "image/jpeg",
            pic.width,
            pic.height,
            extra={"files": [self.rel(path)]},
        )

    def _sprite(self, item: PlannedOutput, path: Path) -> RenditionOutput:
        assert item.picture is not None
        spec, pic = item.spec, item.picture
        frames = sorted(self.work.glob(f"sprite-{item.profile}-{spec.variant}-*.jpg"))[: spec.sprite_max_tiles]
        count = len(frames)
        if not count:
            raise BadMediaError(f"no frame could be taken for {item.profile}/{spec.variant}", code="no_frame")
        cols = min(spec.sprite_columns, count)
        rows, step = math.ceil(count / cols), self.info.duration / count
        sheet = Image.new("RGB", (pic.width * cols, pic.height * rows))
        cues = ["WEBVTT", ""]
        for n, frame in enumerate(frames):
            x, y = (n % cols) * pic.width, (n // cols) * pic.height
            with Image.open(frame) as tile:
                sheet.paste(tile.convert("RGB"), (x, y))
            start, end = _stamp(n * step), _stamp(min((n + 1) * step, self.info.duration))
            cues += [f"{start} --> {end}", f"{path.name}#xywh={x},{y},{pic.width},{pic.height}", ""]
        sheet.save(path, "JPEG", quality=spec.jpeg_quality, optimize=True)
        vtt = path.with_suffix(".vtt")
        vtt.write_text("\n".join(cues), encoding="utf-8")
        return RenditionOutput(
            path,
            item.profile,
            spec.variant,
            "image/jpeg",
            pic.width * cols,
            pic.height * rows,
            extra={
                "columns": cols,
                "rows": rows,
                "tiles": count,
                "interval": step,
                "tile_width": pic.width,
                "tile_height": pic.height,
                "vtt": self.rel(vtt),
                "files": [self.rel(path), self.rel(vtt)],
            },
        )


def _stamp(t: float) -> str:
    ms = int(round(t * 1000))
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def _subtitle_files(caps: list[Caption], work: Path) -> list[tuple[Path, str, str]]:
    files = []
    for n, cap in enumerate(caps):
        path = work / f"sub{n}.vtt"
        path.write_text(cap.webvtt, encoding="utf-8")
        files.append((path, stream_tag(cap.language), cap.name))
    return files


def render_video(
    input_path: Path,
    info: MediaInfo,
    profiles: Sequence[Profile],
    out_dir: Path,
    *,
    focal: FocalPoint = FocalPoint(),
    captions: Sequence[Path] = (),
    burn_language: str = "",
    progress: ProgressFn = no_progress,
    rights: VideoRights = VideoRights(),
    limits: FfmpegLimits = DEFAULT_LIMITS,
) -> list[RenditionOutput]:
    """Every `video:` output of `profiles` for one probed source, written under `out_dir/<profile>/`."""
    if info.video is None:
        raise BadMediaError("the file has no video stream", code="no_video")
    caps = [load_caption(c) for c in captions]
    planned = [p for prof in profiles for p in plan_outputs(info, prof.name, list(prof.video), focal)]
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".work-", dir=out_dir))
    try:
        job = _VideoJob(input_path, info, out_dir, work, focal, progress, rights, limits)
        if caps:
            job.subtitles = _subtitle_files(caps, work)
            burn = next((c for c in caps if c.language == burn_language.lower()), caps[0])
            job.burned = burn_into(planned, burn, work)
        job.encode(planned)
        outputs: list[RenditionOutput] = []
        for n, item in enumerate(planned):
            if item.kind == "mp4":
                outputs.append(job.mp4(item))
            elif item.kind == "hls":
                outputs += job.hls(item, caps)
            else:
                outputs.append(job.still(item))
            progress(0.8 + 0.2 * (n + 1) / len(planned))
        return outputs
    finally:
        shutil.rmtree(work, ignore_errors=True)
