"""One writing process per embedded index folder, refused at once with a clear message.

tantivy holds its own writer lock inside the folder, but a second process that hits it only learns "lock
busy" on each write and the outbox retries for minutes. This lock is taken when a writing process opens
the index (or on its first write) with `flock`, which the kernel releases when the holder dies, so a
crashed worker never leaves a stale lock. It lives beside the folder, because opening an index of an older
layout deletes the folder itself.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class IndexBusy(RuntimeError):
    """Another process writes this embedded index."""


class WriterLock:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder.with_name(folder.name + ".writer.lock")
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Raises `IndexBusy` naming the holder's pid when another process writes the index."""
        if self._fd is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise IndexBusy(
                f"the embedded search index {self.folder} is already written by "
                f"process {holder}; run several API or worker processes with KHO_SEARCH=postgres (or "
                f"meilisearch) / chỉ mục tìm kiếm nhúng đang được tiến trình {holder} ghi: nhiều tiến trình "
                f"API hay worker cần KHO_SEARCH=postgres (hoặc meilisearch)") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None

    def __del__(self) -> None:
        # An index dropped without close() frees tantivy's writer with it; the lock goes the same way.
        self.release()
