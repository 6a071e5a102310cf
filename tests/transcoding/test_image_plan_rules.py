"""The image geometry rules with exact numbers (transcoding/image_geometry.py): no file, no Pillow call.

test_image_geometry.py checks invariants over many sizes; these pin the arithmetic at the edges a person
would ask about: a source smaller than the box, a focal point in a corner, a one-pixel source.
"""

from __future__ import annotations

import pytest

from transcoding.image.geometry import Plan, cover_box, inside, plan_for
from transcoding.image.spec import ImageOutputSpec
from transcoding.types import FocalPoint
from transcoding.video.plan import even


def spec(**fields: object) -> ImageOutputSpec:
    return ImageOutputSpec(variant="t", format="jpeg", **fields)  # type: ignore[arg-type]


def test_cover_box_centres_on_the_focal_point_when_it_can() -> None:
    # A 2000x1000 picture cut to a square: the 1000-wide box centred on x = 0.5 starts at 500.
    assert cover_box((2000, 1000), (1, 1)) == (500.0, 0.0, 1500.0, 1000.0)
    assert cover_box((2000, 1000), (1, 1), FocalPoint(0.4, 0.5)) == (300.0, 0.0, 1300.0, 1000.0)


@pytest.mark.parametrize(("focal", "left"), [(FocalPoint(0.0, 0.0), 0.0), (FocalPoint(1.0, 1.0), 1000.0),
                                             (FocalPoint(0.1, 0.9), 0.0), (FocalPoint(0.95, 0.5), 1000.0)])
def test_a_focal_point_near_an_edge_pushes_the_box_against_that_edge(focal: FocalPoint, left: float) -> None:
    box = cover_box((2000, 1000), (1, 1), focal)
    assert box == (left, 0.0, left + 1000.0, 1000.0)


def test_same_aspect_takes_the_whole_picture() -> None:
    assert cover_box((1600, 900), (16, 9), FocalPoint(0.0, 1.0)) == (0.0, 0.0, 1600.0, 900.0)


def test_inside_clamps_float_noise_and_never_inverts_a_box() -> None:
    assert inside((-1e-9, 0.0, 409.00000000000006, 10.0), (409, 10)) == (0.0, 0.0, 409.0, 10.0)
    assert inside((500.0, 5.0, 600.0, 6.0), (409, 10)) == (409.0, 5.0, 409.0, 6.0)  # empty, not negative


def test_contain_never_upscales_a_small_source() -> None:
    plan = plan_for((600, 400), spec(width=1200, height=1200), FocalPoint())
    assert plan == Plan((0.0, 0.0, 600.0, 400.0), (600, 400))
    assert plan.scale == 1.0


def test_contain_shrinks_to_the_limiting_side() -> None:
    assert plan_for((4000, 1000), spec(width=1200, height=1200), FocalPoint()).size == (1200, 300)


def test_cover_of_a_small_source_keeps_the_aspect_but_shrinks_the_output() -> None:
    # 1080x1080 asked of a 540x720 portrait: the square crop is 540 wide, so the output is 540x540.
    plan = plan_for((540, 720), spec(width=1080, height=1080, fit="cover"), FocalPoint())
    assert plan.crop == (0.0, 90.0, 540.0, 630.0)
    assert plan.size == (540, 540)


def test_cover_upscales_only_when_the_profile_says_so() -> None:
    plan = plan_for((540, 720), spec(width=1080, height=1080, fit="cover", upscale=True), FocalPoint())
    assert plan.size == (1080, 1080) and plan.scale == 2.0


def test_pad_puts_the_whole_picture_on_the_canvas() -> None:
    plan = plan_for((1000, 2000), spec(width=1920, height=1080, fit="pad"), FocalPoint())
    assert plan.crop == (0.0, 0.0, 1000.0, 2000.0)
    assert plan.size == (540, 1080) and plan.canvas == (1920, 1080)


def test_one_side_follows_the_source_aspect() -> None:
    assert plan_for((3000, 2000), spec(width=1500), FocalPoint()).size == (1500, 1000)
    assert plan_for((3000, 2000), spec(height=500), FocalPoint()).size == (750, 500)
    assert plan_for((300, 200), spec(width=1500), FocalPoint()).size == (300, 200)  # never upscaled


def test_no_box_keeps_the_source_size() -> None:
    assert plan_for((3508, 2480), spec(), FocalPoint()).size == (3508, 2480)


def test_a_one_pixel_source_still_gives_a_one_pixel_output() -> None:
    for fit in ("contain", "cover", "pad"):
        plan = plan_for((1, 1), spec(width=1080, height=1920, fit=fit), FocalPoint(1.0, 1.0))
        assert min(plan.size) >= 1
        assert plan.crop[2] > plan.crop[0] and plan.crop[3] > plan.crop[1]


@pytest.mark.parametrize(("value", "expected"), [(0, 2), (1, 2), (3, 4), (359.9, 360), (361, 360), (1079, 1080)])
def test_video_sizes_are_even_and_at_least_two(value: float, expected: int) -> None:
    assert even(value) == expected
