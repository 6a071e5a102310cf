"""Crop, resize and pad geometry of every image output of every profile, over random source sizes.

A 409×500 PNG once failed every 1920×1080 pad with "box offset can't be negative": float rounding pushed the
background's crop box a hair outside the picture. These properties hold for any size, not just that one.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from transcoding.image.geometry import blurred_pad, cover_box, plan_for
from transcoding.image.render import render_images
from transcoding.image.spec import ImageOutputSpec
from transcoding.profiles import default_profiles
from transcoding.types import FocalPoint

SPECS: list[tuple[str, ImageOutputSpec]] = [
    (profile.name, spec) for profile in default_profiles().values() for spec in profile.image
]
sizes = st.tuples(st.integers(1, 12000), st.integers(1, 12000))
focals = st.builds(FocalPoint, st.floats(0, 1), st.floats(0, 1))


@given(source=sizes, focal=focals)
@example(source=(409, 500), focal=FocalPoint())
@example(source=(413, 500), focal=FocalPoint())
@settings(max_examples=400, deadline=None)
def test_every_plan_stays_inside_the_picture(source: tuple[int, int], focal: FocalPoint) -> None:
    sw, sh = source
    for name, spec in SPECS:
        plan = plan_for(source, spec, focal)
        left, top, right, bottom = plan.crop
        assert 0 <= left < right <= sw and 0 <= top < bottom <= sh, (name, spec.variant, plan)
        assert plan.size[0] >= 1 and plan.size[1] >= 1
        if spec.width and spec.height:
            assert plan.size[0] <= spec.width and plan.size[1] <= spec.height, (name, spec.variant, plan)
        if plan.canvas is not None:
            assert plan.size[0] <= plan.canvas[0] and plan.size[1] <= plan.canvas[1], (name, spec.variant, plan)
        if spec.fit == "cover" and spec.width and spec.height:  # the crop has the box's shape
            crop_ratio = (right - left) / (bottom - top)
            assert abs(crop_ratio - spec.width / spec.height) <= crop_ratio * (2 / min(right - left, bottom - top))


@given(source=sizes, aspect=st.tuples(st.integers(1, 4000), st.integers(1, 4000)))
@example(source=(409, 500), aspect=(111, 62))
@settings(max_examples=500, deadline=None)
def test_cover_box_is_inside_and_not_empty(source: tuple[int, int], aspect: tuple[int, int]) -> None:
    left, top, right, bottom = cover_box(source, (float(aspect[0]), float(aspect[1])))
    assert 0 <= left < right <= source[0] and 0 <= top < bottom <= source[1]


@given(source=st.tuples(st.integers(1, 900), st.integers(1, 900)),
       canvas=st.tuples(st.integers(1, 1200), st.integers(1, 1200)))
@example(source=(409, 500), canvas=(889, 500))
@example(source=(413, 500), canvas=(900, 500))
@settings(max_examples=60, deadline=None)
def test_blurred_pad_fills_the_canvas(source: tuple[int, int], canvas: tuple[int, int]) -> None:
    picture = Image.new("RGB", source, (200, 30, 30))
    foreground = picture.resize((min(source[0], canvas[0]), min(source[1], canvas[1])))
    assert blurred_pad(picture, foreground, canvas).size == canvas


@given(source=st.tuples(st.integers(1, 700), st.integers(1, 700)))
@example(source=(409, 500))
@example(source=(413, 500))
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_profile_renders_any_size_at_its_stated_size(tmp_path: Path, source: tuple[int, int]) -> None:
    """Real files from every image output; each file's pixels are exactly what the output says."""
    src = tmp_path / f"s{source[0]}x{source[1]}.png"
    Image.new("RGB", source, (20, 120, 200)).save(src)
    targets = [(n, s) for n, s in SPECS if s.format != "pdf"]
    outputs = render_images(src, targets, tmp_path / f"out{source[0]}x{source[1]}")
    assert len(outputs) == len(targets)
    for out, (_, spec) in zip(outputs, targets, strict=True):
        with Image.open(out.path) as made:
            assert made.size == (out.width, out.height), (spec.variant, made.size)
        plan = plan_for(source, spec, FocalPoint())
        assert (out.width, out.height) == (plan.canvas or plan.size), spec.variant
