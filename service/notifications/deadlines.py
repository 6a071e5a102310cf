"""Deadlines of plan tasks and unit reports: what is due soon or overdue on a given day (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

DUE_SOON = timedelta(days=7)  # the first reminder, a week ahead
OVERDUE_FOR = timedelta(days=90)  # stop reminding of a report this long after its deadline
OPEN_TASK = frozenset({"not_started", "in_progress", "overdue"})


def task_state(due_on: date | None, status: str, today: date) -> str | None:
    """"due" in the week before the deadline, "overdue" after it, None otherwise (done, or far off)."""
    if due_on is None or status not in OPEN_TASK:
        return None
    if due_on < today:
        return "overdue"
    if due_on - today <= DUE_SOON:
        return "due"
    return None


@dataclass(frozen=True)
class ReportDeadline:
    period: str  # "2026-H1" (six-month) or "2026" (year-end), as service/reports labels them
    due: date


def report_deadlines(year: int) -> list[ReportDeadline]:
    """The plans ask for the six-month report by mid-June and the year-end report by mid-December."""
    return [ReportDeadline(f"{year}-H1", date(year, 6, 15)), ReportDeadline(str(year), date(year, 12, 15))]


def reports_to_chase(today: date) -> list[ReportDeadline]:
    """Deadlines within a week ahead, or passed less than OVERDUE_FOR ago."""
    found = []
    for year in (today.year - 1, today.year):
        for d in report_deadlines(year):
            if d.due - DUE_SOON <= today <= d.due + OVERDUE_FOR:
                found.append(d)
    return found


def show(day: date) -> str:
    return day.strftime("%d/%m/%Y")
