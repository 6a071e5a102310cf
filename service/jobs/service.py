"""Enqueueing and the sweep. Job ids are deterministic, so asking twice for the same work is a no-op."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from service.core.db import after_commit
from service.core.runtime import session_runtime
from service.jobs import repository
from service.jobs.queue import HueyQueue
from service.models import Asset, Job, Version
from service.models.base import utcnow

log = logging.getLogger("kho.jobs")


def process_job_id(version_id: object) -> str:
    return f"process:{version_id}"


def find(session: Session, job_id: str) -> Job | None:
    """A job by id, for pages that show its progress."""
    return repository.get(session, job_id)


def refocus_job_id(version_id: object, revision: int) -> str:
    """The job that re-renders a version's focal-point crops for one revision of its point."""
    return f"focal:{version_id}:{revision}"


def enqueue(session: Session, job_id: str, kind: str, *, asset_id: Any = None, version_id: Any = None,
            payload: dict[str, Any] | None = None, max_attempts: int = 3, restart: bool = False) -> Job:
    """Create the job row (or reuse it) and dispatch it to the queue once the transaction commits."""
    job = repository.get(session, job_id)
    if job is None:
        job = Job(id=job_id, kind=kind, asset_id=asset_id, version_id=version_id, payload=payload or {},
                  max_attempts=max_attempts)
        repository.add(session, job)
    elif restart and job.status == "running":
        # The running attempt read its inputs when it started: it is queued again when it ends.
        job.rerun_requested = True
        job.payload = payload or job.payload
        return job
    elif restart and job.status in ("succeeded", "failed", "cancelled"):
        job.status, job.progress, job.attempts, job.error, job.error_code = "queued", 0.0, 0, None, None
        job.cancel_requested, job.not_before, job.queued_at = False, None, utcnow()
        job.outage_since, job.outage_retries = None, 0
        job.payload = payload or job.payload
    else:
        return job
    queue = HueyQueue(session_runtime(session))  # the queue of the runtime this session belongs to
    after_commit(session, lambda: queue.dispatch(job_id))
    return job


def enqueue_processing(session: Session, asset: Asset, version: Version, *, profiles: list[str] | None = None,
                       restart: bool = False) -> Job:
    payload = {"profiles": profiles} if profiles else {}
    return enqueue(session, process_job_id(version.id), "process", asset_id=asset.id, version_id=version.id,
                   payload=payload, restart=restart)


def cancel(session: Session, job: Job) -> None:
    if job.status in ("queued", "running"):
        job.cancel_requested = True
        if job.status == "queued":
            job.status, job.finished_at = "cancelled", utcnow()


def sweep(session: Session) -> list[str]:
    """Re-dispatch jobs whose queue message was lost or whose worker died, and create missing process jobs."""
    now = utcnow()
    ids = repository.due_for_dispatch(session, now, now - timedelta(seconds=30))
    for version in repository.versions_without_jobs(session, "process"):
        # Dispatched after this transaction commits (enqueue registers the hook).
        enqueue(session, process_job_id(version.id), "process", asset_id=version.asset_id, version_id=version.id)
    queue = HueyQueue(session_runtime(session))
    for job_id in ids:
        queue.dispatch(job_id)
    if ids:
        log.info("sweep re-dispatched %d job(s)", len(ids))
    return ids
