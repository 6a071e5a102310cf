"""Helpers for fault tests around processing jobs: a short test video, `kho worker` processes, job rows, and
the check that a version has exactly one complete set of renditions whose objects are all stored."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

REPO = Path(__file__).resolve().parents[2]
FINAL = ("succeeded", "failed", "cancelled")


def clip(path: Path, seconds: int = 2) -> bytes:
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc2=size=320x180:rate=25:duration={seconds}", "-f", "lavfi", "-i",
                    f"sine=frequency={300 + uuid.uuid4().int % 400}:duration={seconds}", "-shortest",
                    "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", str(path)], check=True, timeout=60)
    return path.read_bytes()


@dataclass
class Workers:
    procs: list[subprocess.Popen[bytes]]
    logs: list[Path]
    _files: list[IO[bytes]]

    def tail(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-4000:]}" for p in self.logs)

    def alive(self) -> bool:
        return all(p.poll() is None for p in self.procs)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        for f in self._files:
            f.close()


def start_workers(folder: Path, count: int) -> Workers:
    """`kho worker` processes with this process's KHO_* environment (set by service_env)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    logs = [folder / f"worker{i}.log" for i in range(count)]
    files = [path.open("wb") for path in logs]
    procs = [subprocess.Popen([sys.executable, "-m", "service.cli", "worker"], cwd=REPO, env=env, stdout=f,
                              stderr=subprocess.STDOUT, start_new_session=True) for f in files]
    return Workers(procs, logs, files)


@dataclass(frozen=True)
class JobRow:
    status: str
    attempts: int
    outage_retries: int
    error_code: str | None
    seconds: float | None  # from the last claim to the end


def job_row(job_id: str) -> JobRow:
    from service.core.db import unit_of_work
    from service.jobs import repository

    with unit_of_work() as session:
        job = repository.get(session, job_id)
        assert job is not None
        took = (job.finished_at - job.started_at).total_seconds() if job.finished_at and job.started_at else None
        return JobRow(job.status, job.attempts, job.outage_retries, job.error_code, took)


def wait_for(condition: Callable[[], bool], seconds: float, what: str, workers: Workers | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if workers is not None:
            assert workers.alive(), workers.tail()
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}\n{workers.tail() if workers else ''}")


def assert_one_complete_set(version_id: str, *, no_orphans: bool) -> int:
    """Exactly one rendition per (profile, variant), every file of every rendition stored; with `no_orphans`
    nothing else is stored under the version's renditions. Returns the stored bytes of the renditions."""
    from service.assets.rendition_files import stored_keys
    from service.core.db import unit_of_work
    from service.core.runtime import get_store
    from service.renditions import repository as rendition_repository

    vid = uuid.UUID(version_id)
    with unit_of_work() as session:
        rows = rendition_repository.of_version(session, vid)
    assert rows, "no renditions"
    pairs = [(r.profile, r.variant) for r in rows]
    assert len(pairs) == len(set(pairs)), pairs
    wanted = {key for r in rows for key in stored_keys(r.object_key, r.extra)}
    stored = {s.key: s.size for s in get_store().list(f"renditions/{vid.hex[:2]}/{vid.hex[2:4]}/{vid.hex}/")}
    assert wanted <= set(stored), sorted(wanted - set(stored))[:5]
    if no_orphans:
        assert set(stored) == wanted, sorted(set(stored) - wanted)[:5]
    return sum(stored[k] for k in wanted)
