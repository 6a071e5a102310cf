"""The worker sweeps storage by itself: crashed multipart uploads (S3) or temp files (folder), orphan
objects, expired tus uploads with their staged parts and abandoned job work folders all go, with no
`kho sweep` run by anyone; on S3 the bucket also gets an AbortIncompleteMultipartUpload rule."""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from datetime import timedelta

import boto3
import pytest
from fastapi.testclient import TestClient

from tests.conftest import Factory, Stack
from tests.service.assets.media import meta, png
from tests.service.inputs.tusmedia import TUS, tus_metadata


def _s3_view() -> object:
    """An independent S3 client (boto3) to see what the server really holds."""
    from service.core.runtime import get_settings

    s = get_settings()
    return boto3.client("s3", endpoint_url=f"http://{s.storage.s3_endpoint}", aws_access_key_id=s.storage.s3_access_key,
                        aws_secret_access_key=s.storage.s3_secret_key, region_name="us-east-1")


def _incomplete_uploads() -> list[str]:
    from service.core.runtime import get_settings

    s = get_settings()
    if s.storage.backend == "local":
        return sorted(p.name for p in (s.storage.objects_root / ".tmp").glob("*"))
    listed = _s3_view().list_multipart_uploads(Bucket=s.storage.s3_bucket)  # type: ignore[attr-defined]
    return sorted(u["Key"] for u in listed.get("Uploads", []))


def _leave_incomplete_upload() -> None:
    """What a process killed mid-upload leaves: an S3 multipart upload, or a temp file in the folder."""
    import os

    from service.core.runtime import get_settings

    s = get_settings()
    if s.storage.backend == "local":
        temp = s.storage.objects_root / ".tmp" / "put-crashed.part"
        temp.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(b"\0" * 1024)
        os.utime(temp, (time.time() - 7200, time.time() - 7200))
        assert temp.stat().st_size == 1024
        return
    made = _s3_view().create_multipart_upload(Bucket=s.storage.s3_bucket, Key="renditions/crashed/upload.mp4")  # type: ignore[attr-defined]
    assert made["UploadId"]


@pytest.fixture
def sweeping_worker(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], None]]:
    """Starts the worker's own sweeper thread, with ages and intervals shrunk to test time. The test starts it
    once its leftovers are in place: with every age below zero, a sweep running meanwhile could take a file
    being written (the local store's `.part`, a staged tus part not yet in its row) for an orphan — a race
    the real ages (an hour and more) rule out."""
    from service.core.runtime import current, get_settings
    from service.tus import service as tus
    from service.worker import maintenance
    from service.worker.process import Sweeper

    monkeypatch.setattr(maintenance, "ORPHAN_AGE", timedelta(seconds=-1))
    monkeypatch.setattr(tus, "STAGED_ORPHAN_AGE", timedelta(seconds=-1))
    monkeypatch.setattr(maintenance.StorageSweep, "_last", float("-inf"))
    monkeypatch.setattr(maintenance._LifecycleRule, "done", False)
    monkeypatch.setattr(get_settings().storage, "sweep_interval_seconds", 0.1)
    monkeypatch.setattr(get_settings().limits, "tus_expiry_hours", 1 / 3600)  # uploads expire after a second
    sweeper = Sweeper(current(), interval=0.2)
    yield sweeper.start
    if sweeper.is_alive():
        sweeper.stopping.set()
        sweeper.join(timeout=60)


def _until(check: Callable[[], bool], what: str, within: float = 60) -> None:
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"the worker's sweep never {what}")
        time.sleep(0.2)


@pytest.mark.slow
def test_the_worker_sweeps_storage_by_itself(client: TestClient, factory: Factory, stack: Stack,
                                            sweeping_worker: Callable[[], None]) -> None:
    from service.core.runtime import get_settings, get_store
    from service.jobs import workdir
    from service.tus.staging import STAGING_ROOT

    headers = factory.headers("producer")
    store = get_store()
    # The store makes its bucket on first use: the orphan goes in first, so the crashed upload made with boto3
    # below finds the bucket even when this is the first test of the run to touch storage.
    orphan = f"renditions/ee/ee/{'e' * 32}/gone/web-mp4/720p.mp4"
    store.put(orphan, io.BytesIO(b"bytes no row refers to"))
    _leave_incomplete_upload()
    content = png()
    r = client.post("/api/v1/uploads/", content=content[:100], headers={
        **headers, **TUS, "Upload-Length": str(len(content)), "Content-Type": "application/offset+octet-stream",
        "Upload-Metadata": tus_metadata({"filename": "a.png", "metadata": meta()})})
    assert r.status_code == 201 and r.headers["upload-offset"] == "100"
    dead_run = get_settings().tmp_dir / "job-of-a-killed-worker"
    dead_run.mkdir(parents=True)
    (dead_run / workdir.LOCK_NAME).touch()  # its lock is free: the process that held it is gone
    sweeping_worker()
    _until(lambda: not _incomplete_uploads(), "aborted the incomplete upload")
    _until(lambda: not store.exists(orphan), "removed the orphan object")
    _until(lambda: not list(store.list(STAGING_ROOT)), "removed the expired upload's staged parts")
    _until(lambda: not dead_run.exists(), "removed the dead run's work folder")
    # The upload's row goes in the same sweep as its parts, but maybe in the pass after the listing above.
    _until(lambda: client.head(r.headers["location"], headers={**headers, **TUS}).status_code == 404,
           "expired the unfinished upload")
    if stack.name == "postgres-s3":
        rules = _s3_view().get_bucket_lifecycle_configuration(  # type: ignore[attr-defined]
            Bucket=get_settings().storage.s3_bucket)["Rules"]
        [rule] = [r for r in rules if r.get("ID") == "kho-abort-incomplete-uploads"]
        assert rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] == 1
        assert rule["Status"] == "Enabled"
