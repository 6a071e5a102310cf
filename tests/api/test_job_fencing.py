"""Finishing a job is fenced by its lease token: a worker whose lease was taken over can neither publish
renditions nor overwrite the status the new holder records, and what it uploaded is deleted (no orphans).
Runs on both stacks (SQLite + folder, PostgreSQL + S3)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from tests.api.conftest import Factory
from tests.api.media import png
from tests.api.test_upload import upload


def _claim(job_id: str, *, lease: timedelta) -> object:
    from service.db import unit_of_work
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
                          version_id=job.version_id, worker=f"worker-{token[:6]}", token=token)


def _result(folder: Path, colour: str) -> object:
    from transcoding.pipeline import ProcessResult
    from transcoding.types import RenditionOutput

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "w.jpg"
    Image.new("RGB", (40, 30), colour).save(path, "JPEG")
    return ProcessResult(outputs=[RenditionOutput(path=path, profile="web-image", variant="jpeg-40",
                                                  media_type="image/jpeg", width=40, height=30)])


def _job_row(job_id: str) -> tuple[str, str | None]:
    from service.db import unit_of_work
    from service.jobs import repository

    with unit_of_work() as session:
        job = repository.get(session, job_id)
        assert job is not None
        return job.status, job.lease_token


def _renditions(version_id: str) -> list[tuple[str, str, str]]:
    from service.db import unit_of_work
    from service.jobs import rendition_repository

    with unit_of_work() as session:
        return [(r.profile, r.variant, r.object_key)
                for r in rendition_repository.of_version(session, uuid.UUID(version_id))]


def test_a_stale_holder_cannot_publish_or_overwrite_the_outcome(client: TestClient, factory: Factory,
                                                                 tmp_path: Path) -> None:
    from service.jobs import handlers, repository
    from service.jobs.runner import Heartbeat, LeaseLost, _finish
    from service.runtime import get_store

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
    from service.db import unit_of_work
    from service.models.base import utcnow

    with unit_of_work() as session:
        assert repository.heartbeat(session, job_id, stale.token, 0.9, utcnow(), utcnow()) == "lost"  # type: ignore[attr-defined]
    body = client.get(f"/api/v1/assets/{asset['id']}/renditions", headers=headers).json()
    web = next(p for p in body["profiles"] if p["profile"] == "web-image")
    assert web["status"] == "ready"
