"""render_document and pdf_text on PDFs generated with fpdf2 (Vietnamese text, several page sizes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF
from PIL import Image

from tests.transcoding.imaging_fixtures import PHRASE
from transcoding.document.render import pdf_text, render_document
from transcoding.document.spec import DocumentOutputSpec
from transcoding.fonts import font_path
from transcoding.types import BadMediaError

Spec = DocumentOutputSpec


def make_pdf(
    path: Path, pages: int = 3, *, user_password: str | None = None, owner_only: bool = False
) -> None:
    pdf = FPDF(format="A4")
    pdf.add_font("dejavu", "", str(font_path()))
    if user_password or owner_only:
        pdf.set_encryption(owner_password="owner-secret", user_password=user_password)
    for number in range(1, pages + 1):
        pdf.add_page(orientation="L" if number == 2 else "P")
        pdf.set_font("dejavu", size=24)
        pdf.cell(text=f"Trang {number}: {PHRASE}")
        pdf.set_fill_color(200, 30, 30)
        pdf.rect(20, 60, 80, 80, style="F")
    pdf.output(str(path))


def test_preview_thumbnails_and_original(tmp_path: Path) -> None:
    src = tmp_path / "poster.pdf"
    make_pdf(src)
    targets = [
        ("web-image", Spec(variant="preview", output="preview", format="webp", width=600)),
        ("web-image", Spec(variant="page", output="thumbnails", format="png", width=200, pages=10)),
        ("print", Spec(variant="original", output="original", format="pdf")),
    ]
    seen: list[float] = []
    outputs = render_document(src, targets, tmp_path / "o", progress=seen.append)
    assert [o.variant for o in outputs] == ["preview", "page-001", "page-002", "page-003", "original"]
    assert seen[-1] == 1.0 and len(seen) == 5
    preview, *pages, original = outputs
    with Image.open(preview.path) as got:
        assert got.format == "WEBP" and got.size == (600, 849) == (preview.width, preview.height)
        assert got.convert("RGB").getpixel((100, 250))[0] > 150  # the red square of page 1 is drawn
    sizes = []
    for out in pages:
        with Image.open(out.path) as got:
            assert (
                got.format == "PNG" and got.size == (out.width, out.height) and out.media_type == "image/png"
            )
            sizes.append(got.size)
    assert sizes == [(200, 283), (200, 142), (200, 283)]  # page 2 is landscape
    assert original.media_type == "application/pdf" and original.path.read_bytes() == src.read_bytes()
    assert original.extra["page_count"] == 3


def test_page_limits(tmp_path: Path) -> None:
    src = tmp_path / "doc.pdf"
    make_pdf(src, pages=4)
    spec = Spec(variant="page", output="thumbnails", format="jpeg", width=100, pages=3)
    assert len(render_document(src, [("p", spec)], tmp_path / "a")) == 3
    assert len(render_document(src, [("p", spec)], tmp_path / "b", max_pages=2)) == 2
    assert "Trang 2" in pdf_text(src, max_pages=2) and "Trang 3" not in pdf_text(src, max_pages=2)


def test_pdf_text_is_nfc_vietnamese(tmp_path: Path) -> None:
    src = tmp_path / "doc.pdf"
    make_pdf(src, pages=2)
    text = pdf_text(src)
    assert f"Trang 1: {PHRASE}" in text and f"Trang 2: {PHRASE}" in text


def test_encrypted_pdf_needing_a_password_is_bad_media(tmp_path: Path) -> None:
    src = tmp_path / "locked.pdf"
    make_pdf(src, pages=1, user_password="user-secret")
    with pytest.raises(BadMediaError) as caught:
        render_document(src, [("p", Spec(variant="preview", output="preview"))], tmp_path / "o")
    assert caught.value.code == "encrypted_pdf"
    with pytest.raises(BadMediaError):
        pdf_text(src)


def test_permissions_only_encryption_is_readable(tmp_path: Path) -> None:
    """Official documents often carry an owner password (no printing/copying) but open without one."""
    src = tmp_path / "restricted.pdf"
    make_pdf(src, pages=1, owner_only=True)
    [out] = render_document(
        src, [("p", Spec(variant="preview", output="preview", width=300))], tmp_path / "o"
    )
    assert out.width == 300


@pytest.mark.parametrize("kind", ["truncated", "garbage", "not-pdf"])
def test_corrupt_pdf_is_bad_media(tmp_path: Path, kind: str) -> None:
    src = tmp_path / "bad.pdf"
    if kind == "truncated":
        make_pdf(src, pages=2)
        src.write_bytes(src.read_bytes()[:300])
    else:
        src.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8 if kind == "garbage" else b"hello world")
    with pytest.raises(BadMediaError) as caught:
        render_document(src, [("p", Spec(variant="preview", output="preview"))], tmp_path / "o")
    assert caught.value.code in ("corrupt_pdf", "not_pdf")


def test_image_format_required_for_page_images(tmp_path: Path) -> None:
    src = tmp_path / "doc.pdf"
    make_pdf(src, pages=1)
    with pytest.raises(ValueError, match="not a pdf"):
        render_document(src, [("p", Spec(variant="preview", output="preview", format="pdf"))], tmp_path)
