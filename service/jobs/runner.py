"""Runs one job by id: claim (with a lease), execute the handler, record the outcome, retry with backoff.

A worker killed mid-job leaves a `running` row whose lease lapses; the sweep re-dispatches it and the
next claim takes it over. Handlers write outputs under fresh keys and record rows only at the end, in
one transaction, so a half-finished attempt is never visible.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from service.config import get_settings
from service.db import unit_of_work
from service.jobs import repository
from service.jobs.public import public_error
from service.models import Job
from service.models.base import utcnow

log = logging.getLogger("kho.jobs")
HEARTBEAT_EVERY = 2.0
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"


class JobCancelled(Exception):
    pass


class PermanentJobError(Exception):
    """Retrying cannot help (bad input). Carries a stable code for the API."""

    def __init__(self, message: str, code: str = "failed") -> None:
        super().__init__(message)
        self.code = code


@dataclass
class JobContext:
    job_id: str
    kind: str
    payload: dict[str, object]
    asset_id: object
    version_id: object
    worker: str
    _last_beat: float = field(default=0.0)
    _progress: float = field(default=0.0)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def progress(self, fraction: float) -> None:
        """Report progress; also the heartbeat that keeps the lease. Raises JobCancelled when asked to stop."""
        with self._lock:
            self._progress = max(self._progress, min(1.0, max(0.0, fraction)))
            if time.monotonic() - self._last_beat < HEARTBEAT_EVERY:
                return
            self._last_beat = time.monotonic()
            progress = self._progress
        now = utcnow()
        with unit_of_work() as session:
            alive = repository.heartbeat(session, self.job_id, self.worker, progress, now, now + lease())
        if not alive:
            raise JobCancelled(self.job_id)


Handler = Callable[[JobContext], None]
HANDLERS: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return register


def lease() -> timedelta:
    return timedelta(seconds=get_settings().job_lease_seconds)


def backoff_seconds(attempt: int) -> float:
    return float(min(600, 5 * 2 ** (attempt - 1)))


def run_job(job_id: str) -> str:
    """Entry point called by the queue. Returns the final status (for tests and logs)."""
    from service.jobs import handlers  # noqa: F401 - registers the built-in handlers

    now = utcnow()
    with unit_of_work() as session:
        if not repository.claim(session, job_id, WORKER_ID, now, now + lease()):
            return "skipped"
        job = repository.get(session, job_id)
        assert job is not None
        ctx = JobContext(job_id=job.id, kind=job.kind, payload=dict(job.payload), asset_id=job.asset_id,
                         version_id=job.version_id, worker=WORKER_ID)
    fn = HANDLERS.get(ctx.kind)
    try:
        if fn is None:
            raise PermanentJobError(f"no handler for job kind {ctx.kind}", "unknown_kind")
        fn(ctx)
    except JobCancelled:
        return _finish(job_id, "cancelled", None, None)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the job row
        return _fail(job_id, exc)
    return _finish(job_id, "succeeded", None, None)


def _finish(job_id: str, status: str, error: str | None, code: str | None) -> str:
    with unit_of_work() as session:
        job = repository.get(session, job_id)
        if job is None:
            return status
        job.status, job.error, job.error_code, job.finished_at = status, error, code, utcnow()
        job.lease_until = None
        if status == "succeeded":
            job.progress = 1.0
    return status


def _is_permanent(exc: Exception) -> tuple[bool, str]:
    if isinstance(exc, PermanentJobError):
        return True, exc.code
    permanent = getattr(exc, "permanent", None)
    if permanent is not None:
        return bool(permanent), str(getattr(exc, "code", "failed"))
    return False, type(exc).__name__


def _fail(job_id: str, exc: Exception) -> str:
    permanent, code = _is_permanent(exc)
    message = public_error(str(exc) or type(exc).__name__)
    log.warning("job %s failed (%s): %s", job_id, code, exc, exc_info=not permanent)
    with unit_of_work() as session:
        job: Job | None = repository.get(session, job_id)
        if job is None:
            return "failed"
        if permanent or job.attempts >= job.max_attempts:
            job.status, job.finished_at, job.lease_until = "failed", utcnow(), None
            job.error, job.error_code = message, code
            return "failed"
        delay = backoff_seconds(job.attempts)
        job.status, job.lease_until, job.error, job.error_code = "queued", None, message, code
        job.not_before = utcnow() + timedelta(seconds=delay)
    from service.jobs.queue import get_queue

    get_queue().dispatch(job_id, delay=delay)
    return "retrying"
