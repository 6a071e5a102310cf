"""Plans pages: reachable from the dashboard; the plan page shows targets as progress bars and the task board; a
school's staff member records evidence with a phone screenshot through the form; the line report drills down."""

from __future__ import annotations

from html.parser import HTMLParser

from fastapi.testclient import TestClient

from tests.conftest import Factory
from tests.service.assets.media import png
from tests.service.plans.builders import Tree, name_of
from tests.web.conftest import another, csrf_from, sign_in


class Links(HTMLParser):
    """Independent reading of the served HTML: links, progress bars and file inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.progress: list[str] = []
        self.file_inputs: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.hrefs.append(str(a["href"]))
        if tag == "progress":
            self.progress.append(str(a.get("value")))
        if tag == "input" and a.get("type") == "file":
            self.file_inputs.append(a)


def parsed(html: str) -> Links:
    links = Links()
    links.feed(html)
    return links


def test_plan_pages_and_phone_evidence_form(client: TestClient, factory: Factory) -> None:
    tree = Tree.build(factory)
    so_admin = factory.headers("admin", tree.department)
    plan = client.post("/api/v1/plans", json={"year": 2026, "title": "Kế hoạch của Sở", "number": "12/KH-SGDĐT"},
                       headers=so_admin).json()["id"]
    client.post(f"/api/v1/plans/{plan}/targets", json={"template_code": "CSGD-NOI-DUNG-100"}, headers=so_admin)
    client.post(f"/api/v1/plans/{plan}/tasks", json={"title": "Tọa đàm", "timing": "Tháng 01/2026"}, headers=so_admin)
    client.post(f"/api/v1/plans/{plan}/tasks", json={"title": "Chuyên mục", "timing": "Thường xuyên"},
                headers=so_admin)

    reviewer = another(client)
    sign_in(reviewer, factory, "reviewer", tree.department)
    dashboard = parsed(reviewer.get("/bao-cao").text)
    assert "/ke-hoach" in dashboard.hrefs and "/minh-chung" in dashboard.hrefs
    assert any(h.startswith("/bao-cao/tuyen") for h in dashboard.hrefs)
    listing = reviewer.get("/ke-hoach")
    assert f"/ke-hoach/{plan}" in parsed(listing.text).hrefs
    page = reviewer.get(f"/ke-hoach/{plan}")
    assert page.status_code == 200 and "12/KH-SGDĐT" in page.text
    assert parsed(page.text).progress == ["0"]  # no school has used anything yet
    for column in ("Chưa bắt đầu", "Đang làm", "Quá hạn", "Hoàn thành"):
        assert column in page.text
    assert page.text.index("Tọa đàm") > page.text.index("Quá hạn")

    phone = another(client)
    sign_in(phone, factory, "staff", tree.school_a)
    form = phone.get("/minh-chung")
    inputs = parsed(form.text).file_inputs
    assert inputs and inputs[0]["accept"] == "image/*" and inputs[0]["capture"] == "environment"
    r = phone.post("/minh-chung", data={"csrf_token": csrf_from(form.text), "channel": "zalo-group",
                                        "views": "45", "note": "Chia sẻ nhóm Zalo phụ huynh lớp 5A"},
                   files={"image": ("IMG_0001.png", png(), "image/png")}, follow_redirects=False)
    assert r.status_code == 303, r.text
    listed = phone.get("/api/v1/evidence").json()
    assert len(listed) == 1 and listed[0]["has_image"] and listed[0]["views"] == 45
    bad = phone.post("/minh-chung", data={"csrf_token": csrf_from(form.text), "channel": "carrier-pigeon"})
    assert bad.status_code == 422 and len(phone.get("/api/v1/evidence").json()) == 1

    line = reviewer.get("/bao-cao/tuyen", params={"ky": "2026"})
    assert line.status_code == 200
    drill = [h for h in parsed(line.text).hrefs if h.startswith("/bao-cao/tuyen?don_vi=")]
    assert any(tree.school_b in h for h in drill) and any(tree.ward in h for h in drill)
    assert name_of(tree.school_b) in line.text  # silent: named
    child = reviewer.get(f"/bao-cao/tuyen?don_vi={tree.school_a}&ky=2026")
    assert child.status_code == 200 and name_of(tree.school_a) in child.text
    assert phone.get(f"/bao-cao/tuyen?don_vi={tree.school_b}&ky=2026").status_code == 403

    # The Sở accepts the evidence from its review page; the school cannot reach that page.
    review = reviewer.get("/minh-chung/duyet")
    assert review.status_code == 200 and name_of(tree.school_a) in review.text
    evidence_id = listed[0]["id"]
    r = reviewer.post(f"/minh-chung/{evidence_id}/duyet", data={"csrf_token": csrf_from(review.text),
                                                               "decision": "accepted", "note": "Tốt"},
                      follow_redirects=False)
    assert r.status_code == 303
    assert phone.get(f"/api/v1/evidence/{evidence_id}").json()["review"] == "accepted"
    assert phone.get("/minh-chung/duyet").status_code == 403

    # The board moves a task through its form.
    admin = another(client)
    sign_in(admin, factory, "admin", tree.department)
    board = admin.get(f"/ke-hoach/{plan}")
    task = next(t for t in admin.get(f"/api/v1/plans/{plan}/tasks").json() if t["title"] == "Chuyên mục")
    r = admin.post(f"/ke-hoach/nhiem-vu/{task['id']}", data={"csrf_token": csrf_from(board.text), "status": "done",
                                                              "note": "Đã vận hành"}, follow_redirects=False)
    assert r.status_code == 303
    after = admin.get(f"/ke-hoach/{plan}").text
    assert after.index("Chuyên mục") > after.index("Hoàn thành (1)")
    r = phone.post(f"/ke-hoach/nhiem-vu/{task['id']}", data={"csrf_token": csrf_from(form.text),
                                                              "status": "not_started"})
    assert r.status_code == 403
