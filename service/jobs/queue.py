"""The job queue: Huey, on SQLite for one machine or on Redis for many. It only carries job ids; the
`jobs` table is the truth, so a lost queue message is repaired by the sweep."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import redis
from huey import Huey, RedisHuey, SqliteHuey

from service.core.runtime import Runtime
from service.jobs import runner


class JobQueue(Protocol):
    def dispatch(self, job_id: str, delay: float = 0) -> None: ...


@dataclass(frozen=True)
class HueyApp:
    huey: Huey
    run_job: Any  # huey TaskWrapper


def huey_app(rt: Runtime) -> HueyApp:
    """The runtime's queue (built on first use)."""
    return rt.adapter(_build_huey_app)


def _build_huey_app(rt: Runtime) -> HueyApp:
    s = rt.settings
    if s.queue.backend == "redis":
        # Timeouts: a hung Redis fails a dispatch (the sweep re-sends it) instead of blocking a job thread.
        # The read timeout stays above the consumer's 1 s blocking pop.
        pool = redis.ConnectionPool.from_url(s.queue.redis_url, socket_connect_timeout=3, socket_timeout=10)
        rt.on_close(pool.disconnect)
        huey: Huey = RedisHuey("kho", connection_pool=pool, results=False)
    else:
        s.var_dir.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey("kho", filename=str(s.var_dir / "queue.db"), results=False)

    def run_job(job_id: str) -> str:
        return runner.run_job(rt, job_id, redispatch=HueyQueue(rt).dispatch)

    wrapper = huey.task(name="kho.run_job", retries=0)(run_job)
    return HueyApp(huey, wrapper)


class HueyQueue:
    """Dispatch to the queue of one runtime."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def dispatch(self, job_id: str, delay: float = 0) -> None:
        app = huey_app(self.rt)
        if delay > 0:
            app.run_job.schedule(args=(job_id,), delay=delay)
        else:
            app.run_job(job_id)
