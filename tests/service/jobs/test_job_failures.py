"""Which failures are outages (retried for a time window), which are permanent (fail now) and which are
retried a few times; and the retry decision itself."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
import redis.exceptions
import sqlalchemy.exc
import urllib3.exceptions

from service.core.backoff import Backoff
from service.jobs.failures import Failure, JobTries, PermanentJobError, classify, decide
from storage.base import ObjectNotFound, StorageFull, StorageUnavailable
from transcoding.types import BadMediaError, TransientProcessingError

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
POLICY = Backoff(base=5, cap=300, jitter=0, window=30 * 60)


@pytest.mark.parametrize(("exc", "code"), [
    (StorageUnavailable("put: connection refused"), "storage_unavailable"),
    (StorageFull("quota"), "storage_unavailable"),
    (urllib3.exceptions.ReadTimeoutError(None, "/", "read timed out"), "storage_unavailable"),  # type: ignore[arg-type]
    (sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection")),
     "database_unavailable"),
    (sqlalchemy.exc.TimeoutError("QueuePool limit reached"), "database_unavailable"),
    (redis.exceptions.ConnectionError("Connection refused"), "queue_unavailable"),
    (redis.exceptions.TimeoutError("Timeout reading from socket"), "queue_unavailable"),
    (ConnectionRefusedError(111, "refused"), "service_unavailable"),
])
def test_infrastructure_failures_are_outages(exc: BaseException, code: str) -> None:
    assert classify(exc) == (Failure.OUTAGE, code)


def test_an_invalidated_database_connection_is_an_outage() -> None:
    exc = sqlalchemy.exc.DBAPIError("SELECT 1", {}, Exception("terminating connection"), connection_invalidated=True)
    assert classify(exc)[0] is Failure.OUTAGE
    integrity = sqlalchemy.exc.IntegrityError("INSERT", {}, Exception("duplicate key"))
    assert classify(integrity)[0] is Failure.LIMITED  # a bug, not an outage: a few tries, then failed


@pytest.mark.parametrize(("exc", "code"), [
    (BadMediaError("moov atom not found", code="decode_failed"), "decode_failed"),
    (PermanentJobError("version no longer exists", "gone"), "gone"),
])
def test_bad_input_is_permanent_with_its_named_reason(exc: BaseException, code: str) -> None:
    assert classify(exc) == (Failure.PERMANENT, code)


@pytest.mark.parametrize(("exc", "code"), [
    (TransientProcessingError("processing took longer than 3600 s", code="timeout"), "timeout"),
    (ObjectNotFound("originals/x"), "ObjectNotFound"),
    (RuntimeError("unexpected"), "RuntimeError"),
])
def test_everything_else_is_retried_a_limited_number_of_times(exc: BaseException, code: str) -> None:
    assert classify(exc) == (Failure.LIMITED, code)


def test_permanent_failures_are_never_retried() -> None:
    assert not decide(Failure.PERMANENT, JobTries(1, 3, 0, None), NOW, POLICY).retry


def test_outages_retry_on_the_schedule_until_the_window_closes() -> None:
    first = decide(Failure.OUTAGE, JobTries(1, 3, 0, None), NOW, POLICY)
    assert (first.retry, first.delay, first.outage_since) == (True, 5.0, NOW)
    # The tenth outage in a row: far more tries than max_attempts, still inside the window.
    later = decide(Failure.OUTAGE, JobTries(12, 3, 9, NOW - timedelta(minutes=10)), NOW, POLICY)
    assert later.retry and later.delay == 300.0 and later.outage_since == NOW - timedelta(minutes=10)
    # A retry that would start after the window has closed is not made.
    closing = decide(Failure.OUTAGE, JobTries(20, 3, 17, NOW - timedelta(minutes=26)), NOW, POLICY)
    assert not closing.retry


def test_outage_tries_do_not_count_against_max_attempts() -> None:
    # Five claims, three of which met an outage: two counted tries, so a processing error retries once more.
    again = decide(Failure.LIMITED, JobTries(5, 3, 3, NOW - timedelta(minutes=2)), NOW, POLICY)
    assert again.retry and again.delay == 10.0 and again.outage_since is None
    assert not decide(Failure.LIMITED, JobTries(6, 3, 3, None), NOW, POLICY).retry


def test_jittered_retries_never_pass_the_window() -> None:
    rng = random.Random(3)
    jittered = Backoff(base=5, cap=300, jitter=0.5, window=30 * 60)
    for retries in range(40):
        since = NOW - timedelta(seconds=retries * 60)
        decision = decide(Failure.OUTAGE, JobTries(retries + 1, 3, retries, since), NOW, jittered, rng)
        if decision.retry:
            assert NOW + timedelta(seconds=decision.delay) - since <= timedelta(minutes=30)
            assert 0 < decision.delay <= 300
