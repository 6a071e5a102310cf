"""Job work folders: the folder of a running job (in this process or another) is kept, the folder of a
killed worker is removed, a finished run removes its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

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
