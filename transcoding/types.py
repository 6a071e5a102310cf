"""Value types shared by every processor: what goes in, what comes out, how failures are told apart.

Processors are pure file-in/files-out functions: they never touch the database or the object store.
The worker (service/jobs) uploads what they return and records one Rendition row per output.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Called with a fraction 0.0–1.0; the job wrapper turns it into Job.progress and the stall watchdog's heartbeat.
ProgressFn = Callable[[float], None]


def no_progress(_fraction: float) -> None:
    """Default progress sink for callers that do not track progress (tests, benchmarks)."""


@dataclass(frozen=True)
class FocalPoint:
    """Where the subject is, as fractions of width and height (0.5, 0.5 = centre)."""

    x: float = 0.5
    y: float = 0.5


@dataclass
class RenditionOutput:
    """One derived file, written under the processor's output folder."""

    path: Path
    profile: str
    variant: str  # e.g. "720p", "1080x1350", "webp-800", "master"; unique within a profile
    media_type: str
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    bitrate: int | None = None
    loudness_lufs: float | None = None
    true_peak_dbtp: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class ProcessingError(Exception):
    """Base class. `permanent` tells the job runner whether retrying can help."""

    permanent = False

    def __init__(self, message: str, *, code: str = "processing_failed") -> None:
        super().__init__(message)
        self.code = code


class BadMediaError(ProcessingError):
    """The input itself is unusable (corrupt, hostile, over a limit): never retried."""

    permanent = True

    def __init__(self, message: str, *, code: str = "bad_media") -> None:
        super().__init__(message, code=code)


class TransientProcessingError(ProcessingError):
    """Something outside the input failed (tool crashed, disk full, timeout under load): retried with backoff."""

    permanent = False
