"""Document and poster renditions from PDF: first-page preview, page thumbnails, the original, and text.

pdfium (through pypdfium2) renders pages in-process, with no Debian packages and no external programs.
Documents longer than `max_pages` are not refused (a textbook may be long): thumbnails and text stop there.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from transcoding.document.spec import DocumentOutputSpec
from transcoding.types import BadMediaError, ProgressFn, RenditionOutput, no_progress

_MEDIA_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp", "pdf": "application/pdf"}
_EXTENSIONS = {"png": "png", "jpeg": "jpg", "webp": "webp", "pdf": "pdf"}
_PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}
# A page is rendered at the spec's width, but never above this many pixels (a 5-metre banner PDF would
# otherwise ask for gigabytes); such a page comes out narrower instead.
_MAX_PAGE_PIXELS = 40_000_000
_QUALITY = 85


@contextmanager
def _open_pdf(path: Path) -> Iterator[pdfium.PdfDocument]:
    if not path.is_file():
        raise FileNotFoundError(path)
    with path.open("rb") as fh:
        if b"%PDF-" not in fh.read(1024):
            raise BadMediaError("not a PDF file", code="not_pdf")
    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        # pdfium opens owner-password (permissions-only) PDFs, common for official documents; only a
        # document that needs a password to be read at all ends up here, with the corrupt ones.
        if "password" in str(exc).lower():
            raise BadMediaError("PDF is encrypted with a password", code="encrypted_pdf") from exc
        raise BadMediaError(f"PDF is corrupt: {exc}", code="corrupt_pdf") from exc
    try:
        if len(pdf) < 1:
            raise BadMediaError("PDF has no pages", code="corrupt_pdf")
        yield pdf
    finally:
        pdf.close()


def _render_page(pdf: pdfium.PdfDocument, index: int, width: int) -> Image.Image:
    page = pdf[index]
    try:
        page_w, page_h = page.get_size()
        if page_w <= 0 or page_h <= 0:
            raise BadMediaError(f"page {index + 1} has no area", code="corrupt_pdf")
        scale = width / page_w
        scale = min(scale, (_MAX_PAGE_PIXELS / (page_w * page_h)) ** 0.5)
        bitmap = page.render(scale=scale, may_draw_forms=True)
        image = bitmap.to_pil().convert("RGB")  # pdfium renders on white; copy before the bitmap is freed
        bitmap.close()
        return image
    except pdfium.PdfiumError as exc:
        raise BadMediaError(f"page {index + 1} cannot be rendered: {exc}", code="corrupt_pdf") from exc
    finally:
        page.close()


def _save(image: Image.Image, fmt: str, path: Path) -> None:
    partial = path.with_name(path.name + ".part")
    try:
        options = {"quality": _QUALITY} if fmt in ("jpeg", "webp") else {"compress_level": 6}
        image.save(partial, format=_PIL_FORMATS[fmt], **options)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _pages_for(spec: DocumentOutputSpec, page_count: int, max_pages: int) -> list[int]:
    if spec.output == "preview":
        return [0]
    return list(range(min(spec.pages, page_count, max_pages)))


def _check(spec: DocumentOutputSpec) -> None:
    if spec.output != "original" and spec.format == "pdf":
        raise ValueError(f"document output {spec.variant!r}: a {spec.output} is an image, not a pdf")


def render_document(
    input_path: Path,
    targets: list[tuple[str, DocumentOutputSpec]],
    out_dir: Path,
    *,
    max_pages: int = 500,
    progress: ProgressFn = no_progress,
) -> list[RenditionOutput]:
    """Render every (profile name, spec) target of a PDF into `out_dir`, in the order of `targets`.

    preview → one image of page 1 (variant = spec.variant); thumbnails → one image per page up to spec.pages
    (variants `<variant>-001`, `<variant>-002`, ...); original → the PDF copied unchanged.
    """
    for _, spec in targets:
        _check(spec)
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs: list[RenditionOutput] = []
    with _open_pdf(input_path) as pdf:
        page_count = len(pdf)
        plan = [(profile, spec, _pages_for(spec, page_count, max_pages)) for profile, spec in targets]
        total = sum(len(pages) if spec.output != "original" else 1 for _, spec, pages in plan)
        for profile, spec, pages in plan:
            if spec.output == "original":
                path = out_dir / _file_name(profile, spec.variant, "pdf")
                outputs.append(_copy_original(input_path, path, profile, spec, page_count))
                progress(len(outputs) / total)
                continue
            for index in pages:
                variant = spec.variant if spec.output == "preview" else f"{spec.variant}-{index + 1:03d}"
                outputs.append(_page_output(pdf, index, profile, variant, spec, out_dir))
                progress(len(outputs) / total)
    return outputs


def _file_name(profile: str, variant: str, fmt: str) -> str:
    return f"{re.sub(r'[^A-Za-z0-9._-]+', '_', profile)}__{variant}.{_EXTENSIONS[fmt]}"


def _page_output(
    pdf: pdfium.PdfDocument, index: int, profile: str, variant: str, spec: DocumentOutputSpec, out_dir: Path
) -> RenditionOutput:
    image = _render_page(pdf, index, spec.width)
    path = out_dir / _file_name(profile, variant, spec.format)
    _save(image, spec.format, path)
    return RenditionOutput(
        path=path,
        profile=profile,
        variant=variant,
        media_type=_MEDIA_TYPES[spec.format],
        width=image.width,
        height=image.height,
        extra={"page": index + 1, "page_count": len(pdf), "bytes": path.stat().st_size},
    )


def _copy_original(
    source: Path, path: Path, profile: str, spec: DocumentOutputSpec, page_count: int
) -> RenditionOutput:
    partial = path.with_name(path.name + ".part")
    try:
        shutil.copyfile(source, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return RenditionOutput(
        path=path,
        profile=profile,
        variant=spec.variant,
        media_type="application/pdf",
        extra={"page_count": page_count, "bytes": path.stat().st_size},
    )


def pdf_text(path: Path, max_pages: int = 500) -> str:
    """The PDF's embedded text (NFC), pages separated by a blank line; empty for scanned PDFs."""
    parts: list[str] = []
    with _open_pdf(path) as pdf:
        for index in range(min(len(pdf), max_pages)):
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                parts.append(textpage.get_text_range().replace("\r\n", "\n").strip())
                textpage.close()
            except pdfium.PdfiumError as exc:
                raise BadMediaError(f"page {index + 1} text: {exc}", code="corrupt_pdf") from exc
            finally:
                page.close()
    return unicodedata.normalize("NFC", "\n\n".join(p for p in parts if p))
