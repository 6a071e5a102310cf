"""Many hosts, one truth: two `kho api` and two `kho worker` processes, each with its own var folder, on
PostgreSQL + an S3 server + Redis. One tus upload's PATCHes alternate between the two APIs, one API and
one worker are SIGKILLed midway; the stored original is the source byte for byte, the job finishes, and
nothing is left behind: no orphan object, no staged part, no part row, no incomplete multipart upload,
no work folder."""

from __future__ import annotations

import hashlib
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx
import pytest
import redis

from tests.faults.conftest import producer_headers, service_env
from tests.scale.hosts import Host
from tests.service.assets.media import meta
from tests.service.inputs.tusmedia import TUS, tus_metadata
from tests.storage.s3server import S3Server, S3ServerError, start_s3_server
from tests.support import (
    HOSTS_REDIS_URL,
    create_pg_database,
    drop_pg_database,
    postgres_available,
    redis_available,
    require_or_skip,
)

pytestmark = [pytest.mark.slow, pytest.mark.services]
PATCHES = 6
# Short enough for the survivor to take the killed worker's job over soon, long enough that a busy (not
# dead) worker whose lease is renewed by progress only is not mistaken for a dead one.
LEASE_SECONDS = 30


@pytest.fixture
def scale_mode(tmp_path: Path) -> Iterator[S3Server]:
    """The shared services of the scale mode; the test process is configured like any host."""
    import shutil

    require_or_skip(postgres_available(), "PostgreSQL is not running on 127.0.0.1:5432")
    require_or_skip(redis_available(), "Redis is not running on 127.0.0.1:6379")
    require_or_skip(shutil.which("ffmpeg") is not None, "ffmpeg is missing")
    try:
        server = start_s3_server()
    except S3ServerError as exc:
        require_or_skip(False, f"S3 test server unavailable: {exc}")
        raise
    db_name = f"kho_scale_{uuid.uuid4().hex[:8]}"
    # The hosts' Redis database is this test's own (tests/support.py): jobs an interrupted earlier run left
    # queued there would otherwise reach this run's workers.
    redis.Redis.from_url(HOSTS_REDIS_URL).flushdb()
    env = {"KHO_DATABASE_URL": create_pg_database(db_name), "KHO_STORAGE": "s3", "KHO_S3_ENDPOINT": server.endpoint,
           "KHO_S3_ACCESS_KEY": server.access_key, "KHO_S3_SECRET_KEY": server.secret_key,
           "KHO_S3_BUCKET": f"kho-{uuid.uuid4().hex[:8]}", "KHO_QUEUE": "redis",
           "KHO_REDIS_URL": HOSTS_REDIS_URL, "KHO_WORKER_THREADS": "1",
           "KHO_JOB_LEASE_SECONDS": str(LEASE_SECONDS), "KHO_SWEEP_INTERVAL_SECONDS": "2",
           "KHO_RATE_LIMIT_ENABLED": "false", "KHO_SEARCH": "postgres"}
    try:
        with service_env(tmp_path / "test-var", **env):
            yield server
    finally:
        server.stop()
        drop_pg_database(db_name)


def _clip(path: Path) -> bytes:
    """A few seconds of real H.264/AAC, unique per run (the tone's pitch), so dedup never answers."""
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=3",
                    "-f", "lavfi", "-i", f"sine=frequency={300 + uuid.uuid4().int % 400}:duration=3",
                    "-shortest", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", str(path)],
                   check=True, timeout=60)
    return path.read_bytes()


def _patch(host: Host, location: str, headers: dict[str, str], offset: int, data: bytes) -> httpx.Response:
    return httpx.patch(host.url + location, content=data, timeout=60, headers={
        **headers, **TUS, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"})


def _offset(host: Host, location: str, headers: dict[str, str]) -> int:
    r = httpx.head(host.url + location, headers={**headers, **TUS}, timeout=30)
    assert r.status_code == 200, r.text
    return int(r.headers["upload-offset"])


def _s3() -> object:
    from service.core.runtime import get_settings

    s = get_settings()
    return boto3.client("s3", endpoint_url=f"http://{s.storage.s3_endpoint}", aws_access_key_id=s.storage.s3_access_key,
                        aws_secret_access_key=s.storage.s3_secret_key, region_name="us-east-1")


def _job(job_id: str) -> tuple[str, str | None, float, int]:
    from service.core.db import unit_of_work
    from service.jobs import repository

    with unit_of_work() as session:
        job = repository.get(session, job_id)
        assert job is not None
        return job.status, job.worker, job.progress, job.attempts


def test_one_upload_across_two_api_hosts_survives_a_killed_api_and_worker(scale_mode: S3Server,
                                                                           tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    api_a, api_b = (Host(f"api-{n}", "api", tmp_path / f"var-api-{n}", logs) for n in "ab")
    workers = [Host(f"worker-{n}", "worker", tmp_path / f"var-worker-{n}", logs) for n in "ab"]
    hosts = [api_a, api_b, *workers]
    try:
        for host in hosts:
            host.start()
        headers = producer_headers()
        source = _clip(tmp_path / "nhieu-may-chu.mp4")
        digest = hashlib.sha256(source).hexdigest()
        title = f"Video nhiều máy chủ {uuid.uuid4().hex[:10]}"
        asset_id = _upload_across_hosts(api_a, api_b, headers, source, digest, title)
        _check_original(api_b, headers, asset_id, source, digest)
        job_id, killed = _kill_the_worker_running_the_job(api_b, headers, asset_id, workers)
        _check_killed_workers_folder_removed_at_restart(killed)
        status, _, _, attempts = _wait_finished(job_id)
        assert status == "succeeded" and attempts >= 2, (status, attempts)
        _check_nothing_left_behind(asset_id, [api_a, api_b], workers)
        api_a.start()  # the killed API host comes back
        for host in (api_a, api_b):
            _wait_found(host, headers, title, asset_id)
    finally:
        for host in hosts:
            host.stop()
        for host in hosts:
            print(f"----- {host.name} -----\n{host.log_tail()}")


def _upload_across_hosts(api_a: Host, api_b: Host, headers: dict[str, str], source: bytes, digest: str,
                         title: str) -> str:
    r = httpx.post(f"{api_a.url}/api/v1/uploads/", timeout=60, headers={
        **headers, **TUS, "Upload-Length": str(len(source)),
        "Upload-Metadata": tus_metadata({"filename": "nhieu-may-chu.mp4", "sha256": digest,
                                         "metadata": meta("video", title=title)})})
    assert r.status_code == 201, r.text
    location = r.headers["location"]
    size = -(-len(source) // PATCHES)
    pieces = [source[i:i + size] for i in range(0, len(source), size)]
    offset = 0
    last = r
    for i, piece in enumerate(pieces):
        if i == 3:  # after PATCHes to A, B, A: host A dies
            api_a.kill()
            stale = _patch(api_b, location, headers, offset - len(pieces[2]), pieces[2])
            assert stale.status_code == 409 and stale.headers["upload-offset"] == str(offset)
        host = api_b if i % 2 or i >= 3 else api_a
        if i == 1:  # a gap is refused, never padded with zeros, on the host that did not take the last PATCH
            gap = _patch(host, location, headers, offset + 4096, piece)
            assert gap.status_code == 409 and gap.headers["upload-offset"] == str(offset), gap.text
            assert gap.headers["content-type"].startswith("application/problem+json")
            assert _offset(api_a, location, headers) == offset
        last = _patch(host, location, headers, offset, piece)
        assert last.status_code == 204, (host.name, last.text)
        offset += len(piece)
        assert last.headers["upload-offset"] == str(offset)
        assert _offset(api_b, location, headers) == offset  # every host sees the same offset
    assert offset == len(source)
    return last.headers["kho-asset-id"]


def _check_original(api: Host, headers: dict[str, str], asset_id: str, source: bytes, digest: str) -> None:
    from service.core.runtime import get_settings

    body = httpx.get(f"{api.url}/api/v1/assets/{asset_id}", headers=headers, timeout=30).json()
    version = body["current_version"]
    assert version["sha256"] == digest and version["size"] == len(source)
    original = httpx.get(f"{api.url}/api/v1/assets/{asset_id}/original", headers=headers, timeout=60)
    assert hashlib.sha256(original.content).hexdigest() == digest
    [key] = [o["Key"] for o in _s3().list_objects_v2(  # type: ignore[attr-defined]
        Bucket=get_settings().storage.s3_bucket, Prefix="originals/")["Contents"]]
    stored = _s3().get_object(Bucket=get_settings().storage.s3_bucket, Key=key)["Body"].read()  # type: ignore[attr-defined]
    assert hashlib.sha256(stored).hexdigest() == digest


def _kill_the_worker_running_the_job(api: Host, headers: dict[str, str], asset_id: str,
                                     workers: list[Host]) -> tuple[str, Host]:
    r = httpx.get(f"{api.url}/api/v1/assets/{asset_id}/renditions", headers=headers, timeout=30)
    job_id = r.json()["job_id"]
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        status, worker, progress, _ = _job(job_id)
        assert status in ("queued", "running"), f"the job ended before a worker could be killed: {status}"
        if status == "running" and worker and progress < 0.8:  # transcoding: nothing published yet
            pid = int(worker.rsplit(":", 1)[1])
            [victim] = [w for w in workers if w.pid == pid]
            if list((victim.var_dir / "tmp").glob("job-*")):
                victim.kill()
                return job_id, victim
        time.sleep(0.2)
    raise AssertionError("no worker ran the job")


def _check_killed_workers_folder_removed_at_restart(killed: Host) -> None:
    left = list((killed.var_dir / "tmp").glob("job-*"))
    assert left, "a SIGKILLed worker cannot remove its work folder"
    killed.start()
    deadline = time.monotonic() + 60
    while any(p.exists() for p in left):
        assert time.monotonic() < deadline, "the restarted worker kept the dead run's work folder"
        time.sleep(0.2)


def _wait_finished(job_id: str) -> tuple[str, str | None, float, int]:
    deadline = time.monotonic() + 500
    while time.monotonic() < deadline:
        found = _job(job_id)
        if found[0] in ("succeeded", "failed", "cancelled"):
            return found
        time.sleep(0.5)
    raise AssertionError("the job never finished after its worker was killed")


def _check_nothing_left_behind(asset_id: str, apis: list[Host], workers: list[Host]) -> None:
    from sqlalchemy import func, select

    from service.assets import repository as assets_repo
    from service.core.db import unit_of_work
    from service.core.runtime import get_settings
    from service.jobs import repository as jobs_repo
    from service.models import Upload, UploadPart
    from service.renditions import repository as rendition_repository

    with unit_of_work() as session:
        known = assets_repo.all_object_keys(session)
        jobs = jobs_repo.jobs_of_asset(session, uuid.UUID(asset_id))
        uploads = list(session.scalars(select(Upload)))
        parts = session.scalar(select(func.count()).select_from(UploadPart))
        asset = assets_repo.get(session, uuid.UUID(asset_id))
        assert asset is not None and asset.current_version_id is not None
        renditions = rendition_repository.of_version(session, asset.current_version_id)
    assert {j.status for j in jobs} == {"succeeded"}
    pairs = [(r.profile, r.variant) for r in renditions]
    assert pairs and len(pairs) == len(set(pairs))  # one set of renditions
    assert parts == 0 and [(str(u.asset_id), u.completed_at is not None) for u in uploads] == [(asset_id, True)]
    bucket = get_settings().storage.s3_bucket
    listed = _s3().get_paginator("list_objects_v2").paginate(Bucket=bucket)  # type: ignore[attr-defined]
    in_bucket = {o["Key"] for page in listed for o in page.get("Contents", [])}
    assert in_bucket == known, f"orphans: {sorted(in_bucket - known)[:5]}, missing: {sorted(known - in_bucket)[:5]}"
    assert _s3().list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []  # type: ignore[attr-defined]
    for host in [*apis, *workers]:
        assert not (host.var_dir / "tmp" / "tus").exists(), host.name  # nothing staged on a host's disk
    for worker in workers:
        assert list((worker.var_dir / "tmp").glob("job-*")) == [], worker.name


def _wait_found(host: Host, headers: dict[str, str], title: str, asset_id: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        r = httpx.get(f"{host.url}/api/v1/search", params={"q": title}, headers=headers, timeout=30)
        assert r.status_code == 200, r.text
        if asset_id in {item["asset"]["id"] for item in r.json()["items"]}:
            return
        time.sleep(0.5)
    raise AssertionError(f"{host.name}: search never returned the asset")
