"""A .docx press release uploaded as a document becomes a PDF and a preview through the real job (the
memory-capped, time-limited processing child) on both stacks; an ODT and an XLSX are accepted too."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from tests.conftest import Factory
from tests.service.assets.media import meta
from tests.service.assets.test_renditions import run_processing
from tests.service.assets.test_upload import upload
from tests.transcoding.conftest import require_or_skip
from tests.transcoding.test_office import PHRASE, make_docx, make_odt, make_xlsx
from transcoding.tools import soffice_path


@pytest.mark.slow
def test_docx_press_release_gets_pdf_and_preview(client: TestClient, factory: Factory, tmp_path: Path) -> None:
    require_or_skip(soffice_path(), "LibreOffice (soffice) is not installed")
    headers = factory.headers("producer")
    content = make_docx(tmp_path / "thong-cao-bao-chi.docx").read_bytes()
    status, asset = upload(client, headers, content, filename="thong-cao-bao-chi.docx",
                           meta_json=meta("document", title="Thông cáo báo chí"))
    assert status == 201, asset
    body = run_processing(client, headers, asset["id"])
    renditions = {(r["profile"], r["spec"]): r for p in body["profiles"] for r in p["renditions"]}
    pdf = renditions[("print", "original")]
    r = client.get(pdf["download_url"], headers=headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/pdf")
    (tmp_path / "got.pdf").write_bytes(r.content)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(tmp_path / "got.pdf").pages).split())
    assert "Nghị quyết 71-NQ/TW" in text
    preview = renditions[("document-preview", "preview")]
    assert preview["media_type"] == "image/webp" and preview["width"] == 1200
    publication = client.get(f"/api/v1/assets/{asset['id']}/publication", headers=headers).json()
    assert publication["state"] == "ready", publication


@pytest.mark.parametrize("name", ["van-ban.odt", "bang-so-lieu.xlsx"])
@pytest.mark.slow
def test_other_office_types_are_accepted(client: TestClient, factory: Factory, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name.endswith(".odt"):
        make_odt(path, f"<text:p>{PHRASE}</text:p>")
    else:
        make_xlsx(path)
    status, asset = upload(client, factory.headers("producer"), path.read_bytes(), filename=name,
                           meta_json=meta("document", title="Văn bản"))
    assert status == 201, asset
    assert asset["current_version"]["media_type"].startswith(
        ("application/vnd.oasis.opendocument.text", "application/vnd.openxmlformats-officedocument.spreadsheetml"))
