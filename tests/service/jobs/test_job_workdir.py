"""Job work folders: the folder of a running job (in this process or another) is kept, the folder of a
killed worker is removed, a finished run removes its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from service.jobs import workdir

REPO = Path(__file__).resolve().parents[3]
HOLDER = "import sys; from pathlib import Path; from service.jobs import workdir; " \
         "print(workdir.claim(Path(sys.argv[1])), flush=True); sys.stdin.read()"


def _holder(tmp: Path) -> tuple[subprocess.Popen[str], Path]:
    """Another worker process holding a work folder until its stdin closes (or it is killed)."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp)], cwd=REPO, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.stdout is not None
    return proc, Path(proc.stdout.readline().strip())


def test_a_run_removes_its_own_folder(tmp_path: Path) -> None:
    work = workdir.claim(tmp_path)
    (work / "out").mkdir()
    (work / "out" / "x.mp4").write_bytes(b"x" * 1000)
    assert workdir.remove_stale(tmp_path) == 0 and work.exists()  # our own live run
    workdir.release(work)
    assert not work.exists() and list(tmp_path.iterdir()) == []


def test_a_killed_workers_folder_is_removed_a_live_ones_kept(tmp_path: Path) -> None:
    alive, alive_dir = _holder(tmp_path)
    killed, killed_dir = _holder(tmp_path)
    try:
        (killed_dir / "original.mp4").write_bytes(b"\0" * 4096)
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait(timeout=30)
        assert workdir.remove_stale(tmp_path) == 1
        assert not killed_dir.exists()
        assert alive_dir.is_dir()  # its job still runs: never swept from under it
    finally:
        if alive.stdin:
            alive.stdin.close()
        alive.wait(timeout=30)
    assert workdir.remove_stale(tmp_path) == 1 and not alive_dir.exists()


def test_a_folder_without_lock_is_kept_while_young(tmp_path: Path) -> None:
    young = tmp_path / "job-young"
    old = tmp_path / "job-old"
    young.mkdir()
    old.mkdir()
    long_ago = time.time() - workdir.UNLOCKED_GRACE_SECONDS - 60
    os.utime(old, (long_ago, long_ago))
    assert workdir.remove_stale(tmp_path) == 1
    assert young.exists() and not old.exists()
    assert workdir.remove_stale(tmp_path / "missing") == 0


def test_a_sweep_never_sees_a_folder_before_its_lock_is_held(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another worker's sweep runs at the worst moment of `claim`: just after the lock file is created and
    before it is locked. It must not find (and remove) the folder the job is about to use."""
    sweeper = "import sys; from pathlib import Path; from service.jobs import workdir; " \
              "print(workdir.remove_stale(Path(sys.argv[1])))"
    real_open = os.open
    swept: list[str] = []

    def open_then_sweep(path: object, flags: int, mode: int = 0o777) -> int:
        fd = real_open(path, flags, mode)  # type: ignore[arg-type]
        if str(path).endswith(workdir.LOCK_NAME) and not swept:
            out = subprocess.run([sys.executable, "-c", sweeper, str(tmp_path)], cwd=REPO, capture_output=True,
                                 text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60)
            swept.append(out.stdout.strip() or out.stderr)
        return fd

    monkeypatch.setattr(workdir.os, "open", open_then_sweep)
    work = workdir.claim(tmp_path)
    monkeypatch.undo()
    assert swept == ["0"]  # the sweep ran in the window and removed nothing
    assert work.is_dir() and (work / workdir.LOCK_NAME).exists()
    (work / "original.mp4").write_bytes(b"x")  # the job can use its folder
    assert workdir.remove_stale(tmp_path) == 0
    workdir.release(work)
    assert list(tmp_path.iterdir()) == []
