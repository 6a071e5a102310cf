"""Colour handling: CMYK (with and without ICC), 16-bit PNG, wide-gamut RGB, greyscale."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageCms

from tests.transcoding.imaging_fixtures import CMYK_PROFILE, near, png_rgb16, quadrants, require_or_skip
from transcoding.image.render import inspect_image, render_images
from transcoding.image.spec import ImageOutputSpec

Spec = ImageOutputSpec
SCREEN = [Spec(variant="jpeg", format="jpeg", width=100), Spec(variant="webp", format="webp", width=100)]
PRINT = [
    Spec(variant="jpeg", format="jpeg", colour="keep", dpi=300),
    Spec(variant="tiff", format="tiff", colour="keep", dpi=300),
    Spec(variant="pdf", format="pdf", colour="keep", dpi=300),
]


def _targets(specs: list[Spec], profile: str) -> list[tuple[str, Spec]]:
    return [(profile, s) for s in specs]


def _cmyk_patches() -> Image.Image:
    image = Image.new("CMYK", (200, 100), (0, 0, 0, 0))  # white
    image.paste((0, 255, 255, 0), (0, 0, 100, 100))  # red ink: magenta + yellow
    image.paste((255, 255, 0, 0), (100, 0, 200, 100))  # blue ink: cyan + magenta
    return image


def test_cmyk_without_profile(tmp_path: Path) -> None:
    src = tmp_path / "cmyk.jpg"
    _cmyk_patches().save(src, quality=95)
    assert inspect_image(src).mode == "CMYK"
    targets = _targets(SCREEN, "web-image") + _targets(PRINT, "print")
    jpeg, webp, print_jpeg, print_tiff, print_pdf = render_images(src, targets, tmp_path / "o")
    for out in (jpeg, webp):
        with Image.open(out.path) as got:
            assert got.mode == "RGB"
            assert near(got.getpixel((20, 25)), (255, 0, 0), 30) and near(
                got.getpixel((80, 25)), (0, 0, 255), 30
            )
    for out in (print_jpeg, print_tiff):
        with Image.open(out.path) as got:
            assert got.mode == "CMYK" and got.size == (200, 100)
            assert near(got.getpixel((40, 50)), (0, 255, 255, 0), 12)
    assert print_pdf.extra["mode"] == "CMYK"
    pdf = pdfium.PdfDocument(print_pdf.path)
    rendered = pdf[0].render(scale=300 / 72).to_pil().convert("RGB")  # DeviceCMYK image shown as red/blue
    assert near(rendered.getpixel((40, 50)), (237, 28, 36), 60)
    pdf.close()


def test_cmyk_with_icc_profile(tmp_path: Path) -> None:
    require_or_skip(CMYK_PROFILE.exists(), f"{CMYK_PROFILE} (ghostscript colour profiles) not installed")
    srgb = ImageCms.createProfile("sRGB")
    cmyk = ImageCms.profileToProfile(quadrants((200, 100)), srgb, str(CMYK_PROFILE), outputMode="CMYK")
    assert cmyk is not None
    src = tmp_path / "cmyk-icc.jpg"
    cmyk.save(src, quality=95, icc_profile=CMYK_PROFILE.read_bytes())
    assert inspect_image(src).icc_description
    jpeg, _webp, print_jpeg, print_tiff, _pdf = render_images(
        src, _targets(SCREEN, "web-image") + _targets(PRINT, "print"), tmp_path / "o"
    )
    with Image.open(jpeg.path) as got:
        assert got.mode == "RGB" and "icc_profile" not in got.info
        # Through the profile and back: press CMYK cannot print pure sRGB primaries, hence the tolerance
        assert near(got.getpixel((10, 10)), (255, 0, 0), 70) and near(
            got.getpixel((90, 40)), (255, 255, 0), 40
        )
    for out in (print_jpeg, print_tiff):
        with Image.open(out.path) as got:
            assert got.mode == "CMYK" and got.info.get("icc_profile") == CMYK_PROFILE.read_bytes()


def test_wide_gamut_rgb_converted_for_screens_kept_for_print(tmp_path: Path) -> None:
    adobe = Path("/usr/share/color/icc/ghostscript/a98.icc")
    require_or_skip(adobe.exists(), f"{adobe} (ghostscript colour profiles) not installed")
    src = tmp_path / "adobe.png"
    Image.new("RGB", (64, 64), (0, 200, 0)).save(src, icc_profile=adobe.read_bytes())
    web, keep = render_images(
        src,
        [
            ("web-image", Spec(variant="w", format="png")),
            ("print", Spec(variant="p", format="png", colour="keep")),
        ],
        tmp_path / "o",
    )
    with Image.open(web.path) as got:  # Adobe RGB green is outside sRGB: the converted value saturates
        assert "icc_profile" not in got.info and got.getpixel((5, 5))[0] == 0  # type: ignore[index]
        assert got.getpixel((5, 5)) != (0, 200, 0)
    with Image.open(keep.path) as got:
        assert got.getpixel((5, 5)) == (0, 200, 0) and got.info["icc_profile"] == adobe.read_bytes()


def test_16bit_png_greyscale_and_rgb(tmp_path: Path) -> None:
    grey = tmp_path / "grey16.png"
    ramp = Image.new("I;16", (256, 10))
    for x in range(256):
        for y in range(10):
            ramp.putpixel((x, y), x * 257)
    ramp.save(grey)
    info = inspect_image(grey)
    assert info.bit_depth == 16 and info.mode.startswith("I;16")
    rgb = tmp_path / "rgb16.png"
    png_rgb16(rgb, [[(65535, 32768, 0)] * 40 for _ in range(20)])
    assert inspect_image(rgb).bit_depth == 16
    [g_png, g_jpeg] = render_images(
        grey,
        [("w", Spec(variant="png", format="png")), ("w", Spec(variant="jpg", format="jpeg", quality=95))],
        tmp_path / "o",
    )
    with Image.open(g_png.path) as got:
        assert got.mode == "L" and got.getpixel((128, 5)) == 128 and got.getpixel((255, 5)) == 255
    with Image.open(g_jpeg.path) as got:
        assert abs(int(got.getpixel((200, 5))) - 200) <= 3  # type: ignore[arg-type]
    [c_webp] = render_images(rgb, [("w", Spec(variant="webp", format="webp", quality=100))], tmp_path / "o")
    with Image.open(c_webp.path) as got:
        assert near(got.convert("RGB").getpixel((20, 10)), (255, 128, 0), 6)
