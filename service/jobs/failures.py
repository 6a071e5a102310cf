"""What a failed job attempt means for the next one: fail now, wait out an outage, or try a few more times.

Three classes, decided by the exception alone:
- permanent: retrying cannot help (bad media, a decode error, a vanished version); the job fails at once
  with the error's stable code;
- outage: storage, database or queue unreachable; the work itself is fine, so the job is retried with
  backoff for a time window (KHO_JOB_RETRY_WINDOW_SECONDS), however many tries that takes;
- limited: anything else (a processing timeout, an unexpected error), retried up to `max_attempts` tries.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

import redis.exceptions
import sqlalchemy.exc
import urllib3.exceptions

from service.core.backoff import Backoff
from storage.base import StorageFull, StorageUnavailable


class Failure(Enum):
    PERMANENT = "permanent"
    OUTAGE = "outage"
    LIMITED = "limited"


class PermanentJobError(Exception):
    """Retrying cannot help (bad input). Carries a stable code for the API."""

    def __init__(self, message: str, code: str = "failed") -> None:
        super().__init__(message)
        self.code = code


_OUTAGES: tuple[type[BaseException], ...] = (
    StorageUnavailable, StorageFull,
    sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError, sqlalchemy.exc.DisconnectionError,
    sqlalchemy.exc.TimeoutError,  # every pooled connection busy or none can be opened
    redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, redis.exceptions.BusyLoadingError,
    urllib3.exceptions.HTTPError,  # an S3 call not translated by the store (connection, timeout)
    ConnectionError, TimeoutError,
)


def classify(exc: BaseException) -> tuple[Failure, str]:
    """The class of a failure and the code recorded on the job row."""
    if isinstance(exc, PermanentJobError):
        return Failure.PERMANENT, exc.code
    permanent = getattr(exc, "permanent", None)  # transcoding errors say which they are
    if permanent:
        return Failure.PERMANENT, str(getattr(exc, "code", "failed"))
    if isinstance(exc, _OUTAGES) or _is_invalidated_connection(exc):
        return Failure.OUTAGE, _outage_code(exc)
    if permanent is not None:
        return Failure.LIMITED, str(getattr(exc, "code", "failed"))
    return Failure.LIMITED, type(exc).__name__


def _is_invalidated_connection(exc: BaseException) -> bool:
    return isinstance(exc, sqlalchemy.exc.DBAPIError) and bool(exc.connection_invalidated)


def _outage_code(exc: BaseException) -> str:
    if isinstance(exc, StorageUnavailable | StorageFull | urllib3.exceptions.HTTPError):
        return "storage_unavailable"
    if isinstance(exc, sqlalchemy.exc.SQLAlchemyError):
        return "database_unavailable"
    if isinstance(exc, redis.exceptions.RedisError):
        return "queue_unavailable"
    return "service_unavailable"


@dataclass(frozen=True)
class JobTries:
    """The counters on the job row that the decision reads."""

    attempts: int  # claims so far, this one included
    max_attempts: int
    outage_retries: int  # of those, how many ended in an outage
    outage_since: datetime | None


@dataclass(frozen=True)
class Decision:
    retry: bool
    delay: float = 0.0
    outage_since: datetime | None = None  # what the row keeps (None once the job failed some other way)


def decide(failure: Failure, tries: JobTries, now: datetime, policy: Backoff,
           rng: random.Random | None = None) -> Decision:
    """Retry or give up, and after how long. Outage tries do not count against `max_attempts`; they are
    bounded by the policy's window (how long an outage is waited out, from its first failure)."""
    if failure is Failure.PERMANENT:
        return Decision(False)
    if failure is Failure.OUTAGE:
        since = tries.outage_since or now
        delay = policy.next_delay(tries.outage_retries + 1, (now - since).total_seconds(), rng)
        if delay is None:
            return Decision(False, outage_since=since)
        return Decision(True, delay, since)
    counted = tries.attempts - tries.outage_retries
    if counted >= tries.max_attempts:
        return Decision(False)
    return Decision(True, policy.delay(counted, rng))
