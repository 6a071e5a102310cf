"""Hostile and broken inputs, metadata stripping, rights written as XMP/EXIF, inspect_image."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from PIL import Image

from tests.transcoding.imaging_fixtures import noisy, png_bomb, quadrants
from transcoding.image.render import ImageRights, inspect_image, render_images
from transcoding.image.spec import ImageOutputSpec
from transcoding.types import BadMediaError

Spec = ImageOutputSpec
ONE = [("web-image", Spec(variant="w", format="jpeg", width=100))]
RIGHTS = ImageRights(
    credit="Bộ Giáo dục và Đào tạo",
    copyright_notice="© 2026 Bộ GDĐT — Được phép sử dụng cho tuyên truyền",
    usage_terms="Dùng miễn phí cho mục đích tuyên truyền Nghị quyết 71-NQ/TW & không chỉnh sửa",
    asset_id="a-0001",
    asset_url="https://kho.example.vn/assets/a-0001",
)


def test_declared_huge_image_is_refused_before_decoding(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.png"
    png_bomb(bomb)
    assert bomb.stat().st_size < 200
    with pytest.raises(BadMediaError) as caught:
        render_images(bomb, ONE, tmp_path / "o")
    assert caught.value.code == "image_too_large" and caught.value.permanent
    with pytest.raises(BadMediaError, match="too large|over the limit"):
        inspect_image(bomb)


def test_pixel_limit_is_per_call_and_warning_is_an_error(tmp_path: Path) -> None:
    src = tmp_path / "mp.png"
    Image.new("RGB", (1000, 1000), "white").save(src)
    before = Image.MAX_IMAGE_PIXELS
    # 1 Mpx is between the limit and twice the limit: Pillow only warns there; we refuse.
    with pytest.raises(BadMediaError) as caught:
        render_images(src, ONE, tmp_path / "o", max_pixels=600_000)
    assert caught.value.code == "image_too_large"
    assert Image.MAX_IMAGE_PIXELS == before
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert render_images(src, ONE, tmp_path / "o", max_pixels=1_000_000)[0].width == 100


@pytest.mark.parametrize("kind", ["truncated-jpeg", "truncated-png", "garbage", "empty"])
def test_broken_files_are_bad_media(tmp_path: Path, kind: str) -> None:
    src = tmp_path / "broken"
    if kind.startswith("truncated"):
        fmt = "JPEG" if kind.endswith("jpeg") else "PNG"
        noisy((400, 300)).save(src, fmt)
        src.write_bytes(src.read_bytes()[: src.stat().st_size // 2])
    else:
        src.write_bytes(b"" if kind == "empty" else b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.raises(BadMediaError) as caught:
        render_images(src, ONE, tmp_path / "o")
    assert caught.value.code == "corrupt_image"
    assert not list((tmp_path / "o").glob("*")) if (tmp_path / "o").exists() else True


def test_svg_and_unlisted_formats_are_refused(tmp_path: Path) -> None:
    svg = tmp_path / "x.svg"
    svg.write_text(
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'
    )
    with pytest.raises(BadMediaError) as caught:
        render_images(svg, ONE, tmp_path / "o")
    assert caught.value.code == "unsupported_format"
    ico = tmp_path / "x.ico"
    quadrants((32, 32)).save(ico, "ICO")
    with pytest.raises(BadMediaError):
        inspect_image(ico)


def test_missing_file_is_not_bad_media(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        render_images(tmp_path / "nope.jpg", ONE, tmp_path / "o")


def _camera_jpeg(path: Path) -> None:
    exif = Image.Exif()
    exif[0x010F] = "Canon"  # Make
    exif[0x0110] = "EOS R5"  # Model
    exif[0x8825] = {2: (21.0, 1.0, 0.0)}  # GPS latitude: must never leak
    quadrants((400, 300)).save(path, quality=90, exif=exif, comment=b"private note")


def test_rights_written_as_xmp_and_exif_everything_else_stripped(tmp_path: Path) -> None:
    src = tmp_path / "camera.jpg"
    _camera_jpeg(src)
    specs = [Spec(variant=f, format=f, width=120) for f in ("jpeg", "webp", "png", "tiff")]  # type: ignore[arg-type]
    outputs = render_images(src, [("web-image", s) for s in specs], tmp_path / "o", rights=RIGHTS)
    for out in outputs:
        with Image.open(out.path) as got:
            xmp = got.info.get("xmp") or got.info.get("XML:com.adobe.xmp")
            assert xmp, f"{out.variant}: no XMP"
            text = xmp.decode("utf-8") if isinstance(xmp, bytes) else xmp
            assert "<photoshop:Credit>Bộ Giáo dục và Đào tạo</photoshop:Credit>" in text
            assert "Nghị quyết 71-NQ/TW &amp; không chỉnh sửa" in text  # UsageTerms, XML-escaped
            assert "<xmpRights:WebStatement>https://kho.example.vn/assets/a-0001<" in text
            assert "© 2026 Bộ GDĐT" in text
            exif = got.getexif()
            assert 0x010F not in exif and 0x0110 not in exif and 0x8825 not in exif
            assert "comment" not in got.info
            copyright_tag = exif.get(0x8298)
            assert copyright_tag is not None, f"{out.variant}: no EXIF Copyright"
            raw = copyright_tag if isinstance(copyright_tag, bytes) else copyright_tag.encode("latin-1")
            assert raw.rstrip(b"\0").decode("utf-8").startswith("© 2026 Bộ GDĐT")
    with Image.open(outputs[0].path) as got:  # Pillow's own XMP reader (defusedxml) parses our packet
        description = got.getxmp()["xmpmeta"]["RDF"]["Description"]
        assert description["Credit"] == "Bộ Giáo dục và Đào tạo"


def test_without_rights_no_metadata_at_all(tmp_path: Path) -> None:
    src = tmp_path / "camera.jpg"
    _camera_jpeg(src)
    [out] = render_images(src, ONE, tmp_path / "o")
    with Image.open(out.path) as got:
        assert not got.getexif() and "xmp" not in got.info and "icc_profile" not in got.info


def test_rights_in_pdf_document_info(tmp_path: Path) -> None:
    src = tmp_path / "p.png"
    quadrants().save(src)
    [out] = render_images(
        src, [("print", Spec(variant="pdf", format="pdf", dpi=300))], tmp_path / "o", rights=RIGHTS
    )
    data = out.path.read_bytes()
    assert b"/Author" in data and b"/Subject" in data


def test_inspect_image(tmp_path: Path) -> None:
    src = tmp_path / "rot.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6
    quadrants((300, 200)).save(src, exif=exif.tobytes())
    info = inspect_image(src)
    assert (info.width, info.height, info.exif_orientation) == (200, 300, 6)
    assert info.to_dict() == {
        "format": "JPEG",
        "width": 200,
        "height": 300,
        "mode": "RGB",
        "has_alpha": False,
        "icc_description": None,
        "exif_orientation": 6,
        "bit_depth": 8,
        "frames": 1,
    }
    gif = tmp_path / "anim.gif"
    frames = [quadrants((40, 40)), quadrants((40, 40)).rotate(90)]
    frames[0].save(gif, save_all=True, append_images=frames[1:], transparency=0)
    gif_info = inspect_image(gif)
    assert gif_info.frames == 2 and gif_info.has_alpha and gif_info.mode == "P"
    [first] = render_images(gif, [("w", Spec(variant="p", format="png"))], tmp_path / "o")
    assert (first.width, first.height) == (40, 40)
