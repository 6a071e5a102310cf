"""render_images: geometry, fit modes, orientation, alpha, formats, size caps; every file reopened."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageStat

from tests.transcoding.imaging_fixtures import BLUE, GREEN, RED, YELLOW, near, noisy, quadrants
from transcoding.image.render import render_images
from transcoding.image.spec import ImageOutputSpec
from transcoding.types import FocalPoint, RenditionOutput

Spec = ImageOutputSpec
PIL_NAMES = {"jpeg": "JPEG", "webp": "WEBP", "png": "PNG", "tiff": "TIFF"}


def check_files(outputs: list[RenditionOutput], specs: list[Spec]) -> None:
    """Every output really is the format, media type and size it claims."""
    for out, spec in zip(outputs, specs, strict=True):
        assert out.path.is_file() and out.variant == spec.variant
        assert out.extra["bytes"] == out.path.stat().st_size
        if spec.format == "pdf":
            pdf = pdfium.PdfDocument(out.path)
            assert out.media_type == "application/pdf" and len(pdf) == 1
            pdf.close()
            continue
        with Image.open(out.path) as reopened:
            assert reopened.format == PIL_NAMES[spec.format]
            assert out.media_type == Image.MIME[reopened.format]
            assert reopened.size == (out.width, out.height)


def test_every_format_and_profile_name(tmp_path: Path) -> None:
    src = tmp_path / "photo.jpg"
    noisy((900, 600)).save(src, quality=92)
    specs = [
        Spec(variant="webp-800", format="webp", width=800, height=800),
        Spec(variant="jpeg-400", format="jpeg", width=400),
        Spec(variant="png-320", format="png", height=320),
        Spec(variant="tiff", format="tiff", colour="keep", dpi=300),
        Spec(variant="pdf", format="pdf", colour="keep", dpi=300),
    ]
    seen: list[float] = []
    outputs = render_images(src, [("web-image", s) for s in specs], tmp_path / "out", progress=seen.append)
    check_files(outputs, specs)
    assert [(o.width, o.height) for o in outputs] == [
        (800, 533),
        (400, 267),
        (480, 320),
        (900, 600),
        (900, 600),
    ]
    assert {o.profile for o in outputs} == {"web-image"}
    assert seen[-1] == 1.0 and seen == sorted(seen)
    with Image.open(outputs[3].path) as tif:
        assert tif.info["dpi"] == (300, 300)
    pdf = pdfium.PdfDocument(outputs[4].path)
    assert pdf[0].get_size() == pytest.approx((900 / 300 * 72, 600 / 300 * 72), abs=0.5)  # A-size at 300 ppi
    pdf.close()


def test_downscale_matches_a_full_decode_reference(tmp_path: Path) -> None:
    """Shrink-on-load and the pyramid must not cost visible quality."""
    src = tmp_path / "big.jpg"
    original = noisy((2400, 1600)).resize((600, 400)).resize((2400, 1600), Image.Resampling.BICUBIC)
    original.save(src, quality=95)
    [out] = render_images(src, [("p", Spec(variant="w", format="png", width=300))], tmp_path)
    with Image.open(src) as full:
        reference = full.convert("RGB").resize((300, 200), Image.Resampling.LANCZOS)
    with Image.open(out.path) as got:
        delta = [abs(a - b) for a, b in zip(got.convert("RGB").tobytes(), reference.tobytes(), strict=True)]
    assert sum(delta) / len(delta) < 3.0  # mean absolute error per channel, out of 255


@pytest.mark.parametrize("orientation", [6, 8])
def test_exif_orientation_applied(tmp_path: Path, orientation: int) -> None:
    shown = quadrants((300, 200))
    # Store the pixels so that applying the tag gives `shown` back, as a camera held sideways does.
    stored = shown.transpose(Image.Transpose.ROTATE_90 if orientation == 6 else Image.Transpose.ROTATE_270)
    exif = Image.Exif()
    exif[0x0112] = orientation
    src = tmp_path / f"rot{orientation}.jpg"
    stored.save(src, quality=95, exif=exif.tobytes())
    [out] = render_images(src, [("p", Spec(variant="v", format="png", width=150))], tmp_path / "o")
    assert (out.width, out.height) == (150, 100)
    with Image.open(out.path) as got:
        rgb = got.convert("RGB")
        assert near(rgb.getpixel((30, 20)), RED) and near(rgb.getpixel((120, 20)), GREEN)
        assert near(rgb.getpixel((30, 80)), BLUE) and near(rgb.getpixel((120, 80)), YELLOW)
        assert got.getexif().get(0x0112) is None  # not rotated twice by a viewer


def test_alpha_kept_in_png_and_webp_flattened_in_jpeg(tmp_path: Path) -> None:
    src = tmp_path / "logo.png"
    logo = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    logo.paste((200, 0, 0, 255), (50, 50, 150, 150))
    logo.save(src)
    specs = [Spec(variant=f, format=f, width=100) for f in ("png", "webp", "jpeg")]  # type: ignore[arg-type]
    png, webp, jpeg = render_images(src, [("p", s) for s in specs], tmp_path / "o")
    check_files([png, webp, jpeg], specs)
    for out in (png, webp):
        with Image.open(out.path) as got:
            assert got.mode == "RGBA"
            assert got.getpixel((5, 5))[3] == 0 and got.getpixel((50, 50))[3] == 255  # type: ignore[index]
    with Image.open(jpeg.path) as got:
        assert got.mode == "RGB"
        assert near(got.getpixel((5, 5)), (255, 255, 255)) and near(got.getpixel((50, 50)), (200, 0, 0), 20)


@pytest.mark.parametrize(("focal_x", "expected"), [(0.05, RED), (0.95, BLUE)])
def test_cover_crops_around_the_focal_point(
    tmp_path: Path, focal_x: float, expected: tuple[int, int, int]
) -> None:
    src = tmp_path / "wide.png"
    wide = Image.new("RGB", (600, 200), RED)
    wide.paste(BLUE, (300, 0, 600, 200))
    wide.save(src)
    spec = Spec(variant="square", format="png", width=100, height=100, fit="cover")
    [out] = render_images(src, [("p", spec)], tmp_path / "o", focal=FocalPoint(focal_x, 0.5))
    assert (out.width, out.height) == (100, 100)
    with Image.open(out.path) as got:
        assert near(got.getpixel((5, 50)), expected) and near(got.getpixel((95, 50)), expected)


def test_cover_centre_by_default(tmp_path: Path) -> None:
    src = tmp_path / "q.png"
    quadrants((400, 200)).save(src)
    [out] = render_images(
        src, [("p", Spec(variant="s", format="png", width=100, height=100, fit="cover"))], tmp_path
    )
    with Image.open(out.path) as got:  # the centre square keeps a part of all four quadrants
        assert near(got.getpixel((10, 10)), RED) and near(got.getpixel((90, 90)), YELLOW)


def test_pad_on_a_blurred_copy(tmp_path: Path) -> None:
    src = tmp_path / "q.png"
    quadrants((400, 200)).save(src)
    spec = Spec(variant="sq", format="png", width=200, height=200, fit="pad")
    [out] = render_images(src, [("p", spec)], tmp_path / "o")
    assert (out.width, out.height) == (200, 200)
    with Image.open(out.path) as got:
        band = got.convert("RGB").crop((0, 0, 200, 45))  # above the 200x100 foreground
        assert max(ImageStat.Stat(band).stddev) > 15, "a pad band of one flat colour is not a blurred copy"
        assert near(got.getpixel((20, 60)), RED) and near(got.getpixel((180, 140)), YELLOW)
        # the foreground edge is sharp; the band next to it is the blurred copy, not the picture
        assert got.getpixel((20, 40)) != got.getpixel((20, 60))


def test_never_upscale_unless_asked(tmp_path: Path) -> None:
    src = tmp_path / "small.png"
    quadrants((300, 200)).save(src)
    specs = [
        Spec(variant="contain", format="png", width=1600, height=1600),
        Spec(variant="cover", format="png", width=1080, height=1080, fit="cover"),
        Spec(variant="pad", format="png", width=1080, height=1080, fit="pad"),
        Spec(variant="up", format="png", width=1600, upscale=True),
    ]
    outputs = render_images(src, [("p", s) for s in specs], tmp_path / "o")
    check_files(outputs, specs)
    assert [(o.width, o.height) for o in outputs] == [(300, 200), (200, 200), (300, 300), (1600, 1067)]


def test_size_cap_lowers_quality_then_shrinks(tmp_path: Path) -> None:
    src = tmp_path / "noise.png"
    noisy((1280, 720)).save(src)
    specs = [
        Spec(variant="jpeg", format="jpeg", width=1280, height=720, quality=95, max_bytes=240_000),
        Spec(variant="png", format="png", width=1280, height=720, max_bytes=1_000_000),
        Spec(variant="tiny", format="jpeg", width=1280, height=720, quality=90, max_bytes=60_000),
    ]
    jpeg, png, tiny = render_images(src, [("zalo-oa", s) for s in specs], tmp_path / "o")
    check_files([jpeg, png, tiny], specs)
    # 95 → 85 → 75 → 65 is the first quality under 240 kB for this noise; no shrinking needed
    assert jpeg.extra["bytes"] <= 240_000 and jpeg.extra["quality"] == 65 and jpeg.width == 1280
    assert (
        png.extra["bytes"] <= 1_000_000 and png.width < 1280 and abs(png.width / png.height - 16 / 9) < 0.01
    )
    assert tiny.extra["bytes"] <= 60_000 and tiny.extra["quality"] == 50 and tiny.width < 1280


def test_tall_resize_in_strips_has_no_seams(tmp_path: Path) -> None:
    """A tall infographic is resampled strip by strip; the result must equal one whole resize."""
    from transcoding.image.render import _resample

    tall = noisy((1200, 4000))
    box = (0.0, 0.0, 1200.0, 4000.0)
    strips = _resample(tall, (1000, 3333), box)
    whole = tall.resize((1000, 3333), Image.Resampling.LANCZOS, box=box)
    delta = [abs(a - b) for a, b in zip(strips.tobytes(), whole.tobytes(), strict=True)]
    assert max(delta) <= 1
