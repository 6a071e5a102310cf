"""Runs one job by id: claim (with a lease), execute the handler, record the outcome, retry with backoff.

A worker killed mid-job leaves a `running` row whose lease lapses; the sweep re-dispatches it and the
next claim takes it over. Every claim carries a fresh lease token: a heartbeat thread renews the lease while
the handler runs (independently of progress, so a long transfer keeps it), and the outcome is recorded only
while the token still matches, so a worker that lost its lease can neither publish nor overwrite the status
that the new holder records. Handlers write outputs under fresh keys and record rows only at the end, in
one transaction with the final status.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar

from sqlalchemy.orm import Session

from service.core.backoff import Backoff, wait_until_ready
from service.core.config import Settings
from service.core.db import after_commit, unit_of_work
from service.core.runtime import Runtime
from service.jobs import repository
from service.jobs.failures import Failure, JobTries, PermanentJobError, classify, decide
from service.jobs.public import public_error
from service.models.base import utcnow

__all__ = ["JobCancelled", "JobContext", "LeaseLost", "PermanentJobError", "handler", "run_job"]

log = logging.getLogger("kho.jobs")
PROGRESS_EVERY = 2.0  # progress reaches the row at most this often (the heartbeat writes it)
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"
T = TypeVar("T")


Redispatch = Callable[[str, float], None]
"""How a job queued again (a retry, or a restart asked for while it ran) is sent: (job id, delay in seconds).
The queue passes its own dispatch, so the runner never imports the queue (the queue imports the runner to
register it as the task)."""


class JobCancelled(Exception):
    """Someone asked the job to stop."""


class LeaseLost(Exception):
    """Another claim holds the job now: this attempt's outputs must be discarded, its outcome not recorded."""


@dataclass
class JobContext:
    job_id: str
    kind: str
    payload: dict[str, object]
    asset_id: object
    version_id: object
    worker: str
    rt: Runtime  # the runtime of the worker running the job: the handler's settings, store, sessions
    token: str = ""
    redispatch: Redispatch | None = None  # how a job queued again is sent (see run_job)
    rerun: bool = False  # the job was queued again when this attempt ended (a restart asked for meanwhile)
    state: str = "held"  # set by the heartbeat: "held", "cancelled" or "lost"
    completed: bool = False  # the handler recorded "succeeded" together with its results
    _progress: float = field(default=0.0)
    _reported: float = field(default=-1.0)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    wake: threading.Event = field(default_factory=threading.Event)
    _last_wake: float = field(default=0.0)

    def progress(self, fraction: float) -> None:
        """Report progress (written by the heartbeat). Raises JobCancelled/LeaseLost once told to stop."""
        with self._lock:
            self._progress = max(self._progress, min(1.0, max(0.0, fraction)))
            if time.monotonic() - self._last_wake >= PROGRESS_EVERY:
                self._last_wake = time.monotonic()
                self.wake.set()
        self.check()

    def check(self) -> None:
        if self.state == "lost":
            raise LeaseLost(self.job_id)
        if self.state == "cancelled":
            raise JobCancelled(self.job_id)

    def unreported_progress(self) -> float | None:
        with self._lock:
            if self._progress == self._reported:
                return None
            self._reported = self._progress
            return self._progress

    def complete(self, session: Session) -> None:
        """Inside the handler's final transaction: mark the job succeeded, or raise LeaseLost (the caller's
        transaction then rolls back, so a stale holder's rows never appear)."""
        recorded = repository.finish(session, self.job_id, self.token, "succeeded", utcnow())
        if recorded is None:
            raise LeaseLost(self.job_id)
        self.completed = True
        if recorded == "queued":
            self.rerun = True
            _send_again(session, self)


class Heartbeat(threading.Thread):
    """Renews the lease every lease/3 while the handler runs, whatever the handler is doing."""

    def __init__(self, ctx: JobContext, interval: float) -> None:
        super().__init__(name=f"kho-heartbeat-{ctx.job_id}", daemon=True)
        self.ctx, self.interval = ctx, interval
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            self.ctx.wake.wait(self.interval)
            self.ctx.wake.clear()
            if self.stopping.is_set():
                return
            try:
                self.beat()
            except Exception:  # noqa: BLE001 - a database blip; the next beat tries again
                log.warning("heartbeat of job %s failed", self.ctx.job_id, exc_info=True)
            if self.ctx.state == "lost":
                return

    def beat(self) -> None:
        if self.ctx.completed:  # the outcome is recorded: the lease no longer matters
            return
        now = utcnow()
        with unit_of_work(self.ctx.rt.sessionmaker) as session:
            state = repository.heartbeat(session, self.ctx.job_id, self.ctx.token, self.ctx.unreported_progress(),
                                         now, now + lease(self.ctx.rt.settings))
        if state != "held":
            log.warning("job %s: %s", self.ctx.job_id, "lease lost to another claim" if state == "lost"
                        else "cancellation requested")
        self.ctx.state = state

    def stop(self) -> None:
        self.stopping.set()
        self.ctx.wake.set()
        self.join(timeout=10)


Handler = Callable[[JobContext], None]
HANDLERS: dict[str, Handler] = {}  # filled by service.worker.wiring.install(), the one list of job handlers


def handler(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return register


def lease(s: Settings) -> timedelta:
    return timedelta(seconds=s.jobs.lease_seconds)


def retry_policy(s: Settings) -> Backoff:
    return Backoff(base=s.jobs.retry_base_seconds, cap=s.jobs.retry_max_delay_seconds,
                   window=s.jobs.retry_window_seconds)


def run_job(rt: Runtime, job_id: str, redispatch: Redispatch | None = None) -> str:
    """Entry point called by the queue. Returns the final status (for tests and logs). Without `redispatch`
    (a test or script running one job by hand) a retry is only written to the jobs table, where the sweep
    finds it once it is due, as it finds any lost queue message."""
    if not HANDLERS:  # claiming the job with nobody to run it would fail it for good
        raise RuntimeError("no job handlers installed: call service.worker.wiring.install() first")
    now = utcnow()
    token = uuid.uuid4().hex
    with unit_of_work(rt.sessionmaker) as session:
        if not repository.claim(session, job_id, WORKER_ID, token, now, now + lease(rt.settings)):
            return "skipped"
        job = repository.get(session, job_id)
        assert job is not None
        ctx = JobContext(job_id=job.id, kind=job.kind, payload=dict(job.payload), asset_id=job.asset_id,
                         version_id=job.version_id, worker=WORKER_ID, rt=rt, token=token, redispatch=redispatch)
    fn = HANDLERS.get(ctx.kind)
    beat = Heartbeat(ctx, rt.settings.jobs.lease_seconds / 3)
    beat.start()
    try:
        try:
            if fn is None:
                raise PermanentJobError(f"no handler for job kind {ctx.kind}", "unknown_kind")
            fn(ctx)
        finally:
            beat.stop()
    except LeaseLost:
        log.warning("job %s: lease lost; this attempt's outputs were discarded", job_id)
        return "lost"
    except JobCancelled:
        return _finish(ctx, "cancelled")
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the job row
        return _fail(ctx, exc, redispatch)
    if ctx.completed:
        return "rerun" if ctx.rerun else "succeeded"
    return _finish(ctx, "succeeded")


def _persist(s: Settings, write: Callable[[], T]) -> T:
    """Outcomes are worth waiting for: a database blip while recording one is waited out (for up to one
    lease; after that the job is someone else's anyway)."""
    return wait_until_ready(write, is_transient=lambda e: classify(e)[0] is Failure.OUTAGE,
                            schedule=retry_policy(s), window=s.jobs.lease_seconds,
                            what="database (recording a job outcome)")


def _finish(ctx: JobContext, status: str, error: str | None = None, code: str | None = None) -> str:
    def write() -> str:
        with unit_of_work(ctx.rt.sessionmaker) as session:
            recorded = repository.finish(session, ctx.job_id, ctx.token, status, utcnow(), error=error, code=code)
            if recorded == "queued":
                _send_again(session, ctx)
                return "rerun"
            return status if recorded else "lost"

    return _persist(ctx.rt.settings, write)


def _send_again(session: Session, ctx: JobContext) -> None:
    """Dispatch a job queued again once this transaction commits; without a dispatch (a job run by hand) the
    sweep sends it."""
    send = ctx.redispatch
    if send is not None:
        after_commit(session, lambda: send(ctx.job_id, 0))


def _fail(ctx: JobContext, exc: Exception, redispatch: Redispatch | None) -> str:
    failure, code = classify(exc)
    message = public_error(str(exc)[:2000]) or type(exc).__name__
    if failure is Failure.OUTAGE:
        log.warning("job %s: %s (%s); will retry", ctx.job_id, code, message.splitlines()[0][:300])
    elif failure is Failure.LIMITED:
        log.exception("job %s failed", ctx.job_id, exc_info=exc)

    def write() -> str:
        with unit_of_work(ctx.rt.sessionmaker) as session:
            job = repository.get(session, ctx.job_id)
            if job is None or job.lease_token != ctx.token or job.status != "running":
                return "lost"
            now = utcnow()
            tries = JobTries(job.attempts, job.max_attempts, job.outage_retries, job.outage_since)
            decision = decide(failure, tries, now, retry_policy(ctx.rt.settings))
            if not decision.retry:
                recorded = repository.finish(session, ctx.job_id, ctx.token, "failed", now, error=message, code=code)
                if recorded == "queued":
                    _send_again(session, ctx)
                    return "rerun"
                return "failed"
            repository.requeue(session, ctx.job_id, ctx.token, not_before=now + timedelta(seconds=decision.delay),
                               error=message, code=code, outage_since=decision.outage_since,
                               outage=failure is Failure.OUTAGE)
            if redispatch is not None:
                after_commit(session, lambda: redispatch(ctx.job_id, decision.delay))
            return "retrying"

    return _persist(ctx.rt.settings, write)

