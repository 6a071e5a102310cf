from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from service.models import Job, Version


def get(session: Session, job_id: str) -> Job | None:
    return session.get(Job, job_id)


def add(session: Session, job: Job) -> None:
    session.add(job)
    session.flush()


def claim(session: Session, job_id: str, worker: str, now: datetime, lease_until: datetime) -> bool:
    """Atomically take a job that is queued and due, or running on a worker whose lease lapsed."""
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.cancel_requested.is_(False),
               or_(and_(Job.status == "queued", or_(Job.not_before.is_(None), Job.not_before <= now)),
                   and_(Job.status == "running", Job.lease_until < now)))
        .values(status="running", worker=worker, attempts=Job.attempts + 1, lease_until=lease_until,
                heartbeat_at=now, started_at=now, error=None, error_code=None)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def heartbeat(session: Session, job_id: str, worker: str, progress: float, now: datetime,
              lease_until: datetime) -> bool:
    """Extend the lease; False if the job was cancelled or taken over (the worker must stop)."""
    result = session.execute(
        update(Job).where(Job.id == job_id, Job.worker == worker, Job.status == "running",
                          Job.cancel_requested.is_(False))
        .values(progress=progress, heartbeat_at=now, lease_until=lease_until)
        .execution_options(synchronize_session=False)
    )
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
