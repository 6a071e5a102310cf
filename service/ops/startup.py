"""Start-up of the long-running processes: wait for the database instead of exiting when it is not up yet
(containers start in any order; a database restart must not need someone to restart the API too)."""

from __future__ import annotations

from service.core.backoff import Backoff, wait_until_ready
from service.core.db import ping
from service.core.runtime import Runtime
from service.jobs.failures import Failure, classify

STARTUP_SCHEDULE = Backoff(base=1.0, cap=15.0)


def wait_for_database(rt: Runtime) -> None:
    """Ping until the database answers, logging each wait; after KHO_STARTUP_WAIT_SECONDS the last error
    is raised (a wrong URL or password is not waited for: it is not an outage)."""
    wait_until_ready(lambda: ping(rt.engine), is_transient=lambda exc: classify(exc)[0] is Failure.OUTAGE,
                     schedule=STARTUP_SCHEDULE, window=rt.settings.database.startup_wait_seconds, what="database")
