"""Office documents become usable renditions through LibreOffice headless: a PDF whose text pypdf reads
back, and a first-page preview image; linked content is never fetched while converting."""

from __future__ import annotations

import http.server
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
import openpyxl
import pytest
from PIL import Image
from pptx import Presentation
from pypdf import PdfReader

from tests.transcoding.conftest import require_or_skip
from transcoding.ffmpeg_run import FfmpegLimits
from transcoding.pipeline import ProcessRequest, media_of, process
from transcoding.sniff import KIND_TYPES, sniff
from transcoding.tools import soffice_path

PHRASE = "Thông cáo báo chí: Nghị quyết 71-NQ/TW về đột phá phát triển giáo dục"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


@pytest.fixture(autouse=True)
def _needs_libreoffice() -> None:
    require_or_skip(soffice_path(), "LibreOffice (soffice) is not installed")


def make_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_heading("Bộ Giáo dục và Đào tạo", 1)
    document.add_paragraph(PHRASE)
    document.save(str(path))
    return path


def make_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"], sheet["B1"] = "Chỉ tiêu", "Giá trị"
    sheet["A2"], sheet["B2"] = PHRASE, 71
    sheet.column_dimensions["A"].width = 95  # wide enough that the PDF shows the whole cell
    book.save(path)
    return path


def make_pptx(path: Path) -> Path:
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Bộ Giáo dục và Đào tạo"
    slide.placeholders[1].text = PHRASE
    deck.save(str(path))
    return path


def make_odt(path: Path, body: str) -> Path:
    """A minimal OpenDocument text, written by hand (mimetype first and stored, as the standard asks)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
        'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.2">'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODT}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), ODT, compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def _check_renditions(source: Path, media_type: str, tmp_path: Path) -> None:
    assert sniff(source.read_bytes()[:65536]) == media_type
    assert media_type in KIND_TYPES["document"] and media_of("document", media_type) == "office"
    result = process(ProcessRequest(kind="document", media_type=media_type), source,
                     tmp_path / "out", limits=FfmpegLimits())
    by = {(o.profile, o.variant): o for o in result.outputs}
    pdf = by[("print", "original")]
    assert pdf.media_type == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(pdf.path).pages)
    assert "Nghị quyết 71-NQ/TW" in " ".join(text.split()), text
    preview = by[("document-preview", "preview")]
    with Image.open(preview.path) as img:
        img.load()
        assert img.format == "WEBP" and img.size == (preview.width, preview.height) and img.width == 1200
    assert ("document-preview", "thumbnails-001") in by
    assert "Nghị quyết 71-NQ/TW" in " ".join(result.text.split())  # the text search indexes


def test_docx_press_release(tmp_path: Path) -> None:
    _check_renditions(make_docx(tmp_path / "thong-cao.docx"), DOCX, tmp_path)


def test_odt(tmp_path: Path) -> None:
    _check_renditions(make_odt(tmp_path / "van-ban.odt", f"<text:p>{PHRASE}</text:p>"), ODT, tmp_path)


def test_pptx(tmp_path: Path) -> None:
    _check_renditions(make_pptx(tmp_path / "trinh-chieu.pptx"), PPTX, tmp_path)


def test_xlsx(tmp_path: Path) -> None:
    _check_renditions(make_xlsx(tmp_path / "bang.xlsx"), XLSX, tmp_path)


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        self.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.hits
    server.shutdown()


def test_linked_content_is_never_fetched(tmp_path: Path, listener: tuple[str, list[str]]) -> None:
    url, hits = listener
    body = (f"<text:p>{PHRASE}</text:p><text:p><draw:frame svg:width=\"4cm\" svg:height=\"3cm\">"
            f'<draw:image xlink:href="{url}/linked.png" xlink:type="simple" xlink:show="embed" '
            'xlink:actuate="onLoad"/></draw:frame></text:p>'
            f'<text:section text:name="s"><text:section-source xlink:href="{url}/section.odt"/></text:section>')
    source = make_odt(tmp_path / "linked.odt", body)
    result = process(ProcessRequest(kind="document", media_type=ODT), source, tmp_path / "out", limits=FfmpegLimits())
    assert any(o.media_type == "application/pdf" for o in result.outputs)
    assert hits == []
