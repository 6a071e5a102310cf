"""Who sees what along the reporting line: the Sở sees the reports and evidence of every unit reporting to it (a
ward's schools sit under the provincial People's Committee in the tree) and nothing outside; a school sees its
own; one school cannot edit another's evidence; the line is editable and the change moves the visibility."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Factory
from tests.service.plans.builders import Tree


def _evidence(client: TestClient, headers: dict[str, str], channel: str = "zalo-group") -> str:
    r = client.post("/api/v1/evidence", headers=headers, data={"channel": channel, "note": "Chia sẻ nhóm phụ huynh"})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def test_department_sees_its_reporting_line_and_nothing_else(client: TestClient, factory: Factory) -> None:
    tree = Tree.build(factory)
    so = factory.headers("reviewer", tree.department)
    mine = {tree.department, tree.ward, tree.school_a, tree.school_b}
    outside = {tree.other_department, tree.other_school, tree.other_province, tree.province, tree.ministry}
    for code in mine:
        assert client.get(f"/api/v1/reports/{code}", params={"period": "2026"}, headers=so).status_code == 200, code
    for code in outside:
        assert client.get(f"/api/v1/reports/{code}", params={"period": "2026"}, headers=so).status_code == 403, code

    ev_a = _evidence(client, factory.headers("staff", tree.school_a))
    ev_other = _evidence(client, factory.headers("staff", tree.other_school))
    assert client.get(f"/api/v1/evidence/{ev_a}", headers=so).status_code == 200
    assert client.get(f"/api/v1/evidence/{ev_other}", headers=so).status_code == 403
    listed = {e["id"] for e in client.get("/api/v1/evidence", headers=so).json()}
    assert ev_a in listed and ev_other not in listed
    assert client.get("/api/v1/evidence", params={"organisation": tree.other_school}, headers=so).status_code == 403
    # The Sở reviews its school's evidence; the other province's Sở cannot.
    other_so = factory.headers("reviewer", tree.other_department)
    assert client.post(f"/api/v1/evidence/{ev_a}/review", json={"decision": "accepted"},
                       headers=other_so).status_code == 403
    # The line as the API tells it.
    lines = client.get(f"/api/v1/reporting-lines/{tree.department}", headers=so).json()
    assert set(lines["reporters"]) == {tree.ward, tree.school_a, tree.school_b}
    assert set(lines["reports_to"]) == {tree.ministry, tree.province}
    # The Ministry sees everything, through the Sở.
    ministry = factory.headers("reviewer", tree.ministry)
    assert client.get(f"/api/v1/reports/{tree.other_school}", params={"period": "2026"},
                      headers=ministry).status_code == 200


def test_a_school_sees_its_own_and_cannot_touch_anothers(client: TestClient, factory: Factory) -> None:
    tree = Tree.build(factory)
    staff_a, staff_b = factory.headers("staff", tree.school_a), factory.headers("staff", tree.school_b)
    assert client.get(f"/api/v1/reports/{tree.school_a}", params={"period": "2026-H1"},
                      headers=staff_a).status_code == 200
    assert client.get(f"/api/v1/reports/{tree.school_b}", params={"period": "2026-H1"},
                      headers=staff_a).status_code == 403
    ev_a = _evidence(client, staff_a)
    assert client.get(f"/api/v1/evidence/{ev_a}", headers=staff_b).status_code == 403
    assert client.patch(f"/api/v1/evidence/{ev_a}", json={"views": 99999}, headers=staff_b).status_code == 403
    # A reviewer of the school itself still cannot edit another school's record, nor review its own.
    reviewer_b = factory.headers("reviewer", tree.school_b)
    assert client.patch(f"/api/v1/evidence/{ev_a}", json={"views": 1}, headers=reviewer_b).status_code == 403
    reviewer_a = factory.headers("reviewer", tree.school_a)
    assert client.post(f"/api/v1/evidence/{ev_a}/review", json={"decision": "accepted"},
                       headers=reviewer_a).status_code == 403
    r = client.patch(f"/api/v1/evidence/{ev_a}", json={"views": 250, "post_url": "https://zalo.me/g/abc"},
                     headers=staff_a)
    assert r.status_code == 200 and r.json()["views"] == 250
    # Accepted evidence is closed for edits.
    client.post(f"/api/v1/evidence/{ev_a}/review", json={"decision": "accepted"},
                headers=factory.headers("reviewer", tree.department))
    assert client.patch(f"/api/v1/evidence/{ev_a}", json={"views": 1}, headers=staff_a).status_code == 409
    # Bad input is a 422, never a half-written row.
    assert client.post("/api/v1/evidence", headers=staff_a, data={"channel": "carrier-pigeon"}).status_code == 422
    r = client.post("/api/v1/evidence", headers=staff_a, data={"channel": "facebook"},
                    files={"image": ("x.png", b"not an image", "image/png")})
    assert r.status_code == 415
    assert len(client.get("/api/v1/evidence", headers=staff_a).json()) == 1


def test_editing_the_reporting_line_moves_visibility(client: TestClient, factory: Factory) -> None:
    tree = Tree.build(factory)
    so, other_so = factory.headers("reviewer", tree.department), factory.headers("reviewer", tree.other_department)
    national = factory.headers("admin", tree.ministry)
    assert client.put(f"/api/v1/reporting-lines/{tree.school_a}", json={"reports_to": [tree.other_department]},
                      headers=so).status_code == 403  # a reviewer does not redraw lines
    r = client.put(f"/api/v1/reporting-lines/{tree.school_a}", json={"reports_to": [tree.other_department]},
                   headers=national)
    assert r.status_code == 200 and r.json()["reports_to"] == [tree.other_department]
    assert client.get(f"/api/v1/reports/{tree.school_a}", params={"period": "2026"}, headers=so).status_code == 403
    assert client.get(f"/api/v1/reports/{tree.school_a}", params={"period": "2026"},
                      headers=other_so).status_code == 200
    assert client.put(f"/api/v1/reporting-lines/{tree.school_a}", json={"reports_to": [tree.school_a]},
                      headers=national).status_code == 422
    r = client.post("/api/v1/reporting-lines:seed", headers=national)
    assert r.status_code == 200 and r.json()["written"] >= 1
    # Seeding writes the derived line of the others and keeps the edited one.
    lines = client.get(f"/api/v1/reporting-lines/{tree.school_b}", headers=national).json()
    assert lines["reports_to"] == [tree.department]
    assert client.get(f"/api/v1/reporting-lines/{tree.school_a}", headers=national).json()["reports_to"] == \
        [tree.other_department]


def test_overdue_tasks_reach_the_lead_unit_and_its_parent(client: TestClient, factory: Factory) -> None:
    tree = Tree.build(factory)
    national = factory.headers("admin", tree.ministry)
    plan = client.post("/api/v1/plans", json={"year": 2026, "title": "Kế hoạch của Bộ"}, headers=national).json()["id"]
    late = client.post(f"/api/v1/plans/{plan}/tasks", headers=national,
                       json={"title": "Báo cáo quý", "timing": "Quý I/2026", "lead_organisation_code": tree.school_a})
    assert late.status_code == 201 and late.json()["status"] == "overdue"
    client.post(f"/api/v1/plans/{plan}/tasks", headers=national,
                json={"title": "Chuyên mục", "timing": "Thường xuyên", "lead_organisation_code": tree.school_a})
    staff_a = factory.headers("staff", tree.school_a)
    assert client.get(f"/api/v1/plans/{plan}", headers=staff_a).status_code == 403  # not the Ministry's plan…
    mine = client.get("/api/v1/tasks", params={"overdue": "true"}, headers=staff_a).json()
    assert [t["title"] for t in mine] == ["Báo cáo quý"]  # …but its own overdue task
    so = factory.headers("reviewer", tree.department)
    assert [t["title"] for t in client.get("/api/v1/tasks?overdue=true", headers=so).json()] == ["Báo cáo quý"]
    other = factory.headers("reviewer", tree.other_department)
    assert client.get("/api/v1/tasks?overdue=true", headers=other).json() == []
    r = client.patch(f"/api/v1/tasks/{late.json()['id']}", json={"status": "done", "note": "Đã gửi"},
                     headers=staff_a)
    assert r.status_code == 200 and r.json()["status"] == "done"
    notes = client.get(f"/api/v1/tasks/{late.json()['id']}/notes", headers=so).json()
    assert [(n["text"], n["status"]) for n in notes] == [("Đã gửi", "done")]
    assert client.get(f"/api/v1/tasks/{late.json()['id']}/notes", headers=other).status_code == 403
    assert client.patch(f"/api/v1/tasks/{late.json()['id']}", json={"status": "in_progress"},
                        headers=factory.headers("staff", tree.school_b)).status_code == 403
