"""Work folders of jobs (`<tmp>/job-<id>`): one per job run, removed when the run ends however it ends.

A killed worker cannot remove its folder, so each folder holds a lock file locked for the run's life;
a folder whose lock can be taken belongs to a dead process and is removed at worker start and by the
scheduled sweep. The lock (not an age) decides, so a long encode is never swept from under its job,
and several workers may share one var folder.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import threading
import time
import uuid
from pathlib import Path

log = logging.getLogger("kho.jobs")
PREFIX = "job-"
LOCK_NAME = ".owner.lock"
# A folder without a lock file is either being created right now or very old (a crash in between).
UNLOCKED_GRACE_SECONDS = 300

_held: dict[Path, int] = {}
_held_lock = threading.Lock()


def claim(tmp_dir: Path) -> Path:
    """A fresh, locked work folder (absolute: ffmpeg runs some steps inside its own work folder)."""
    folder = (tmp_dir / f"{PREFIX}{uuid.uuid4().hex}").resolve()
    folder.mkdir(parents=True)
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    with _held_lock:
        _held[folder] = fd
    return folder


def release(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    with _held_lock:
        fd = _held.pop(folder, None)
    if fd is not None:
        os.close(fd)


def remove_stale(tmp_dir: Path) -> int:
    """Remove the work folders of runs whose process is gone; return how many."""
    if not tmp_dir.is_dir():
        return 0
    removed = 0
    for folder in tmp_dir.glob(f"{PREFIX}*"):
        if folder.is_dir() and not folder.is_symlink() and _abandoned(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    if removed:
        log.info("stale job work folders removed", extra={"count": removed})
    return removed


def _abandoned(folder: Path) -> bool:
    with _held_lock:
        if folder.resolve() in _held:  # this process's own runs are known without probing
            return False
    try:
        fd = os.open(folder / LOCK_NAME, os.O_RDWR)
    except FileNotFoundError:
        try:
            return time.time() - folder.stat().st_mtime > UNLOCKED_GRACE_SECONDS
        except OSError:
            return False
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing drops the probe's lock too
    return True
