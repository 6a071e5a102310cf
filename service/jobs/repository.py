from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from service.models import Job, Version


def get(session: Session, job_id: str) -> Job | None:
    return session.get(Job, job_id)


def get_many(session: Session, job_ids: list[str]) -> dict[str, Job]:
    if not job_ids:
        return {}
    return {j.id: j for j in session.scalars(select(Job).where(Job.id.in_(job_ids)))}


def add(session: Session, job: Job) -> None:
    session.add(job)
    session.flush()


def claim(session: Session, job_id: str, worker: str, token: str, now: datetime, lease_until: datetime) -> bool:
    """Atomically take a job that is queued and due, or running on a worker whose lease lapsed. `token` is new
    for every claim: it fences the previous holder, whose later writes no longer match the row."""
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.cancel_requested.is_(False),
               or_(and_(Job.status == "queued", or_(Job.not_before.is_(None), Job.not_before <= now)),
                   and_(Job.status == "running", Job.lease_until < now)))
        .values(status="running", worker=worker, lease_token=token, attempts=Job.attempts + 1,
                lease_until=lease_until, heartbeat_at=now, started_at=now, error=None, error_code=None)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _held(job_id: str, token: str) -> ColumnElement[bool]:
    """The fencing rule: the row is still running under this claim's token."""
    return and_(Job.id == job_id, Job.lease_token == token, Job.status == "running")


def heartbeat(session: Session, job_id: str, token: str, progress: float | None, now: datetime,
              lease_until: datetime) -> str:
    """Extend the lease. "held", "cancelled" (asked to stop) or "lost" (taken over or finished elsewhere)."""
    values: dict[str, object] = {"heartbeat_at": now, "lease_until": lease_until}
    if progress is not None:
        values["progress"] = progress
    result = session.execute(update(Job).where(_held(job_id, token)).values(**values)
                             .execution_options(synchronize_session=False))
    if not result.rowcount:  # type: ignore[attr-defined]
        return "lost"
    cancel = session.scalar(select(Job.cancel_requested).where(Job.id == job_id))
    return "cancelled" if cancel else "held"


def finish(session: Session, job_id: str, token: str, status: str, now: datetime, *, error: str | None = None,
           code: str | None = None) -> str | None:
    """Record the final status, only while this claim still holds the job; returns the status recorded, or
    None when the claim no longer holds it. On PostgreSQL the UPDATE also locks the row until commit, so a
    takeover waits and then sees a finished job: results and status are one fact.

    A restart asked for while this attempt ran puts the job back in the queue instead ("queued"): a fresh run
    reads what changed meanwhile. On PostgreSQL a restart committing at the same moment is waited for and
    seen (the UPDATE re-reads the row it waited on); one committing after this finish finds the job ended
    and queues it the ordinary way."""
    again = session.execute(update(Job).where(_held(job_id, token), Job.rerun_requested.is_(True))
                            .values(status="queued", rerun_requested=False, attempts=0, progress=0.0, error=None,
                                    error_code=None, lease_until=None, not_before=None, queued_at=now,
                                    outage_since=None, outage_retries=0)
                            .execution_options(synchronize_session=False))
    if again.rowcount:  # type: ignore[attr-defined]
        return "queued"
    values: dict[str, object] = {"status": status, "error": error, "error_code": code, "finished_at": now,
                                 "lease_until": None, "outage_since": None}
    if status == "succeeded":
        values["progress"] = 1.0
    result = session.execute(update(Job).where(_held(job_id, token)).values(**values)
                             .execution_options(synchronize_session=False))
    return status if result.rowcount else None  # type: ignore[attr-defined]


def requeue(session: Session, job_id: str, token: str, *, not_before: datetime, error: str, code: str,
            outage_since: datetime | None, outage: bool) -> bool:
    """Put the job back in the queue for a retry (fenced like `finish`)."""
    # The retry reads the inputs afresh, so a restart asked for meanwhile is served by it.
    values: dict[str, object] = {"status": "queued", "lease_until": None, "error": error, "error_code": code,
                                 "not_before": not_before, "outage_since": outage_since, "rerun_requested": False}
    if outage:
        values["outage_retries"] = Job.outage_retries + 1
    result = session.execute(update(Job).where(_held(job_id, token)).values(**values)
                             .execution_options(synchronize_session=False))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def due_for_dispatch(session: Session, now: datetime, queued_before: datetime, limit: int = 500) -> list[str]:
    return list(session.scalars(
        select(Job.id).where(or_(
            and_(Job.status == "queued", Job.queued_at < queued_before,
                 or_(Job.not_before.is_(None), Job.not_before <= now)),
            and_(Job.status == "running", Job.lease_until < now),
        )).limit(limit)))


def versions_without_jobs(session: Session, kind: str, limit: int = 500) -> list[Version]:
    job_ids = select(Job.version_id).where(Job.kind == kind, Job.version_id.is_not(None))
    return list(session.scalars(select(Version).where(Version.id.not_in(job_ids)).limit(limit)))


def jobs_of_asset(session: Session, asset_id: uuid.UUID) -> list[Job]:
    return list(session.scalars(select(Job).where(Job.asset_id == asset_id).order_by(Job.queued_at)))


def succeeded_processing_jobs(session: Session, limit: int = 10000) -> list[Job]:
    return list(session.scalars(select(Job).where(Job.kind == "process", Job.status == "succeeded").limit(limit)))


def count_by_status(session: Session) -> dict[str, int]:
    """Jobs per status (only the statuses that have jobs)."""
    return {str(status): int(n) for status, n in session.execute(select(Job.status, func.count()).group_by(Job.status))}
