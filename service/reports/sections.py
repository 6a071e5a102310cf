"""Report sections from the plans domain: tasks done and overdue, evidence of use and its reach."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from service.models.base import utcnow
from service.plans.lines import Unit
from service.reports import repository
from service.reports.period import Period
from service.reports.repository import Ids

LISTED = 100


def tasks(session: Session, scope: Ids, orgs: dict[uuid.UUID, Unit], p: Period) -> dict[str, Any]:
    # Overdue as of the end of the period, or today while the period is still running.
    as_of = min(utcnow().date(), p.end.date() - timedelta(days=1))
    done, overdue, open_ = [], [], 0
    for task, plan_org in repository.plan_tasks(session, scope, p.start.year):
        row = {"position": task.position, "title": task.title, "lead_unit": task.lead_unit,
               "plan_unit": orgs[plan_org].name if plan_org in orgs else "",
               "due_on": task.due_on.isoformat() if task.due_on else None, "timing": task.timing}
        if task.status == "done":
            done.append(row)
        elif task.due_on is not None and task.due_on < as_of:
            overdue.append(row)
        else:
            open_ += 1
    return {"total": len(done) + len(overdue) + open_, "done": len(done), "overdue": len(overdue), "open": open_,
            "done_list": done[:LISTED], "overdue_list": overdue[:LISTED]}


def evidence(session: Session, scope: Ids, p: Period) -> dict[str, Any]:
    """Returned evidence is listed by status but does not count toward totals or reach."""
    by_review: dict[str, int] = defaultdict(int)
    channels: dict[str, dict[str, Any]] = {}
    units: set[uuid.UUID] = set()
    totals = {"records": 0, "views": 0, "listeners": 0, "copies": 0, "staff_reached": 0}
    for org_id, channel, review, n, views, listeners, copies, staff in repository.evidence_by_unit_channel(
            session, scope, p.start.date(), p.end.date()):
        by_review[review] += n
        if review == "returned":
            continue
        units.add(org_id)
        row = channels.setdefault(channel, {"channel": channel, "records": 0, "views": 0, "listeners": 0,
                                            "copies": 0})
        for key, value in (("records", n), ("views", views), ("listeners", listeners), ("copies", copies)):
            row[key] += value
            totals[key] += value
        totals["staff_reached"] += staff
    return {**totals, "units": len(units), "by_review": dict(by_review),
            "by_channel": sorted(channels.values(), key=lambda r: -r["records"])}
