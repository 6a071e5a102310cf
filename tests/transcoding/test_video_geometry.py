"""Crop and pad geometry of every video output of every profile, over random source sizes: the crop box is
inside the picture, sizes are even (H.264 4:2:0), and a box marked upscale is delivered exactly."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from transcoding.labels import truthful_variant
from transcoding.probe import MediaInfo
from transcoding.profiles import default_profiles
from transcoding.types import FocalPoint
from transcoding.video.plan import ladder_heights, picture_for
from transcoding.video.spec import VideoOutputSpec

SPECS: list[tuple[str, VideoOutputSpec]] = [
    (p.name, s) for p in default_profiles().values() for s in p.video if s.output in ("mp4", "poster")
]
CROP = re.compile(r"crop=(\d+):(\d+):(\d+):(\d+)")


def _info(w: int, h: int) -> MediaInfo:
    return MediaInfo(kind="video", format_name="mov", duration=10.0, size_bytes=1, bit_rate=None,
                     width=w, height=h, frame_rate="25/1", fps=25.0)


@given(w=st.integers(16, 7680), h=st.integers(16, 4320), fx=st.floats(0, 1), fy=st.floats(0, 1))
@example(w=1920, h=1080, fx=0.5, fy=0.5)
@example(w=1280, h=720, fx=0.0, fy=1.0)
@example(w=409, h=500, fx=0.5, fy=0.5)
@settings(max_examples=300, deadline=None)
def test_every_video_picture_fits_the_source_and_its_box(w: int, h: int, fx: float, fy: float) -> None:
    for name, spec in SPECS:
        picture = picture_for(_info(w, h), spec, None, FocalPoint(fx, fy))
        assert picture.width % 2 == 0 and picture.height % 2 == 0, (name, spec.variant, picture)
        for cw, ch, x, y in ((int(a), int(b), int(c), int(d)) for a, b, c, d in CROP.findall(picture.graph)):
            assert cw > 0 and ch > 0 and 0 <= x and 0 <= y and x + cw <= w and y + ch <= h, (name, picture.graph)
        if spec.width and spec.height:
            if spec.upscale and spec.fit != "contain":
                assert (picture.width, picture.height) == (spec.width, spec.height), (name, spec.variant)
            else:
                assert picture.width <= spec.width + 1 and picture.height <= spec.height + 1, (name, spec.variant)
        label = truthful_variant(spec.variant, picture.width, picture.height)
        numbers = [int(n) for n in re.findall(r"\d{3,}", label)]
        assert all(n in (picture.width, picture.height) for n in numbers), (label, picture)


@given(w=st.integers(16, 7680), h=st.integers(16, 4320))
@settings(max_examples=200, deadline=None)
def test_hls_rungs_never_exceed_the_source(w: int, h: int) -> None:
    spec = next(s for s in default_profiles()["web-hls"].video if s.output == "hls")
    for short, _ in ladder_heights(_info(w, h), spec):
        picture = picture_for(_info(w, h), spec, None, FocalPoint(), short_side=short)
        assert picture.width <= w + 1 and picture.height <= h + 1
