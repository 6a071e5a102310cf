"""The Ministry plan's appendix ("Danh mục nhiệm vụ, giải pháp truyền thông trọng tâm", in the seeds), written as
XLSX with openpyxl, imports into tasks with parsed due dates; CSV and DOCX layouts too; bad tables never half-write."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import docx
import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from tests.conftest import Factory
from tests.service.publication.helpers import Publisher

SEED = Path("/work/shared/seeds/001_57c4452351f66f85.txt")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What each "Thời gian" of the appendix means for a 2026 plan, written out by hand.
EXPECTED = {"Tháng 01/2026": (date(2026, 1, 31), None), "Hàng năm": (date(2026, 12, 31), "yearly"),
            "Theo kế hoạch": (None, "as_planned"), "Năm 2026": (date(2026, 12, 31), None),
            "Thường xuyên": (None, "continuous"), "Quý I/2026": (date(2026, 3, 31), None),
            "Theo giai đoạn": (None, "per_phase")}


def appendix_rows() -> list[list[str]]:
    if not SEED.exists():
        pytest.skip("the seed plans are not on this machine")
    lines = SEED.read_text(encoding="utf-8").splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("STT\t"))
    return [ln.split("\t") for ln in lines[start:] if ln.count("\t") == 5]


def xlsx_of(rows: list[list[str]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["DANH MỤC NHIỆM VỤ, GIẢI PHÁP TRUYỀN THÔNG TRỌNG TÂM"])  # a title row above the header
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def new_plan(client: TestClient, headers: dict[str, str], year: int = 2026) -> str:
    r = client.post("/api/v1/plans", json={"year": year, "title": "Kế hoạch truyền thông thực hiện Nghị quyết 71",
                                           "number": "255/KH-BGDĐT", "issued_on": "2026-02-11"}, headers=headers)
    assert r.status_code == 201, r.text
    assert r.json()["reference"] == "255/KH-BGDĐT ngày 11/02/2026"
    assert r.json()["checkpoints"] == [f"{year}-H1", str(year)]
    return str(r.json()["id"])


def test_ministry_appendix_as_xlsx(client: TestClient, factory: Factory, publisher: Publisher) -> None:
    rows = appendix_rows()
    numbered = [r for r in rows[1:] if r[0].strip().isdigit()]
    assert len(numbered) == 23
    ministry = factory.org("ministry")
    headers = factory.headers("admin", ministry)
    plan_id = new_plan(client, headers)
    r = client.post(f"/api/v1/plans/{plan_id}/tasks:import", headers=headers,
                    files={"file": ("phu-luc.xlsx", xlsx_of(rows), XLSX)})
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 23
    assert all(row["problems"] == [] for row in r.json()["rows"])
    tasks = client.get(f"/api/v1/plans/{plan_id}/tasks", headers=headers).json()
    assert len(tasks) == 23
    by_title = {t["title"]: t for t in tasks}
    for cells in numbered:
        task = by_title[cells[1].strip()]
        due, recurrence = EXPECTED[cells[5].strip()]
        assert (task["due_on"], task["recurrence"]) == (due.isoformat() if due else None, recurrence), cells
        assert task["lead_unit"] == cells[2].strip()
    first = by_title["Xây dựng, ban hành Kế hoạch truyền thông thực hiện Nghị quyết 71-NQ/TW"]
    assert first["position"] == "I.1" and first["section"].startswith("Hoàn thiện cơ chế")
    assert first["status"] == "overdue"  # due 31/01/2026 and not done
    two = by_title["Xây dựng kế hoạch, kịch bản truyền thông theo vấn đề, sự kiện"]
    assert two["partner_units"] == ["Báo GD&ĐT", "Tạp chí Giáo dục"]
    listed = by_title["Theo dõi, phân tích dư luận xã hội liên quan đến Nghị quyết 71-NQ/TW"]
    assert listed["partner_units"] == ["Các đơn vị thuộc Bộ", "Các sở GDĐT", "Các cơ sở giáo dục"]
    r = client.patch(f"/api/v1/tasks/{first['id']}", json={"status": "done", "note": "Đã ban hành"}, headers=headers)
    assert r.status_code == 200 and r.json()["status"] == "done"
    unknown = "00000000-0000-4000-8000-000000000000"
    assert client.patch(f"/api/v1/tasks/{two['id']}", json={"link_asset_id": unknown}, headers=headers
                        ).status_code == 404
    asset = publisher.publish(org_code=ministry, title="Kế hoạch truyền thông dạng infographic")
    r = client.patch(f"/api/v1/tasks/{two['id']}", json={"link_asset_id": asset}, headers=headers)
    assert r.status_code == 200 and r.json()["asset_ids"] == [asset]
    assert client.post("/api/v1/evidence", headers=headers, data={"channel": "web", "asset_id": unknown}
                       ).status_code == 404


def test_csv_and_docx_layouts_and_unknown_timing(client: TestClient, factory: Factory) -> None:
    unit = factory.org("department")
    headers = factory.headers("reviewer", unit)
    plan_id = new_plan(client, headers)
    table = [["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Kết quả", "Thời hạn"],
             ["I", "Tuyên truyền", "", "", "", ""],
             ["1", "Tọa đàm về giáo dục", "Sở GDĐT", "- UBND phường\n- Các trường", "Tọa đàm", "6 tháng đầu năm 2026"],
             ["2", "Pa-nô tuyên truyền", "Sở GDĐT", "", "Pa-nô", "sớm nhất có thể"]]
    buf = io.StringIO()
    csv.writer(buf).writerows(table)
    r = client.post(f"/api/v1/plans/{plan_id}/tasks:import", headers=headers,
                    files={"file": ("bang.csv", buf.getvalue().encode("utf-8"), "text/csv")})
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 1
    rows = r.json()["rows"]
    assert rows[0]["due_on"] == "2026-06-30" and rows[0]["position"] == "I.1"
    assert rows[1]["problems"] and "sớm nhất có thể" in rows[1]["problems"][0]
    document = docx.Document()
    document.add_paragraph("Phụ lục")
    grid = document.add_table(rows=len(table), cols=6)
    for i, cells in enumerate(table):
        for j, value in enumerate(cells):
            grid.cell(i, j).text = value
    out = io.BytesIO()
    document.save(out)
    r = client.post(f"/api/v1/plans/{plan_id}/tasks:import", headers=headers,
                    files={"file": ("bang.docx", out.getvalue(), "application/octet-stream")})
    assert r.status_code == 200 and r.json()["created"] == 1, r.text
    tasks = client.get(f"/api/v1/plans/{plan_id}/tasks", headers=headers).json()
    assert [t["partner_units"] for t in tasks] == [["UBND phường", "Các trường"]] * 2


def test_unreadable_tables_are_422_and_write_nothing(client: TestClient, factory: Factory) -> None:
    unit = factory.org("department")
    headers = factory.headers("admin", unit)
    plan_id = new_plan(client, headers)
    truncated = xlsx_of([["STT", "Nhiệm vụ", "Thời gian"]])[:300]
    for name, content in (("x.xlsx", b"PK\x03\x04 not a zip"), ("x.docx", b"garbage"), ("x.pdf", b"%PDF-1.4"),
                          ("y.xlsx", truncated), ("y.docx", truncated), ("x.csv", b"\xff\xfe\x00bad"),
                          ("x.csv", b"a,b\n1,2\n")):
        r = client.post(f"/api/v1/plans/{plan_id}/tasks:import", headers=headers,
                        files={"file": (name, content, "application/octet-stream")})
        assert r.status_code == 422, (name, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
    assert client.get(f"/api/v1/plans/{plan_id}/tasks", headers=headers).json() == []
    staff = factory.headers("staff", unit)
    r = client.post(f"/api/v1/plans/{plan_id}/tasks:import", headers=staff,
                    files={"file": ("phu-luc.xlsx", xlsx_of([["STT", "Nhiệm vụ", "Thời gian"]]), XLSX)})
    assert r.status_code == 403
