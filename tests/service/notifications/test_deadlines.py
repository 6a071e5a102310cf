"""Plan deadlines and plan events reach the right people: a task due soon (lead unit), overdue (lead unit and the
units it reports to), a six-month report not yet submitted, a report submitted (to the Sở), evidence reviewed."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from service.notifications.deadlines import report_deadlines, reports_to_chase, task_state
from tests.service.notifications.smtp import Inbox
from tests.service.notifications.test_notifications import email_of, settle
from tests.service.plans.builders import Tree
from tests.service.workflow.wf_support import Flow


def test_task_state_and_report_calendar() -> None:
    today = date(2026, 6, 10)
    assert task_state(date(2026, 6, 12), "in_progress", today) == "due"
    assert task_state(date(2026, 6, 30), "not_started", today) is None  # more than a week away
    assert task_state(date(2026, 6, 1), "not_started", today) == "overdue"
    assert task_state(date(2026, 6, 1), "done", today) is None
    assert task_state(None, "not_started", today) is None
    assert [d.period for d in report_deadlines(2026)] == ["2026-H1", "2026"]
    assert [d.period for d in reports_to_chase(date(2026, 6, 10))] == ["2026-H1"]
    assert [d.period for d in reports_to_chase(date(2026, 7, 20))] == ["2026-H1"]  # overdue, still chased
    assert [d.period for d in reports_to_chase(date(2026, 12, 20))] == ["2026"]
    assert [d.period for d in reports_to_chase(date(2026, 3, 1))] == ["2025"]  # year-end 2025, overdue
    assert reports_to_chase(date(2026, 4, 1)) == []


def test_tasks_reports_and_evidence_notify_along_the_line(flow: Flow, inbox: Inbox) -> None:
    from service.core.runtime import current
    from service.notifications.scheduled import remind_deadlines

    f, c = flow.factory, flow.client
    tree = Tree.build(f)
    so_admin, so_reviewer = f.headers("admin", tree.department), f.headers("reviewer", tree.department)
    school_a, school_b = f.headers("admin", tree.school_a), f.headers("admin", tree.school_b)
    outsider = f.headers("reviewer", tree.other_department)
    year = 2031  # a year of its own: no other test's deadlines interfere
    r = c.post("/api/v1/plans", json={"year": year, "number": f"{uuid.uuid4().hex[:4]}/KH-SGDĐT",
                                      "title": "Kế hoạch truyền thông"}, headers=so_admin)
    assert r.status_code == 201, r.text
    due = date(year, 3, 31)
    title = f"Tổ chức chuyên đề về Nghị quyết 71 {uuid.uuid4().hex[:6]}"
    r = c.post(f"/api/v1/plans/{r.json()['id']}/tasks", headers=so_admin,
               json={"title": title, "lead_organisation_code": tree.school_a, "due_on": due.isoformat()})
    assert r.status_code == 201, r.text

    remind_deadlines(current(), due - timedelta(days=3))
    settle()
    [mail] = [m for m in inbox.to(email_of(flow, school_a)) if title in m.message["Subject"]]
    assert mail.message["Subject"] == f"Nhiệm vụ sắp đến hạn (31/03/{year}): {title}"
    assert not [m for m in inbox.to(email_of(flow, so_reviewer)) if title in m.message["Subject"]]

    remind_deadlines(current(), due + timedelta(days=1))
    remind_deadlines(current(), due + timedelta(days=2))  # one overdue notice, not one a day
    settle()
    overdue = f"Nhiệm vụ quá hạn (31/03/{year}): {title}"
    for headers in (school_a, so_reviewer, so_admin):
        assert [m.message["Subject"] for m in inbox.to(email_of(flow, headers)) if title in m.message["Subject"]
                ][-1:] == [overdue]
    assert not [m for m in inbox.to(email_of(flow, outsider)) if title in m.message["Subject"]]

    # The six-month report: both schools are reminded; one submits; only the other is chased after the deadline.
    remind_deadlines(current(), date(year, 6, 10))
    settle()
    subject = f"Báo cáo {year}-H1 của đơn vị đến hạn ngày 15/06/{year}"
    for headers in (school_a, school_b):
        assert [m.message["Subject"] for m in inbox.to(email_of(flow, headers))].count(subject) == 1
    r = c.post(f"/api/v1/reports/{tree.school_a}:submit", params={"period": f"{year}-H1", "number": "07"},
               headers=school_a)
    assert r.status_code == 201, r.text
    settle()
    submitted = [m.message["Subject"] for m in inbox.to(email_of(flow, so_reviewer))]
    assert any(s.startswith("Đơn vị cấp dưới đã gửi báo cáo: Trường Tiểu học Kim Đồng") for s in submitted)
    assert not any("đã gửi báo cáo" in m.message["Subject"] for m in inbox.to(email_of(flow, outsider)))
    remind_deadlines(current(), date(year, 6, 20))
    settle()
    assert [m.message["Subject"] for m in inbox.to(email_of(flow, school_a))].count(subject) == 1
    assert [m.message["Subject"] for m in inbox.to(email_of(flow, school_b))].count(subject) == 2

    # Evidence returned by the Sở tells the school why.
    r = c.post("/api/v1/evidence", headers=school_b, data={"channel": "zalo-group", "note": "Nhóm phụ huynh"})
    assert r.status_code == 201, r.text
    r = c.post(f"/api/v1/evidence/{r.json()['id']}/review", headers=so_reviewer,
               json={"decision": "returned", "note": "Thiếu ảnh chụp bài đăng"})
    assert r.status_code == 200, r.text
    settle()
    [returned] = [m for m in inbox.to(email_of(flow, school_b)) if "Minh chứng" in m.message["Subject"]]
    assert "Trả lại" in returned.message["Subject"] and "Thiếu ảnh chụp bài đăng" in returned.text
