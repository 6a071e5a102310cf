"""Rendition names state the delivered size, measured on the real files (ffprobe, Pillow), never the
profile's wish; 16:9 → 9:16 comes as a centre crop and a blurred fill, both at the full 1080×1920."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from tests.transcoding.av_media import make_clip, stream
from transcoding.ffmpeg_run import FfmpegLimits
from transcoding.labels import truthful_variant
from transcoding.pipeline import ProcessRequest, process
from transcoding.probe import probe
from transcoding.profiles import default_profiles
from transcoding.video.render import render_video


@pytest.mark.parametrize(("variant", "size", "expected"), [
    ("1080p", (1280, 720), "720p"),
    ("1080p25", (1920, 1080), "1080p25"),
    ("1080x1920", (608, 1080), "608x1080"),
    ("crop-1080x1920", (1080, 1920), "crop-1080x1920"),
    ("webp-1600", (700, 420), "webp-700"),
    ("thumb-320", (80, 80), "thumb-80"),
    ("cover-16x9", (1280, 720), "cover-16x9"),
    ("pdf-300ppi", (900, 600), "pdf-300ppi"),
    ("poster", (1280, 720), "poster"),
])
def test_dimension_tokens_follow_the_real_size(variant: str, size: tuple[int, int], expected: str) -> None:
    assert truthful_variant(variant, *size) == expected


def test_youtube_from_720p_says_720p_and_vertical_comes_in_two_full_size_forms(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "s.mp4", size="1280x720", seconds=1, fps=25)
    profiles = [default_profiles()["youtube"], default_profiles()["vertical"]]
    outputs = render_video(source, probe(source, "video"), profiles, tmp_path / "out")
    from transcoding.labels import label_outputs

    named = {(o.profile, o.variant): o for o in label_outputs(outputs)}
    assert set(named) == {("youtube", "720p"), ("vertical", "crop-1080x1920"), ("vertical", "fill-1080x1920")}
    for (_, variant), out in named.items():
        video = stream(out.path, "video")
        assert video is not None
        real = (int(video["width"]), int(video["height"]))
        assert (out.width, out.height) == real, variant
        assert out.path.name == f"{variant}.mp4" and out.extra["files"] == [f"{out.profile}/{variant}.mp4"]
    assert (named[("youtube", "720p")].width, named[("youtube", "720p")].height) == (1280, 720)
    assert named[("youtube", "720p")].extra["spec"] == "1080p"
    for form in ("crop-1080x1920", "fill-1080x1920"):
        assert (named[("vertical", form)].width, named[("vertical", form)].height) == (1080, 1920)
    assert named[("vertical", "crop-1080x1920")].extra["label_en"] == "Centre crop (9:16)"
    assert named[("vertical", "fill-1080x1920")].extra["label_vi"] == "Trọn khung trên nền mờ (9:16)"


def test_small_image_names_state_their_size_and_duplicates_collapse(tmp_path: Path) -> None:
    source = tmp_path / "small.png"
    Image.new("RGB", (700, 420), (30, 90, 160)).save(source)
    request = ProcessRequest(kind="infographic", media_type="image/png", profiles=["web-image", "facebook-feed"])
    result = process(request, source, tmp_path / "out", limits=FfmpegLimits())
    names = {(o.profile, o.variant) for o in result.outputs}
    assert len(names) == len(result.outputs)
    for out in result.outputs:
        with Image.open(out.path) as made:
            assert made.size == (out.width, out.height)
        digits = [int(t) for t in out.variant.replace("x", "-").split("-") if t.isdigit()]
        assert all(d in (out.width, out.height) for d in digits), (out.variant, out.width, out.height)
        assert out.variant in out.path.name
    webp = {o.variant: o for o in result.outputs if o.profile == "web-image" and o.media_type == "image/webp"}
    assert set(webp) == {"webp-700", "webp-400"}
    assert webp["webp-700"].extra["spec"] == "webp-1600" and webp["webp-700"].extra["same_as"] == ["webp-800"]
