"""Usage events are appended to an in-memory buffer and written in batches by a background thread, so a
download never waits for an INSERT. The buffer is flushed at interpreter exit; a crash loses at most
the last `interval` seconds of counts (acceptable for statistics, never for audit)."""

from __future__ import annotations

import atexit
import logging
import threading
from collections import deque
from typing import Any

from service.db import unit_of_work
from service.usage import repository

log = logging.getLogger("kho.usage")
MAX_PENDING = 200_000  # beyond this (database down for long) the oldest counts are dropped


class UsageBuffer:
    def __init__(self, interval: float = 1.0, batch: int = 5000) -> None:
        self.interval = interval
        self.batch = batch
        self._pending: deque[dict[str, Any]] = deque(maxlen=MAX_PENDING)
        self._flush_lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def add(self, row: dict[str, Any]) -> None:
        self._pending.append(row)  # deque.append is atomic: no lock on the hot path
        if self._thread is None:
            self._start()

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="kho-usage", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            try:
                self.flush()
            except Exception:  # noqa: BLE001 - rows stay queued; retried next tick
                log.exception("usage flush failed; will retry")

    def flush(self) -> int:
        """Write everything pending now; returns the number of rows written."""
        written = 0
        with self._flush_lock:
            while self._pending:
                rows = [self._pending.popleft() for _ in range(min(self.batch, len(self._pending)))]
                try:
                    with unit_of_work() as session:
                        repository.insert_many(session, rows)
                except Exception:
                    self._pending.extendleft(reversed(rows))
                    raise
                written += len(rows)
        return written

    @property
    def pending(self) -> int:
        return len(self._pending)


BUFFER = UsageBuffer()


@atexit.register
def _flush_at_exit() -> None:
    try:
        BUFFER.flush()
    except Exception:  # noqa: BLE001 - the database may already be gone at exit
        log.warning("usage events lost at shutdown: %d", BUFFER.pending)
