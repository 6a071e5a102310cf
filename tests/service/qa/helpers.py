"""Q&A files made in the test (CSV, DOCX) and HTTP shortcuts for the Q&A API tests."""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any

from docx import Document
from fastapi.testclient import TestClient

from tests.service.assets.media import multipart

Headers = dict[str, str]
HEADER = ["Câu hỏi", "A", "B", "C", "D", "Đáp án đúng", "Trả lời", "Nguồn"]


def qa_meta(title: str = "Hỏi - đáp Nghị quyết 71") -> str:
    return json.dumps({"kind": "qa_set", "title": title, "summary": "Bộ câu hỏi thử",
                       "topics": ["y-nghia-quan-diem"], "audiences": ["nha-giao"]}, ensure_ascii=False)


def csv_rows(count: int, tag: str | None = None) -> list[list[str]]:
    """`count` items alternating quiz (four choices, correct letter) and open (Markdown answer) items;
    `tag` makes the bytes unique per test (duplicate files are refused across assets)."""
    tag = tag or uuid.uuid4().hex[:8]
    rows = [HEADER]
    for n in range(1, count + 1):
        if n % 2:
            rows.append([f"Câu hỏi trắc nghiệm số {n} về Nghị quyết 71 ({tag})?", "Đổi mới", "Giữ nguyên",
                         "Thu hẹp", "Tạm dừng", "A", f"Giải thích **{n}**: đổi mới căn bản, toàn diện.",
                         f"Nghị quyết 71-NQ/TW, mục {n}"])
        else:
            rows.append([f"Đâu là mục tiêu số {n} của ngành giáo dục ({tag})?", "", "", "", "", "",
                         f"Phát triển *phẩm chất* và năng lực người học — ý {n}.", ""])
    return rows


def csv_bytes(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def docx_bytes(tag: str) -> bytes:
    """A Word file as schools write them: 'Câu N:' questions followed by 'Đáp:' answers."""
    doc = Document()
    doc.add_paragraph(f"Hỏi đáp về chuyển đổi số trong giáo dục ({tag})")
    doc.add_paragraph("Câu 1: Chuyển đổi số trong nhà trường bắt đầu từ đâu?")
    doc.add_paragraph("Đáp: Từ con người — đội ngũ nhà giáo và cán bộ quản lý.")
    doc.add_paragraph("Câu 2: Học sinh được lợi gì?")
    doc.add_paragraph("Đáp: Học liệu số phong phú, học tập suốt đời.")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def upload_qa(client: TestClient, headers: Headers, content: bytes, filename: str,
              title: str = "Hỏi - đáp Nghị quyết 71") -> tuple[int, dict[str, Any]]:
    body, ctype = multipart(qa_meta(title), filename, content)
    r = client.post("/api/v1/assets", content=body, headers={**headers, "Content-Type": ctype})
    return r.status_code, r.json()


def run_job(job_id: str) -> str:
    from service.core.runtime import current
    from service.jobs.runner import run_job as run

    return run(current(), job_id)


def process_current(client: TestClient, headers: Headers, asset_id: str) -> dict[str, Any]:
    """Run the current version's processing job inline; returns the renditions listing."""
    body = client.get(f"/api/v1/assets/{asset_id}/renditions", headers=headers).json()
    assert run_job(body["job_id"]) == "succeeded", client.get(f"/api/v1/jobs/{body['job_id']}",
                                                              headers=headers).json()
    return dict(client.get(f"/api/v1/assets/{asset_id}/renditions", headers=headers).json())


def get_qa(client: TestClient, headers: Headers, asset_id: str, **params: Any) -> dict[str, Any]:
    r = client.get(f"/api/v1/assets/{asset_id}/qa", headers=headers, params=params)
    assert r.status_code == 200, r.text
    return dict(r.json())


def renditions_by_profile(listing: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {p["profile"]: p["renditions"] for p in listing["profiles"] if p["renditions"]}
