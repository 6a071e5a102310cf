"""The focal point: every cover crop keeps it (hypothesis), the headline is found from tesseract's word
boxes, and saliency stands in where a picture has no text."""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from transcoding.crops import cover_outputs, focal_profiles
from transcoding.image.focal import headline_box, saliency_centre, suggest_focal
from transcoding.image.geometry import cover_box, plan_for
from transcoding.image.ocr import Word
from transcoding.profiles import default_profiles
from transcoding.types import FocalPoint

sizes = st.tuples(st.integers(1, 12000), st.integers(1, 12000))
focals = st.builds(FocalPoint, st.floats(0, 1), st.floats(0, 1))
aspects = st.tuples(st.integers(1, 4000), st.integers(1, 4000))
EPS = 1e-6


@given(source=sizes, aspect=aspects, focal=focals)
@example(source=(1080, 2400), aspect=(1280, 720), focal=FocalPoint(0.5, 0.08))
@example(source=(409, 500), aspect=(320, 320), focal=FocalPoint(1.0, 1.0))
@settings(max_examples=400, deadline=None)
def test_the_focal_point_is_inside_every_crop_and_the_crop_inside_the_picture(
        source: tuple[int, int], aspect: tuple[int, int], focal: FocalPoint) -> None:
    left, top, right, bottom = cover_box(source, aspect, focal)
    assert 0 <= left < right <= source[0] + EPS and 0 <= top < bottom <= source[1] + EPS
    assert left - EPS <= focal.x * source[0] <= right + EPS
    assert top - EPS <= focal.y * source[1] <= bottom + EPS
    # The crop is the largest of its shape: one side spans the picture.
    assert abs((right - left) - source[0]) < 1e-6 * source[0] + EPS or abs((bottom - top) - source[1]) < 1e-3 + EPS


@given(source=sizes, focal=focals)
@settings(max_examples=200, deadline=None)
def test_every_profile_crop_keeps_the_focal_point(source: tuple[int, int], focal: FocalPoint) -> None:
    profiles = default_profiles()
    for crop in cover_outputs("infographic"):
        spec = next(s for s in profiles[crop.profile].image if s.variant == crop.spec)
        plan = plan_for(source, spec, focal)
        left, top, right, bottom = plan.crop
        assert left - EPS <= focal.x * source[0] <= right + EPS and top - EPS <= focal.y * source[1] <= bottom + EPS
        assert 0 <= left and right <= source[0] + EPS and 0 <= top and bottom <= source[1] + EPS


def test_cover_outputs_come_from_the_profiles() -> None:
    crops = {(c.profile, c.spec): (c.width, c.height) for c in cover_outputs("infographic")}
    assert crops[("zalo-oa", "cover-16x9")] == (1280, 720)
    assert crops[("web-image", "thumb-320")] == (320, 320)
    assert crops[("vertical", "story-1080x1920")] == (1080, 1920)
    assert ("web-image", "jpeg-1600") not in crops  # contained outputs show the whole picture
    assert focal_profiles("video") == ["vertical"]
    assert cover_outputs("podcast") == []


def _word(text: str, left: float, top: float, width: float, height: float, confidence: float = 90) -> Word:
    return Word(text, left, top, width, height, confidence)


def test_the_headline_is_the_largest_lettering_not_the_bullet_list() -> None:
    words = [_word("NGHỊ", 100, 80, 300, 120), _word("QUYẾT", 420, 80, 360, 120), _word("71", 800, 80, 150, 118),
             _word("Đột", 120, 240, 200, 100), _word("phá", 340, 240, 200, 100)]
    words += [_word(f"dòng{i}", 100, 700 + i * 60, 200, 40) for i in range(20)]
    words.append(_word("|||", 0, 0, 20, 900, confidence=10))  # a rule misread as letters, low confidence
    box = headline_box(words)
    assert box is not None
    assert (box.top, box.bottom) == (80, 340) and box.left == 100 and box.right == 950


def test_no_readable_words_means_no_headline() -> None:
    assert headline_box([]) is None
    assert headline_box([_word("a", 0, 0, 10, 10), _word("xx", 0, 0, 10, 10, confidence=5)]) is None


def test_saliency_finds_the_one_busy_corner(tmp_path: Path) -> None:
    picture = Image.new("RGB", (400, 300), (240, 240, 240))
    draw = ImageDraw.Draw(picture)
    for i in range(0, 80, 8):
        draw.rectangle((300 + i, 200, 303 + i, 280), fill=(200, 20, 20))
    focal = saliency_centre(picture)
    assert 0.7 < focal.x < 1.0 and 0.6 < focal.y < 1.0
    assert saliency_centre(Image.new("RGB", (50, 50), (9, 9, 9))) == FocalPoint()
    path = tmp_path / "p.png"
    picture.save(path)
    found = suggest_focal(path, [], (400, 300))  # from a 96 px copy of the file
    assert abs(found.x - focal.x) < 0.05 and abs(found.y - focal.y) < 0.05


def test_suggest_focal_prefers_the_headline_box(tmp_path: Path) -> None:
    path = tmp_path / "p.png"
    Image.new("RGB", (1000, 2000), (255, 255, 255)).save(path)
    focal = suggest_focal(path, [_word("TIÊU", 200, 100, 600, 200)], (1000, 2000))
    assert focal == FocalPoint(0.5, 0.1)
