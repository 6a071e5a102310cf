"""The job runner on both stacks (SQLite + folder, PostgreSQL + S3): finishing is fenced by the lease token
(a worker whose lease was taken over can neither publish renditions nor overwrite the status the new holder
records, and what it uploaded is deleted); the heartbeat renews the lease without progress; outages are
put back in the queue on the backoff schedule, bad input fails at once."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from tests.conftest import Factory
from tests.service.assets.media import png
from tests.service.assets.test_upload import upload


def _claim(job_id: str, *, lease: timedelta) -> object:
    from service.core.db import unit_of_work
    from service.core.runtime import current
    from service.jobs import repository
    from service.jobs.runner import JobContext
    from service.models.base import utcnow

    token = uuid.uuid4().hex
    now = utcnow()
    with unit_of_work() as session:
        assert repository.claim(session, job_id, f"worker-{token[:6]}", token, now, now + lease)
        job = repository.get(session, job_id)
        assert job is not None
        return JobContext(job_id=job.id, kind=job.kind, payload={}, asset_id=job.asset_id,
                          version_id=job.version_id, worker=f"worker-{token[:6]}", rt=current(), token=token)


def _result(folder: Path, colour: str) -> object:
    from transcoding.pipeline import ProcessResult
    from transcoding.types import RenditionOutput

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "w.jpg"
    Image.new("RGB", (40, 30), colour).save(path, "JPEG")
    return ProcessResult(outputs=[RenditionOutput(path=path, profile="web-image", variant="jpeg-40",
                                                  media_type="image/jpeg", width=40, height=30)])


def _job_row(job_id: str) -> tuple[str, str | None]:
    from service.core.db import unit_of_work
    from service.jobs import repository

    with unit_of_work() as session:
        job = repository.get(session, job_id)
        assert job is not None
        return job.status, job.lease_token


def _renditions(version_id: str) -> list[tuple[str, str, str]]:
    from service.core.db import unit_of_work
    from service.renditions import repository as rendition_repository

    with unit_of_work() as session:
        return [(r.profile, r.variant, r.object_key)
                for r in rendition_repository.of_version(session, uuid.UUID(version_id))]


def test_a_stale_holder_cannot_publish_or_overwrite_the_outcome(client: TestClient, factory: Factory,
                                                                 tmp_path: Path) -> None:
    from service.core.runtime import get_store
    from service.jobs import repository
    from service.jobs.runner import Heartbeat, LeaseLost, _finish
    from service.processing import handlers

    headers = factory.headers("producer")
    status, asset = upload(client, headers, png(size=(64, 48)))
    assert status == 201, asset
    version_id = asset["current_version"]["id"]
    job_id = f"process:{version_id}"
    version_prefix = f"renditions/{uuid.UUID(version_id).hex[:2]}/{uuid.UUID(version_id).hex[2:4]}/" \
                     f"{uuid.UUID(version_id).hex}/"

    stale = _claim(job_id, lease=timedelta(seconds=-1))  # its lease has already lapsed
    fresh = _claim(job_id, lease=timedelta(minutes=5))  # … so a second worker takes the job over
    assert stale.token != fresh.token  # type: ignore[attr-defined]

    beat = Heartbeat(stale, interval=60)  # type: ignore[arg-type]
    beat.beat()  # the stale holder learns it lost the lease and cannot renew it
    assert stale.state == "lost"  # type: ignore[attr-defined]
    with pytest.raises(LeaseLost):
        stale.progress(0.5)  # type: ignore[attr-defined]

    stale.state = "held"  # type: ignore[attr-defined]  # as if the heartbeat had not noticed yet
    with pytest.raises(LeaseLost):
        handlers._publish_outputs(stale, _result(tmp_path / "a", "red"), tmp_path)  # type: ignore[arg-type]
    assert _renditions(version_id) == []  # no rows from the stale holder …
    assert list(get_store().list(version_prefix)) == []  # … and what it uploaded is gone
    assert _finish(stale, "cancelled") == "lost"  # type: ignore[arg-type]
    assert _job_row(job_id) == ("running", fresh.token)  # type: ignore[attr-defined]

    handlers._publish_outputs(fresh, _result(tmp_path / "b", "blue"), tmp_path)  # type: ignore[arg-type]
    assert fresh.completed  # type: ignore[attr-defined]
    assert _job_row(job_id)[0] == "succeeded"
    rows = _renditions(version_id)
    assert [(p, v) for p, v, _ in rows] == [("web-image", "jpeg-40")]
    assert {s.key for s in get_store().list(version_prefix)} == {k for _, _, k in rows}  # no orphan

    # A late word from the stale holder changes nothing: a job whose renditions are ready is never cancelled.
    assert _finish(stale, "cancelled") == "lost"  # type: ignore[arg-type]
    assert _job_row(job_id)[0] == "succeeded"
    from service.core.db import unit_of_work
    from service.models.base import utcnow

    with unit_of_work() as session:
        assert repository.heartbeat(session, job_id, stale.token, 0.9, utcnow(), utcnow()) == "lost"  # type: ignore[attr-defined]
    body = client.get(f"/api/v1/assets/{asset['id']}/renditions", headers=headers).json()
    web = next(p for p in body["profiles"] if p["profile"] == "web-image")
    assert web["status"] == "ready"


def _lease_until(job_id: str) -> object:
    from service.core.db import unit_of_work
    from service.jobs import repository

    with unit_of_work() as session:
        job = repository.get(session, job_id)
        assert job is not None
        return job.lease_until


def test_the_heartbeat_renews_the_lease_without_progress(client: TestClient, factory: Factory) -> None:
    import time

    from service.jobs.runner import Heartbeat

    status, asset = upload(client, factory.headers("producer"), png(size=(64, 48)))
    assert status == 201, asset
    job_id = f"process:{asset['current_version']['id']}"
    ctx = _claim(job_id, lease=timedelta(seconds=5))
    first = _lease_until(job_id)
    beat = Heartbeat(ctx, interval=0.1)  # type: ignore[arg-type]
    beat.start()
    try:
        deadline = time.monotonic() + 20
        while _lease_until(job_id) == first and time.monotonic() < deadline:  # type: ignore[operator]
            time.sleep(0.05)
        assert _lease_until(job_id) > first  # type: ignore[operator]
    finally:
        beat.stop()
    assert not beat.is_alive()
    assert _job_row(job_id) == ("running", ctx.token)  # type: ignore[attr-defined]


@pytest.fixture
def failing_handlers() -> Iterator[None]:
    from service.jobs.runner import HANDLERS, handler
    from storage.base import StorageUnavailable
    from transcoding.types import BadMediaError

    def outage(_: object) -> None:
        raise StorageUnavailable("put 'renditions/x': connection refused")

    def bad_media(_: object) -> None:
        raise BadMediaError("moov atom not found", code="decode_failed")

    handler("test-outage")(outage)  # type: ignore[arg-type]
    handler("test-bad-media")(bad_media)  # type: ignore[arg-type]
    yield
    HANDLERS.pop("test-outage", None)
    HANDLERS.pop("test-bad-media", None)


def _job_of_kind(kind: str) -> str:
    from service.core.db import unit_of_work
    from service.jobs.service import enqueue

    job_id = f"{kind}:{uuid.uuid4()}"
    with unit_of_work() as session:
        enqueue(session, job_id, kind)
    return job_id


def test_an_outage_is_queued_again_and_bad_media_fails_at_once(stack: object, failing_handlers: object) -> None:
    from service.core.db import unit_of_work
    from service.core.runtime import current
    from service.jobs import repository
    from service.jobs.runner import run_job

    outage = _job_of_kind("test-outage")
    for tries in range(1, 6):  # more tries than max_attempts: outages do not use them up
        assert run_job(current(), outage) == "retrying"
        with unit_of_work() as session:
            job = repository.get(session, outage)
            assert job is not None
            assert (job.status, job.error_code, job.outage_retries) == ("queued", "storage_unavailable", tries)
            assert job.not_before is not None and job.outage_since is not None
            assert job.lease_token is not None
            job.not_before = None  # due again now, instead of waiting the backoff out

    bad = _job_of_kind("test-bad-media")
    assert run_job(current(), bad) == "failed"
    with unit_of_work() as session:
        job = repository.get(session, bad)
        assert job is not None
        assert (job.status, job.error_code, job.attempts) == ("failed", "decode_failed", 1)


def test_a_restart_asked_while_the_job_runs_runs_it_again(stack: object) -> None:
    """A caption added while the version's processing runs: that run read the captions when it started, so
    the restart is kept and the job runs again when the attempt ends (it used to be dropped: the new caption
    was never packaged). Dispatched at once through the queue's dispatch; the second run is a plain one."""
    from service.core.db import unit_of_work
    from service.core.runtime import current
    from service.jobs import repository
    from service.jobs.runner import HANDLERS, handler, run_job
    from service.jobs.service import enqueue

    seen: list[str] = []
    job_id = f"test-rerun:{uuid.uuid4()}"

    def work(ctx: object) -> None:
        seen.append("run")
        if len(seen) == 1:  # the restart arrives while the first attempt is running
            with unit_of_work() as session:
                job = enqueue(session, job_id, "test-rerun", restart=True)
                assert job.status == "running" and job.rerun_requested

    handler("test-rerun")(work)  # type: ignore[arg-type]
    try:
        with unit_of_work() as session:
            enqueue(session, job_id, "test-rerun")
        sent: list[tuple[str, float]] = []
        assert run_job(current(), job_id, redispatch=lambda j, d: sent.append((j, d))) == "rerun"
        assert sent == [(job_id, 0)]  # sent again once the outcome committed
        with unit_of_work() as session:
            job = repository.get(session, job_id)
            assert job is not None
            assert (job.status, job.rerun_requested, job.attempts, job.not_before) == ("queued", False, 0, None)
        assert run_job(current(), job_id) == "succeeded" and seen == ["run", "run"]
        with unit_of_work() as session:  # a restart of a finished job queues it the ordinary way, as before
            assert enqueue(session, job_id, "test-rerun", restart=True).status == "queued"
    finally:
        HANDLERS.pop("test-rerun", None)
