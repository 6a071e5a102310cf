"""Print PDFs that embed the source JPEG's compressed data, checked by rendering them with pdfium."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageCms

from tests.transcoding.imaging_fixtures import (
    BLUE,
    CMYK_PROFILE,
    GREEN,
    RED,
    YELLOW,
    near,
    quadrants,
    require_or_skip,
)
from transcoding.image.pdf import clean_jpeg
from transcoding.image.render import ImageRights, render_images
from transcoding.image.spec import ImageOutputSpec

PRINT = ImageOutputSpec(variant="pdf-300ppi", format="pdf", colour="keep", dpi=300, quality=95)


def rendered(path: Path, scale: float = 300 / 72) -> tuple[Image.Image, tuple[float, float]]:
    pdf = pdfium.PdfDocument(path)
    page = pdf[0]
    image, size = page.render(scale=scale).to_pil().convert("RGB"), page.get_size()
    page.close()
    pdf.close()
    return image, size


def camera_jpeg(path: Path, image: Image.Image, **save: object) -> None:
    exif = Image.Exif()
    exif[0x010F] = "CanonSecretMake"
    image.save(path, quality=92, exif=exif.tobytes(), comment=b"private-comment", **save)


def test_jpeg_embedded_without_reencoding_or_metadata(tmp_path: Path) -> None:
    src = tmp_path / "photo.jpg"
    camera_jpeg(src, quadrants((600, 300)))
    rights = ImageRights(credit="Bộ Giáo dục và Đào tạo", copyright_notice="© Bộ GDĐT")
    [out] = render_images(src, [("print", PRINT)], tmp_path / "o", rights=rights)
    assert out.extra["embedded_jpeg"] is True and (out.width, out.height) == (600, 300)
    data = out.path.read_bytes()
    assert b"CanonSecretMake" not in data and b"private-comment" not in data
    stream = clean_jpeg(src.read_bytes())
    assert stream is not None and stream.data in data  # the very same entropy-coded data: no generation loss
    assert "Bộ Giáo dục và Đào tạo".encode("utf-16-be").hex().encode() in data
    image, size = rendered(out.path)
    assert size == pytest.approx((600 / 300 * 72, 300 / 300 * 72))
    assert near(image.getpixel((100, 50)), RED, 20) and near(image.getpixel((500, 250)), YELLOW, 20)


def test_adobe_cmyk_jpeg_prints_with_the_right_inks(tmp_path: Path) -> None:
    src = tmp_path / "cmyk.jpg"
    cmyk = Image.new("CMYK", (200, 100), (0, 255, 255, 0))
    cmyk.paste((255, 255, 0, 0), (100, 0, 200, 100))
    cmyk.save(src, quality=95)  # Pillow writes an Adobe marker and inverted data, like Photoshop
    [out] = render_images(src, [("print", PRINT)], tmp_path / "o")
    assert out.extra["embedded_jpeg"] and out.extra["mode"] == "CMYK"
    image, _ = rendered(out.path)
    assert near(image.getpixel((40, 50)), (237, 28, 36), 60) and near(
        image.getpixel((160, 50)), (46, 49, 146), 60
    )


def test_icc_profile_becomes_the_pdf_colour_space(tmp_path: Path) -> None:
    require_or_skip(CMYK_PROFILE.exists(), f"{CMYK_PROFILE} (ghostscript colour profiles) not installed")
    srgb = ImageCms.createProfile("sRGB")
    cmyk = ImageCms.profileToProfile(quadrants((200, 100)), srgb, str(CMYK_PROFILE), outputMode="CMYK")
    assert cmyk is not None
    src = tmp_path / "cmyk-icc.jpg"
    cmyk.save(src, quality=95, icc_profile=CMYK_PROFILE.read_bytes())
    [out] = render_images(src, [("print", PRINT)], tmp_path / "o")
    assert b"/ColorSpace [/ICCBased 6 0 R]" in out.path.read_bytes()
    image, _ = rendered(out.path)
    assert near(image.getpixel((10, 10)), RED, 70) and near(image.getpixel((190, 90)), YELLOW, 50)


def test_rotated_or_resized_jpeg_is_decoded_instead(tmp_path: Path) -> None:
    shown = quadrants((300, 200))
    exif = Image.Exif()
    exif[0x0112] = 6
    src = tmp_path / "rot.jpg"
    shown.transpose(Image.Transpose.ROTATE_90).save(src, quality=95, exif=exif.tobytes())
    half = ImageOutputSpec(variant="half", format="pdf", width=150, dpi=150)
    upright, small = render_images(src, [("print", PRINT), ("print", half)], tmp_path / "o")
    assert "embedded_jpeg" not in upright.extra and "embedded_jpeg" not in small.extra
    image, size = rendered(upright.path)
    assert size == pytest.approx((300 / 300 * 72, 200 / 300 * 72))
    assert near(image.getpixel((30, 20)), RED, 25) and near(image.getpixel((270, 20)), GREEN, 25)
    assert near(image.getpixel((30, 180)), BLUE, 25)
    assert (small.width, small.height) == (150, 100)


def test_unusual_jpeg_streams_are_not_embedded() -> None:
    assert clean_jpeg(b"not a jpeg") is None
    assert (
        clean_jpeg(b"\xff\xd8\xff\xc3\x00\x0b\x08\x00\x10\x00\x10\x01\x01\x11\x00") is None
    )  # lossless SOF3


def test_print_pdf_title_is_the_asset_title_read_by_pypdf(tmp_path: Path) -> None:
    """Viewers show the document Title: it must be the asset's title, not the internal file name."""
    from pypdf import PdfReader

    src = tmp_path / "photo.jpg"
    camera_jpeg(src, quadrants((300, 200)))
    title = "Nghị quyết 71-NQ/TW: Đột phá phát triển giáo dục"
    rights = ImageRights(credit="Bộ GDĐT", copyright_notice="© Bộ GDĐT", title=title)
    [out] = render_images(src, [("print", PRINT)], tmp_path / "o", rights=rights)
    meta = PdfReader(out.path).metadata
    assert meta is not None and meta.title == title and meta.author == "Bộ GDĐT"
