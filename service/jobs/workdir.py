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
    """A fresh, locked work folder (absolute: ffmpeg runs some steps inside its own work folder).

    The folder is made and locked under a hidden name, then renamed: a sweep (of this process or another
    worker sharing the folder) only ever sees a job folder whose lock is already held. Made in place, there
    was a moment between creating the lock file and locking it when a starting worker's sweep could take the
    lock, find the folder "abandoned" and remove it under the job (seen in the SIGKILL fault test)."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    name = f"{PREFIX}{uuid.uuid4().hex}"
    hidden = (tmp_dir / f".{name}").resolve()
    hidden.mkdir()
    fd = os.open(hidden / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    folder = hidden.with_name(name)
    with _held_lock:
        _held[folder] = fd
    hidden.rename(folder)  # the lock belongs to the open file, so it holds across the rename
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
    for hidden in tmp_dir.glob(f".{PREFIX}*"):  # a worker killed in the middle of `claim`
        if hidden.is_dir() and not hidden.is_symlink() and _older_than_grace(hidden):
            shutil.rmtree(hidden, ignore_errors=True)
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
        return _older_than_grace(folder)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing drops the probe's lock too
    return True


def _older_than_grace(folder: Path) -> bool:
    try:
        return time.time() - folder.stat().st_mtime > UNLOCKED_GRACE_SECONDS
    except OSError:
        return False
