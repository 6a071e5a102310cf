"""Video renditions: render_video (one decode, shared encodes, packaging by copy) vs one ffmpeg per output.

1. Full video profile set (web-hls, web-mp4, youtube, vertical, facebook-feed, zalo-oa, tv-broadcast,
   signage) for a 60 s 1920x1080 30 fps lavfi clip with a tone. The baseline runs one separate ffmpeg per
   rendition (per HLS rung, per MP4, poster and sprite), the way existing systems do it, with exactly the
   same filter graphs and encoder settings (they come from the same plan; x264 `-preset veryfast` in both,
   as set by the profile YAML files). Loudness pass 1 for tv-broadcast is paid by both arms.
2. Quick transcode: web-mp4 of a conforming 60 s 1280x720 source (remux) vs the same profile with quick
   transcoding switched off (re-encode).
3. bench/transcode_images.py's main(), when that file exists.
4. `--captions-only`: the vertical and Facebook feed cuts with captions burned in vs without (target ≤ 1.15×).

CPU seconds are user+system of all child processes (getrusage(RUSAGE_CHILDREN)), so ffprobe and the
loudness passes count too.

    .venv/bin/python bench/transcode.py [--seconds 60]      # from the repository root
"""

from __future__ import annotations

import argparse
import importlib.util
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from transcoding.audio.loudness import normalising_chain  # noqa: E402
from transcoding.ffmpeg_run import input_args, run_ffmpeg  # noqa: E402
from transcoding.probe import MediaInfo, probe  # noqa: E402
from transcoding.profiles import Profile, load_profiles, profiles_for  # noqa: E402
from transcoding.tools import ffmpeg_path  # noqa: E402
from transcoding.types import FocalPoint  # noqa: E402
from transcoding.video.graph import audio_chain, audio_prefilter  # noqa: E402
from transcoding.video.plan import AudioEncode, PlannedOutput, VideoEncode, plan_outputs  # noqa: E402
from transcoding.video.render import render_video  # noqa: E402


def measure(label: str, fn: Callable[[], object]) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    fn()
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(
        f"  {label:<38} wall {wall:7.1f} s   cpu {cpu:7.1f} s",
        flush=True,
    )
    return {"wall": wall, "cpu": cpu}


def make_source(path: Path, seconds: int, size: str, extra: list[str]) -> None:
    subprocess.run(
        [
            str(ffmpeg_path()),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=s={size}:r=30:d={seconds}",
            "-f",
            "lavfi",
            "-i",
            f"sine=f=330:d={seconds}:sample_rate=48000,volume=0.5",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            *extra,
            "-c:a",
            "aac",
            "-b:a",
            "128k",
            "-ac",
            "2",
            "-shortest",
            str(path),
        ],
        check=True,
    )


# -- baseline: one ffmpeg per rendition ------------------------------------------------------------
def _audio_args(info: MediaInfo, source: Path, enc: AudioEncode | None) -> tuple[list[str], list[str]]:
    if enc is None:
        return [], ["-an"]
    normalised = None
    if enc.loudness is not None:
        normalised = normalising_chain(
            source, fmt=info.format_name, prefilter=audio_prefilter(enc), target=enc.loudness
        )
    graph = [f"[0:a:0]{audio_chain(enc, normalised)}[a]"]
    return graph, [
        "-map",
        "[a]",
        "-c:a",
        "aac",
        "-b:a",
        f"{enc.bitrate_kbps}k",
        "-ar",
        str(enc.sample_rate),
        "-ac",
        str(enc.channels),
    ]


def _separate_encode(
    source: Path, info: MediaInfo, enc: VideoEncode, audio: AudioEncode | None, tail: list[str]
) -> None:
    agraph, aargs = _audio_args(info, source, audio)
    graph = ";".join([enc.picture.graph.format(i="0:v:0", o="v"), *agraph])
    run_ffmpeg(
        [
            *input_args(source, info.format_name),
            "-filter_complex",
            graph,
            "-map",
            "[v]",
            *enc.encoder,
            *aargs,
            *tail,
        ],
        duration=info.duration,
    )


def _baseline_output(source: Path, info: MediaInfo, item: PlannedOutput, out: Path) -> None:
    name = out / f"{item.profile}-{item.spec.variant}"
    if item.kind == "mp4" and item.video is not None:
        _separate_encode(source, info, item.video, item.audio, ["-movflags", "+faststart", f"{name}.mp4"])
    elif item.kind == "hls":
        for short, enc in item.rungs:
            rung = out / f"{item.profile}-{short}p"
            rung.mkdir()
            _separate_encode(
                source,
                info,
                enc,
                item.audio,
                [
                    "-f",
                    "hls",
                    "-hls_time",
                    f"{item.spec.segment_seconds:g}",
                    "-hls_playlist_type",
                    "vod",
                    "-hls_segment_type",
                    "fmp4",
                    "-hls_segment_filename",
                    str(rung / "seg_%05d.m4s"),
                    str(rung / "index.m3u8"),
                ],
            )
    elif item.kind == "poster" and item.picture is not None:
        vf = item.picture.graph.format(i="0:v:0", o="v")
        run_ffmpeg(
            [
                "-ss",
                f"{item.spec.at_fraction * info.duration:.3f}",
                *input_args(source, info.format_name),
                "-filter_complex",
                vf,
                "-map",
                "[v]",
                "-frames:v",
                "1",
                f"{name}.jpg",
            ]
        )
    elif item.kind == "sprite" and item.picture is not None:
        count = min(item.spec.sprite_max_tiles, int(info.duration / item.spec.sprite_interval_seconds) + 1)
        cols = min(item.spec.sprite_columns, count)
        graph = (
            f"[0:v:0]fps=1/{info.duration / count:.4f}[t];"
            + item.picture.graph.format(i="t", o="u")
            + f";[u]tile={cols}x{-(-count // cols)}[v]"
        )
        run_ffmpeg(
            [
                *input_args(source, info.format_name),
                "-filter_complex",
                graph,
                "-map",
                "[v]",
                "-frames:v",
                "1",
                f"{name}.jpg",
            ],
            duration=info.duration,
        )


def baseline(source: Path, info: MediaInfo, profiles: list[Profile], out: Path) -> None:
    for profile in profiles:
        for item in plan_outputs(info, profile.name, list(profile.video), FocalPoint()):
            _baseline_output(source, info, item, out)


# -- the runs --------------------------------------------------------------------------------------
def full_set(work: Path, seconds: int) -> None:
    source = work / "source-1080p.mp4"
    make_source(source, seconds, "1920x1080", ["-preset", "ultrafast", "-crf", "18"])
    info = probe(source, "video")
    profiles = profiles_for("video", "video")
    print(f"\nFull video profile set, {seconds} s 1920x1080 source ({', '.join(p.name for p in profiles)})")
    ours = measure("render_video (one decode)", lambda: render_video(source, info, profiles, work / "ours"))
    (work / "base").mkdir()
    base = measure(
        "baseline (one ffmpeg per rendition)", lambda: baseline(source, info, profiles, work / "base")
    )
    print(
        f"  ratio ours/baseline: cpu {ours['cpu'] / base['cpu']:.2f}   wall {ours['wall'] / base['wall']:.2f}"
        "   (target <= 0.7, aim 0.5)"
    )


def quick(work: Path, seconds: int) -> None:
    source = work / "conforming-720p.mp4"
    make_source(
        source,
        seconds,
        "1280x720",
        [
            "-preset",
            "veryfast",
            "-crf",
            "23",
            "-maxrate",
            "3000k",
            "-bufsize",
            "6000k",
            "-g",
            "60",
            "-keyint_min",
            "60",
        ],
    )
    info = probe(source, "video")
    web = load_profiles()["web-mp4"]
    slow = Profile.model_validate(
        {**web.model_dump(), "video": [{**spec.model_dump(), "quick": False} for spec in web.video]}
    )
    print(f"\nQuick transcode, web-mp4 of a conforming {seconds} s 1280x720 source")
    got: list[bool] = []
    fast = measure(
        "quick (remux)",
        lambda: got.extend(
            o.extra.get("quick", False)
            for o in render_video(source, info, [web], work / "quick")
            if o.media_type == "video/mp4"
        ),
    )
    full = measure("re-encode", lambda: render_video(source, info, [slow], work / "slow"))
    print(
        f"  quick path taken: {all(got) and bool(got)}   speed-up: wall {full['wall'] / fast['wall']:.1f}x"
        f"   cpu {full['cpu'] / max(fast['cpu'], 0.01):.1f}x   (target >= 10x)"
    )


def images() -> None:
    path = ROOT / "bench" / "transcode_images.py"
    if not path.exists():
        print("\nbench/transcode_images.py not present: image benchmark skipped")
        return
    spec = importlib.util.spec_from_file_location("transcode_images", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    print("\nImages (bench/transcode_images.py)", flush=True)
    try:
        module.main([])
    except TypeError:
        module.main()


def burned_captions(work: Path, seconds: int) -> None:
    """The feed cuts with captions burned in (a two-line cue every 2 s, the whole clip long) vs the same
    outputs without captions, from the same source in the same run."""
    source = work / "source-captions.mp4"
    make_source(source, seconds, "1920x1080", ["-preset", "ultrafast", "-crf", "18"])
    info = probe(source, "video")
    profiles = [load_profiles()[name] for name in ("vertical", "facebook-feed")]
    vtt = work / "captions.vi.vtt"
    cues = [f"00:00:{t:02d}.000 --> 00:00:{t + 2:02d}.000\nNghị quyết 71 về đột phá phát triển giáo dục\n"
            f"và đào tạo — câu {t // 2 + 1}" for t in range(0, min(seconds, 58), 2)]
    vtt.write_text("WEBVTT\n\n" + "\n\n".join(cues) + "\n", encoding="utf-8")
    print(f"\nBurned-in captions, {seconds} s 1920x1080 source (vertical, facebook-feed)")
    plain = measure("without captions", lambda: render_video(source, info, profiles, work / "plain"))
    burned = measure("captions burned in", lambda: render_video(source, info, profiles, work / "burned",
                                                                  captions=[vtt], burn_language="vi"))
    print(f"  ratio burned/plain: cpu {burned['cpu'] / plain['cpu']:.3f}   wall {burned['wall'] / plain['wall']:.3f}"
          "   (target <= 1.15)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--skip-images", action="store_true")
    parser.add_argument("--captions-only", action="store_true", help="only the burned-in captions comparison")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kho-bench-video-"))
    if args.captions_only:
        try:
            burned_captions(work, args.seconds)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return
    try:
        full_set(work, args.seconds)
        quick(work, args.seconds)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if not args.skip_images:
        images()


if __name__ == "__main__":
    main()
