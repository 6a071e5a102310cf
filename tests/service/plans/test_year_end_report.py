"""End to end over Ministry → Sở → ward → two schools: targets set at the Sở apply to its schools; products
published, evidence by one school and nothing by the other; the Sở's year-end report measures every target, names
the silent school, matches figures computed here from the base tables, and its XLSX (openpyxl) and PDF (pypdf)
carry the same figures; a submitted report no longer changes."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import text

from tests.conftest import Factory
from tests.service.assets.media import png
from tests.service.plans.builders import Tree, name_of
from tests.service.publication.chart_checks import assert_pdf_charts, assert_xlsx_charts, drawn
from tests.service.publication.helpers import Publisher

VN = timezone(timedelta(hours=7))


def _aware(at: datetime | str) -> datetime:
    value = datetime.fromisoformat(at) if isinstance(at, str) else at
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def _sql_facts(scope: list[str], year: int) -> dict[str, float]:
    """The report's figures computed straight from the base tables (not from usage_daily or the report code)."""
    from service.core.db import unit_of_work

    with unit_of_work() as session:
        ids = [r[0] for r in session.execute(text("SELECT id, code FROM organisations")).all()
               if r[1] in scope]
        names = {str(i) for i in ids}
        assets = session.execute(text("SELECT owner_org_id, published_at FROM assets WHERE published_at IS NOT NULL")
                                 ).all()
        events = session.execute(text("SELECT at, user_id, organisation_id, asset_id, kind FROM usage_events "
                                      "WHERE kind = 'download'")).all()
        evidence = session.execute(text("SELECT organisation_id, review, views FROM evidence")).all()
    products = sum(1 for o, at in assets if str(o) in names and _aware(at).astimezone(VN).year == year)
    once = {(_aware(at).astimezone(VN).date(), str(u), str(a)) for at, u, o, a, _k in events if str(o) in names}
    kept = [(o, v) for o, r, v in evidence if str(o) in names and r != "returned"]
    return {"products": products, "downloads": len(once), "evidence": len(kept),
            "views": sum(v or 0 for _o, v in kept)}


def test_year_end_report_of_the_department(client: TestClient, factory: Factory, publisher: Publisher) -> None:
    from service.models.base import utcnow

    tree = Tree.build(factory)
    year = utcnow().astimezone(VN).year
    ministry_admin = factory.headers("admin", tree.ministry)
    so_admin, so_reviewer = factory.headers("admin", tree.department), factory.headers("reviewer", tree.department)
    staff_a, staff_b = factory.headers("staff", tree.school_a), factory.headers("staff", tree.school_b)
    admin_a, admin_w = factory.headers("admin", tree.school_a), factory.headers("admin", tree.ward)

    # Plans: the Sở's implements the Ministry's.
    r = client.post("/api/v1/plans", json={"organisation_code": tree.ministry, "year": year, "number": "255/KH-BGDĐT",
                                           "title": "Kế hoạch truyền thông", "issued_on": f"{year}-02-11"},
                    headers=ministry_admin)
    assert r.status_code == 201, r.text
    r = client.post("/api/v1/plans", json={"year": year, "number": "12/KH-SGDĐT", "title": "Kế hoạch của Sở",
                                           "parent_plan_id": r.json()["id"]}, headers=so_admin)
    assert r.status_code == 201, r.text
    plan = r.json()["id"]
    r = client.put(f"/api/v1/plans/{plan}/document", headers=so_admin,
                   files={"file": ("ke-hoach.pdf", b"%PDF-1.4 ke hoach", "application/pdf")})
    assert r.status_code == 200 and r.json()["document_name"] == "ke-hoach.pdf"
    assert client.get(f"/api/v1/plans/{plan}/document", headers=staff_a).status_code == 403
    assert client.get(f"/api/v1/plans/{plan}/document", headers=so_reviewer).content == b"%PDF-1.4 ke hoach"

    templates = {t["code"]: t for t in client.get("/api/v1/targets/templates", headers=staff_a).json()}
    assert {"SP-SO-NAM", "TIEP-CAN-90", "DAO-TAO-70", "DAU-MOI-100", "CSGD-NOI-DUNG-100"} <= set(templates)
    for body in ({"template_code": "SP-SO-NAM"}, {"template_code": "DAU-MOI-100"},
                 {"template_code": "CSGD-NOI-DUNG-100"}, {"template_code": "DAO-TAO-70"},
                 {"template_code": "TIEP-CAN-90", "applies_to": "children", "child_kind": "school"}):
        r = client.post(f"/api/v1/plans/{plan}/targets", json=body, headers=so_admin)
        assert r.status_code == 201, r.text
        if body["template_code"] == "DAO-TAO-70":
            declared = r.json()["id"]
    r = client.post(f"/api/v1/plans/{plan}/tasks", headers=so_admin,
                    json={"title": "Tọa đàm về giáo dục", "timing": f"Tháng 01/{year}", "lead_unit": "Sở GDĐT"})
    assert r.status_code == 201 and r.json()["status"] == "overdue"
    r = client.post(f"/api/v1/plans/{plan}/tasks", headers=so_admin,
                    json={"title": "Xây dựng chuyên mục", "timing": "Thường xuyên"})
    done_task = r.json()["id"]
    assert client.patch(f"/api/v1/tasks/{done_task}", json={"status": "done"}, headers=so_admin).status_code == 200

    # Products of the Sở; one of another province; a producer's draft preview.
    assets = [publisher.publish(org_code=tree.department, title=f"Infographic Nghị quyết 71 số {i}")
              for i in range(3)]
    publisher.publish(org_code=tree.other_department, title="Sản phẩm tỉnh khác")
    draft = publisher.upload(org_code=tree.department, title="Bản nháp")
    producer = factory.headers("producer", tree.department)
    assert client.get(f"/api/v1/assets/{draft}/original", headers=producer).status_code == 200

    # School A downloads (twice the same file: counted once) and records evidence; the ward downloads; B nothing.
    for asset in (assets[0], assets[0], assets[1]):
        assert client.get(f"/api/v1/assets/{asset}/original", headers=staff_a).status_code == 200
    assert client.get(f"/api/v1/assets/{assets[0]}/original", headers=factory.headers("staff", tree.ward)
                      ).status_code == 200
    screenshot = png()
    r = client.post("/api/v1/evidence", headers=staff_a,
                    files={"image": ("chup-man-hinh.png", screenshot, "image/png")},
                    data={"channel": "facebook", "asset_id": assets[0], "post_url": "https://facebook.com/kimdong/1",
                          "views": "1200", "staff_reached": "5", "note": "Đăng trên fanpage nhà trường"})
    assert r.status_code == 201, r.text
    accepted = r.json()["id"]
    r = client.post("/api/v1/evidence", headers=staff_a, data={"channel": "loudspeaker", "listeners": "300"})
    returned = r.json()["id"]
    r = client.post(f"/api/v1/evidence/{accepted}/review", json={"decision": "accepted"}, headers=so_reviewer)
    assert r.status_code == 200 and r.json()["review"] == "accepted"
    client.post(f"/api/v1/evidence/{returned}/review", json={"decision": "returned", "note": "Thiếu ảnh"},
                headers=so_reviewer)
    assert client.get(f"/api/v1/evidence/{accepted}/image", headers=so_reviewer).content == screenshot

    # Contacts (A and the ward, not B), staff counts, the Sở's declared training figure.
    contact = {"full_name": "Nguyễn Văn An", "phone": "0912 345 678", "email": "an@truong.edu.vn"}
    for code, headers in ((tree.school_a, admin_a), (tree.ward, admin_w)):
        assert client.put(f"/api/v1/organisations/{code}/contacts/contact", json=contact, headers=headers
                          ).status_code == 200
    assert client.put(f"/api/v1/organisations/{tree.school_a}/profile", json={"staff_count": 10}, headers=admin_a
                      ).status_code == 200
    assert client.put(f"/api/v1/organisations/{tree.school_b}/profile", json={"staff_count": 8},
                      headers=factory.headers("admin", tree.school_b)).status_code == 200
    r = client.post(f"/api/v1/targets/{declared}/declarations", headers=so_admin,
                    data={"period": str(year), "achieved": "14", "total": "20"},
                    files={"attachment": ("danh-sach-tap-huan.xlsx", b"PK fake list", "application/octet-stream")})
    assert r.status_code == 201, r.text

    r = client.get(f"/api/v1/reports/{tree.department}", params={"period": str(year)}, headers=so_reviewer)
    assert r.status_code == 200, r.text
    report = r.json()
    facts = _sql_facts([tree.department, tree.ward, tree.school_a, tree.school_b], year)
    targets = {t["code"]: t for t in report["plan_targets"]}
    # Computed here: 3 products of 20; contacts 2 of 3 units below; 1 of 2 schools active; 14/20 trained;
    # staff reached at A = min(10, 1 downloader + 5 from accepted evidence) = 60 %, at B 0 %.
    assert facts["products"] == 3
    assert (targets["SP-SO-NAM"]["achieved"], targets["SP-SO-NAM"]["progress_pct"]) == (3, 15.0)
    assert (targets["DAU-MOI-100"]["achieved"], targets["DAU-MOI-100"]["met"]) == (round(200 / 3, 1), False)
    assert (targets["CSGD-NOI-DUNG-100"]["achieved"], targets["CSGD-NOI-DUNG-100"]["progress_pct"]) == (50.0, 50.0)
    assert (targets["DAO-TAO-70"]["achieved"], targets["DAO-TAO-70"]["met"]) == (70.0, True)
    per_school = {u["code"]: u["achieved"] for u in targets["TIEP-CAN-90"]["units"]}
    assert per_school == {tree.school_a: 60.0, tree.school_b: 0.0}
    assert (targets["TIEP-CAN-90"]["achieved"], targets["TIEP-CAN-90"]["target"]) == (0, 2)
    assert [u["code"] for u in report["silent_units"]] == [tree.school_b]
    assert report["usage"]["totals"]["download"] == facts["downloads"] == 3  # A: 2 assets, ward: 1; no draft
    assert report["products"]["total"] == facts["products"]
    assert (report["evidence"]["records"], report["evidence"]["views"]) == (facts["evidence"], facts["views"]) \
        == (1, 1200)
    assert report["evidence"]["by_review"] == {"accepted": 1, "returned": 1}
    assert report["tasks"]["done"] == 1 and report["tasks"]["overdue"] == 1

    # The school sees the Sở's per-school target in its own report; not the Sở's report.
    mine = client.get(f"/api/v1/reports/{tree.school_a}", params={"period": str(year)}, headers=staff_a).json()
    assert {t["code"]: t["achieved"] for t in mine["plan_targets"]} == {"TIEP-CAN-90": 60.0}
    assert client.get(f"/api/v1/reports/{tree.department}", params={"period": str(year)}, headers=staff_a
                      ).status_code == 403

    xlsx = client.get(f"/api/v1/reports/{tree.department}", params={"period": str(year), "format": "xlsx"},
                      headers=so_reviewer)
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames[0] == "Báo cáo"
    cells = [str(c) for row in wb["Báo cáo"].iter_rows(values_only=True) for c in row if c is not None]
    for heading in ("I. Kết quả đạt được", "II. Tồn tại, hạn chế", "III. Phương hướng",
                    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", name_of(tree.department).upper()):
        assert heading in cells
    sheet = {row[0]: row for row in wb["Chỉ tiêu kế hoạch"].iter_rows(min_row=2, values_only=True)}
    for code, t in targets.items():
        assert (sheet[code][2], sheet[code][3], sheet[code][4]) == (t["target"], t["achieved"], t["progress_pct"])
    assert_xlsx_charts(wb, report)  # the plan targets' progress among them, as on the dashboard
    assert any(c.key == "plan-targets" for c in drawn(report))
    assert [r[1] for r in wb["Đơn vị chưa sử dụng"].iter_rows(min_row=2, values_only=True)] == \
        [name_of(tree.school_b)]

    pdf = client.get(f"/api/v1/reports/{tree.department}", params={"period": str(year), "format": "pdf"},
                     headers=so_reviewer)
    words = " ".join(_pdf_text(pdf.content).split())
    assert_pdf_charts(pdf.content, report)
    for heading in ("I. Kết quả đạt được", "II. Tồn tại, hạn chế", "III. Phương hướng", f"BÁO CÁO NĂM {year}"):
        assert heading in words
    assert name_of(tree.school_b) in words
    for code, t in targets.items():
        assert code in words and f"{t['achieved']:g}" in words and f"{t['progress_pct']:g}" in words
        if not t["met"]:
            assert f"Chỉ tiêu {code} chưa đạt: thực hiện {t['achieved']:g}/{t['target']:g}." in words
    assert "lượt xem 1200" in words and "Lượt tải về (mỗi người, mỗi sản phẩm, mỗi ngày tính một lần): 3" in words

    # Submitting freezes it: later evidence from B does not change the submitted report.
    r = client.post(f"/api/v1/reports/{tree.department}:submit", params={"period": str(year), "number": "45"},
                    headers=so_admin)
    assert r.status_code == 201, r.text
    assert client.post("/api/v1/evidence", headers=staff_b, data={"channel": "school-assembly"}).status_code == 201
    again = client.get(f"/api/v1/reports/{tree.department}", params={"period": str(year)}, headers=so_reviewer)
    assert again.json()["silent_units"] == report["silent_units"] and again.json()["frozen"]["number"] == "45"
    assert client.post(f"/api/v1/reports/{tree.department}:submit", params={"period": str(year)},
                       headers=so_admin).status_code == 409
    live = client.get(f"/api/v1/reports/{tree.ward}", params={"period": str(year)}, headers=so_reviewer).json()
    assert live["frozen"] is None
