"""The plan, task, target, evidence, reporting-line and report lists read what they show in a constant number of
SQL statements: the count for 3N rows is not larger than for N (issue 19; tests/querycount.py). Real app, real
database (both stacks)."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from tests.conftest import Factory
from tests.querycount import assert_flat, shows_all
from tests.service.plans.builders import Tree, unit


def _plan(client: TestClient, headers: dict[str, str]) -> str:
    r = client.post("/api/v1/plans", json={"year": 2026, "title": f"Kế hoạch {uuid.uuid4().hex[:6]}"},
                    headers=headers)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def test_plans_targets_and_tasks(client: TestClient, factory: Factory) -> None:
    tree = Tree.build(factory)
    so = factory.headers("admin", tree.department)
    titles: list[str] = []

    def more_plans(n: int) -> None:
        for _ in range(n):
            plan_id = _plan(client, so)
            titles.append(plan_id)

    assert_flat(shows_all(client, "/api/v1/plans", so, titles), more_plans)
    plan_id = _plan(client, so)
    labels: list[str] = []

    def more_targets(n: int) -> None:
        for _ in range(n):
            label = f"Chỉ tiêu {uuid.uuid4().hex[:8]}"
            r = client.post(f"/api/v1/plans/{plan_id}/targets", headers=so,
                            json={"code": f"ct-{uuid.uuid4().hex[:8]}", "label": label, "value": 10,
                                  "measure": "declared"})
            assert r.status_code == 201, r.text
            labels.append(label)

    assert_flat(shows_all(client, f"/api/v1/plans/{plan_id}/targets", so, labels), more_targets)
    tasks: list[str] = []
    leads = [tree.school_a, tree.school_b, tree.ward]

    def more_tasks(n: int) -> None:
        for _ in range(n):
            title = f"Nhiệm vụ {uuid.uuid4().hex[:8]}"
            r = client.post(f"/api/v1/plans/{plan_id}/tasks", headers=so,
                            json={"title": title, "timing": "Thường xuyên",
                                  "lead_organisation_code": leads[len(tasks) % len(leads)]})
            assert r.status_code == 201, r.text
            tasks.append(title)

    assert_flat(shows_all(client, f"/api/v1/plans/{plan_id}/tasks", so, tasks), more_tasks)
    # the tasks led by the Sở's units, seen from the Sở
    assert_flat(shows_all(client, "/api/v1/tasks", factory.headers("reviewer", tree.department), tasks), more_tasks)


def test_task_notes(client: TestClient, factory: Factory) -> None:
    tree = Tree.build(factory)
    so = factory.headers("admin", tree.department)
    plan_id = _plan(client, so)
    r = client.post(f"/api/v1/plans/{plan_id}/tasks", headers=so,
                    json={"title": "Chuyên mục", "timing": "Thường xuyên", "lead_organisation_code": tree.school_a})
    assert r.status_code == 201, r.text
    task_id = r.json()["id"]
    staff = factory.headers("staff", tree.school_a)
    notes: list[str] = []

    def more_notes(n: int) -> None:
        for _ in range(n):
            note = f"Tiến độ {uuid.uuid4().hex[:8]}"
            status = "in_progress" if len(notes) % 2 else "done"
            r = client.patch(f"/api/v1/tasks/{task_id}", json={"status": status, "note": note}, headers=staff)
            assert r.status_code == 200, r.text
            notes.append(note)

    assert_flat(shows_all(client, f"/api/v1/tasks/{task_id}/notes", so, notes), more_notes)


def test_target_templates(client: TestClient, factory: Factory) -> None:
    """Templates are shared rows (no plan): the ones this test adds are removed at the end."""
    from sqlalchemy import delete

    from service.core.db import unit_of_work
    from service.models import Target

    headers = factory.headers("staff")
    codes: list[str] = []

    def more_templates(n: int) -> None:
        with unit_of_work() as session:
            for _ in range(n):
                code = f"zz-thu-{uuid.uuid4().hex[:8]}"
                session.add(Target(plan_id=None, code=code, label=f"Mẫu {code}", value=1, measure="declared"))
                codes.append(code)

    try:
        assert_flat(shows_all(client, "/api/v1/targets/templates", headers, codes), more_templates)
    finally:
        with unit_of_work() as session:
            session.execute(delete(Target).where(Target.plan_id.is_(None), Target.code.in_(codes)))


def test_evidence_lines_and_report(client: TestClient, factory: Factory) -> None:
    tree = Tree.build(factory)
    school = factory.headers("staff", tree.school_a)
    so = factory.headers("reviewer", tree.department)
    links: list[str] = []

    def more_evidence(n: int) -> None:
        for _ in range(n):
            link = f"https://zalo.me/g/{uuid.uuid4().hex[:12]}"
            r = client.post("/api/v1/evidence", headers=school, data={"channel": "zalo-group", "post_url": link,
                                                                      "note": "Chia sẻ nhóm phụ huynh"})
            assert r.status_code == 201, r.text
            links.append(link)

    assert_flat(shows_all(client, "/api/v1/evidence", so, links), more_evidence)
    schools: list[str] = []

    def more_schools(n: int) -> None:
        for _ in range(n):
            schools.append(unit("school", "Trường thử", tree.department))

    assert_flat(shows_all(client, f"/api/v1/reporting-lines/{tree.department}", so, schools), more_schools)
    assert_flat(shows_all(client, f"/api/v1/reports/{tree.department}?period=2026", so, schools), more_schools)
