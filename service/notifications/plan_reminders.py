"""Reminders of plan deadlines: tasks due within a week or overdue (to the lead unit, and when overdue to the
units it reports to), six-month and year-end reports not yet submitted (to the unit)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from service.http import urls
from service.notifications import deadlines, recipients, repository
from service.notifications.content import Notice
from service.notifications.service import notify
from service.plans import access


def remind_tasks(session: Session, today: date) -> int:
    sent = 0
    tasks = repository.open_tasks_due_by(session, today + deadlines.DUE_SOON)
    leads = recipients.unit_people(session, [t.lead_org_id for t in tasks if t.lead_org_id])
    for task in tasks:
        state = deadlines.task_state(task.due_on, task.status, today)
        if state is None or task.lead_org_id is None or task.due_on is None:
            continue
        people = list(leads.get(task.lead_org_id, []))
        if state == "overdue":
            people += recipients.overseers(session, task.lead_org_id)
        notice = Notice(kind="task_due" if state == "due" else "task_overdue", title=task.title[:300],
                        link=urls.plan_page(task.plan_id), due=deadlines.show(task.due_on))
        sent += len(notify(session, people, notice, f"task-{state}:{task.id}:{task.due_on.isoformat()}"))
    return sent


def remind_reports(session: Session, today: date) -> int:
    """Every unit with a reporting line up that has not submitted the period's report is reminded once before
    the deadline and once after it."""
    _, graph = access.lines(session)
    reporting = [org_id for org_id, above in graph.items() if above]
    sent = 0
    for deadline in deadlines.reports_to_chase(today):
        submitted = repository.submitted_reports(session, deadline.period)
        waiting = [o for o in reporting if o not in submitted]
        people = recipients.unit_people(session, waiting)
        stage = "overdue" if today > deadline.due else "due"
        for org_id in waiting:
            notice = Notice(kind="report_due", title=deadline.period, due=deadlines.show(deadline.due),
                            link=urls.line_report())
            sent += len(notify(session, people.get(org_id, []), notice,
                               f"report-{stage}:{org_id}:{deadline.period}"))
    return sent
