"""The player area of the asset page for Q&A sets (as readers see them) and documents (page images); the
video and audio players are played in tests/browser/test_players_review.py."""

from __future__ import annotations

import uuid
from pathlib import Path

from fastapi.testclient import TestClient

from tests.conftest import Factory
from tests.service.qa.helpers import csv_bytes, csv_rows
from tests.service.workflow.wf_support import process_latest
from tests.transcoding.test_document import make_pdf
from tests.web.conftest import sign_in, upload_as


def _main(html: str) -> str:
    return html.split('<main id="main"', 1)[1]


def test_a_qa_set_is_shown_as_readers_see_it(client: TestClient, factory: Factory) -> None:
    sign_in(client, factory, "producer")
    tag = uuid.uuid4().hex[:8]
    asset_id = upload_as(client, "Hỏi - đáp Nghị quyết 71", "qa_set", filename="hoi-dap.csv",
                         content=csv_bytes(csv_rows(3, tag)))
    assert process_latest(asset_id) == "succeeded"
    main = _main(client.get(f"/tai-nguyen/{asset_id}").text)
    reader = main.split('class="qa-reader"', 1)[1].split("</section>", 1)[0]
    assert reader.count('class="qa-item"') == 3
    assert f"Câu hỏi trắc nghiệm số 1 về Nghị quyết 71 ({tag})?" in reader
    assert '<li class="correct">Đổi mới</li>' in reader and "Đáp án đúng: A" in reader
    assert "<strong>1</strong>" in reader  # the answer's Markdown, as sanitised HTML
    assert "<script" not in reader


def test_a_document_shows_its_pages(client: TestClient, factory: Factory, tmp_path: Path) -> None:
    sign_in(client, factory, "producer")
    pdf = tmp_path / "cong-van.pdf"
    make_pdf(pdf, pages=3)
    content = pdf.read_bytes() + f"\n% {uuid.uuid4().hex}\n".encode()  # unique bytes per run
    asset_id = upload_as(client, "Công văn hướng dẫn năm học", "document", filename="cong-van.pdf",
                         content=content)
    assert process_latest(asset_id) == "succeeded"
    main = _main(client.get(f"/tai-nguyen/{asset_id}").text)
    pages = main.split('class="doc-pages"', 1)[1].split("</section>", 1)[0]
    assert 'class="hero page-one"' in pages and pages.count('alt="Trang ') == 4  # page 1 large, three small

