"""A lease shorter than the transfers of a job: every byte to and from S3 goes through a slow link, the
lease is a few seconds and two `kho worker` processes sweep every second, ready to take over a job whose lease
lapses. The heartbeat keeps the lease while the transfers run, and finishing is fenced by the lease token in
any case: the job ends `succeeded` with exactly one set of renditions, all `ready`, and no orphan objects.
Real parts: moto's S3 server behind a rate-limited front, PostgreSQL, ffmpeg, Redis queue."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.faults.conftest import producer_headers, service_env
from tests.faults.jobs_support import FINAL, assert_one_complete_set, clip, job_row, start_workers, wait_for
from tests.faults.s3ctl import ControlledS3
from tests.service.assets.media import meta, multipart
from tests.support import (
    REDIS_URL,
    create_pg_database,
    drop_pg_database,
    postgres_available,
    redis_available,
    require_or_skip,
)

pytestmark = [pytest.mark.slow, pytest.mark.services]
LEASE_SECONDS = 2
RATE = 150_000  # bytes per second and direction through the S3 front


def test_lease_shorter_than_a_transfer(tmp_path: Path) -> None:
    require_or_skip(postgres_available(), "PostgreSQL is not running on 127.0.0.1:5432")
    require_or_skip(redis_available(), "Redis is not running on 127.0.0.1:6379")
    require_or_skip(shutil.which("ffmpeg") is not None, "ffmpeg is missing")
    from service.app import create_app

    s3 = ControlledS3(rate=RATE)
    db = f"kho_lease_{uuid.uuid4().hex[:8]}"
    try:
        env = {"KHO_DATABASE_URL": create_pg_database(db), **s3.env("kho-lease"), "KHO_QUEUE": "redis",
               "KHO_REDIS_URL": REDIS_URL, "KHO_WORKER_THREADS": "1", "KHO_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
               "KHO_SWEEP_INTERVAL_SECONDS": "1", "KHO_S3_READ_TIMEOUT": "30", "KHO_SEARCH": "postgres"}
        with service_env(tmp_path / "var", **env), \
                TestClient(create_app(), raise_server_exceptions=False) as client:
            headers = producer_headers()
            workers = start_workers(tmp_path, 2)
            try:
                body, ctype = multipart(meta("video", title="Video truyền chậm"), "clip.mp4",
                                        clip(tmp_path / "c.mp4"))
                r = client.post("/api/v1/assets", content=body, headers={**headers, "Content-Type": ctype})
                assert r.status_code == 201, r.text
                asset_id, version_id = r.json()["id"], r.json()["current_version"]["id"]
                job_id = f"process:{version_id}"
                wait_for(lambda: job_row(job_id).status in FINAL, 500, "the job to finish", workers)
            finally:
                workers.stop()
            row = job_row(job_id)
            assert row.status == "succeeded", (row, workers.tail())
            stored = assert_one_complete_set(version_id, no_orphans=True)
            # The premise: uploading the renditions alone took several leases.
            assert stored / RATE > 3 * LEASE_SECONDS, stored
            body = client.get(f"/api/v1/assets/{asset_id}/renditions", headers=headers).json()
            assert body["profiles"] and {p["status"] for p in body["profiles"]} == {"ready"}, body
            assert body["job_status"] == "succeeded"
    finally:
        s3.stop()
        drop_pg_database(db)
