"""SIGKILL the `kho worker` process that runs a job: after its lease lapses the sweep of the surviving worker
re-dispatches the job, which then completes exactly once (one set of renditions)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.faults.conftest import producer_headers, service_env
from tests.support import REDIS_URL, process_alive, process_parents, redis_available, require_or_skip

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 6


def _clip(path: Path) -> bytes:
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=4",
                    "-f", "lavfi", "-i", f"sine=frequency={300 + uuid.uuid4().int % 400}:duration=4",
                    "-shortest", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", str(path)],
                   check=True, timeout=60)
    return path.read_bytes()


def _job(job_id: str) -> tuple[str, str | None, int]:
    from service.core.db import unit_of_work
    from service.jobs import repository

    with unit_of_work() as session:
        job = repository.get(session, job_id)
        assert job is not None
        return job.status, job.worker, job.attempts


def test_sigkill_worker_mid_job(tmp_path: Path) -> None:
    import shutil

    require_or_skip(redis_available(), "Redis is not running on 127.0.0.1:6379")
    require_or_skip(shutil.which("ffmpeg") is not None, "ffmpeg is missing")
    from fastapi.testclient import TestClient

    from tests.service.assets.media import meta, multipart

    # A short lease and sweep interval so a dead worker's job is taken over within seconds.
    env_extra = {"KHO_QUEUE": "redis", "KHO_REDIS_URL": REDIS_URL, "KHO_WORKER_THREADS": "1",
                 "KHO_JOB_LEASE_SECONDS": str(LEASE_SECONDS), "KHO_SWEEP_INTERVAL_SECONDS": "2"}
    with service_env(tmp_path / "var", **env_extra):
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        logs = [(tmp_path / f"worker{i}.log").open("wb") for i in range(2)]
        # One embedded search folder per worker: a second writer of one folder is refused (search isn't tested here).
        workers = [subprocess.Popen([sys.executable, "-m", "service.cli", "worker"], cwd=REPO, stdout=log,
                                    env={**env, "KHO_SEARCH_PATH": str(tmp_path / f"search{i}")},
                                    stderr=log, start_new_session=True) for i, log in enumerate(logs)]
        try:
            from service.app import create_app

            headers = producer_headers()
            body, ctype = multipart(meta("video", title="Video thử tắt máy"), "clip.mp4", _clip(tmp_path / "c.mp4"))
            with TestClient(create_app(), raise_server_exceptions=False) as client:
                r = client.post("/api/v1/assets", content=body, headers={**headers, "Content-Type": ctype})
            assert r.status_code == 201, r.text
            job_id = f"process:{r.json()['current_version']['id']}"
            victim = _wait_running(job_id, [w.pid for w in workers])
            orphans = _wait_descendants(victim)  # the processing child and its ffmpeg
            assert orphans, "the job runs in a child process"
            os.kill(victim, signal.SIGKILL)
            deadline = time.monotonic() + 15
            while any(process_alive(pid) for pid in orphans) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert not any(process_alive(pid) for pid in orphans), "the killed worker's encode ran on"
            status, attempts = _wait_done(job_id)
            assert status == "succeeded" and attempts == 2
            _assert_one_rendition_set(uuid.UUID(r.json()["current_version"]["id"]))
        finally:
            for w in workers:
                if w.poll() is None:
                    os.killpg(w.pid, signal.SIGTERM)
                    try:
                        w.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        os.killpg(w.pid, signal.SIGKILL)


def _descendants(pid: int) -> list[int]:
    parents = process_parents()
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, (parent, _) in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def _wait_descendants(pid: int) -> list[int]:
    """The worker's processing child and, once it runs, its ffmpeg (spawning takes a while on a busy host)."""
    deadline = time.monotonic() + 60
    found = _descendants(pid)
    while time.monotonic() < deadline:
        names = {process_parents().get(child, (0, ""))[1] for child in found}
        if "ffmpeg" in names:
            break
        time.sleep(0.1)
        found = _descendants(pid)
    return found


def _wait_running(job_id: str, pids: list[int]) -> int:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status, worker, _ = _job(job_id)
        if status == "running" and worker:
            pid = int(worker.rsplit(":", 1)[1])
            assert pid in pids
            return pid
        assert status in ("queued", "running"), status
        time.sleep(0.2)
    raise AssertionError("no worker picked the job up")


def _wait_done(job_id: str) -> tuple[str, int]:
    deadline = time.monotonic() + 400
    while time.monotonic() < deadline:
        status, _, attempts = _job(job_id)
        if status in ("succeeded", "failed", "cancelled"):
            return status, attempts
        time.sleep(0.5)
    raise AssertionError("the job never completed after the worker was killed")


def _assert_one_rendition_set(version_id: uuid.UUID) -> None:
    from service.core.db import unit_of_work
    from service.renditions import repository as rendition_repository

    with unit_of_work() as session:
        rows = rendition_repository.of_version(session, version_id)
    assert rows
    pairs = [(r.profile, r.variant) for r in rows]
    assert len(pairs) == len(set(pairs))  # completed once: no profile/variant twice
