"""The staging file of one tus upload: append a chunk at the committed offset, verify, fsync.

The database row's offset is the truth. Bytes beyond it (a chunk whose request died, or whose
checksum failed) are cut off before the next append, so a crash mid-PATCH never corrupts the file.
An exclusive flock stops two requests from appending to the same upload at once (also across
API processes on one machine).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO


class StagingBusy(Exception):
    pass


class ChunkTooLong(Exception):
    pass


@dataclass(frozen=True)
class Appended:
    size: int
    sha1: bytes


def open_locked(path: Path) -> BinaryIO:
    """The staging file, exclusively locked until the returned handle is closed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    handle = os.fdopen(fd, "r+b")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise StagingBusy(str(path)) from None
    return handle


def append(handle: BinaryIO, offset: int, chunks: Iterable[bytes], room: int) -> Appended:
    """Write `chunks` at `offset`, at most `room` bytes; returns their size and sha1. On any error the
    file is cut back to `offset`."""
    handle.truncate(offset)
    handle.seek(offset)
    sha = hashlib.sha1(usedforsecurity=False)
    size = 0
    try:
        for chunk in chunks:
            size += len(chunk)
            if size > room:
                raise ChunkTooLong()
            sha.update(chunk)
            handle.write(chunk)
        handle.flush()
        os.fsync(handle.fileno())
    except BaseException:
        cut_back(handle, offset)
        raise
    return Appended(size, sha.digest())


def cut_back(handle: BinaryIO, offset: int) -> None:
    handle.truncate(offset)
    handle.flush()
    os.fsync(handle.fileno())


def read_head(path: Path, size: int) -> bytes:
    with path.open("rb") as f:
        return f.read(size)


def remove(path: Path) -> None:
    path.unlink(missing_ok=True)
