"""Run ffmpeg as a watched subprocess: progress, a wall-clock timeout, a stall watchdog, a memory cap.

The child gets its own process group so a timeout or stall kills ffmpeg and anything it spawned, and an
address-space limit (RLIMIT_AS) so a hostile input cannot take the machine's memory. Failures are sorted
into BadMediaError (the input's fault: retrying cannot help) and TransientProcessingError (retry later).

The limits are the operator's (KHO_FFMPEG_TIMEOUT, KHO_FFMPEG_STALL_SECONDS, KHO_FFMPEG_MAX_MEMORY in the
service's settings, `.env` included) and arrive as an `FfmpegLimits` argument: nothing here reads the
environment, so what the service was configured with is what every run gets.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from transcoding.child import child_setup
from transcoding.tools import ffmpeg_path, require
from transcoding.types import BadMediaError, ProgressFn, TransientProcessingError, no_progress


@dataclass(frozen=True)
class FfmpegLimits:
    """What one ffmpeg run may take: wall-clock seconds, seconds without progress, address space in bytes."""

    timeout: float = 7200.0
    stall_seconds: float = 120.0
    # Virtual address space, not resident memory: x264 threads reserve far more than they touch.
    max_memory: int | None = 8 * 1024**3

    def within(self, timeout: float) -> FfmpegLimits:
        """These limits for a run that should finish sooner (a poster, a measurement): the operator's
        timeout stays the ceiling, a run never gets longer than it."""
        return replace(self, timeout=min(self.timeout, timeout))


DEFAULT_LIMITS = FfmpegLimits()  # the defaults the README lists; the service passes its own

# stderr phrases that mean the input is broken or hostile, not that the machine had a bad moment.
_INPUT_FAULTS = (
    "invalid data found when processing input",
    "moov atom not found",
    "could not find codec parameters",
    "error while decoding",
    "invalid nal unit",
    "corrupt",
    "truncat",
    "not on whitelist",
    "does not contain any stream",
)
_RESOURCE_FAULTS = ("cannot allocate memory", "out of memory")


def input_args(path: Path, fmt: str | None = None) -> list[str]:
    """Input options every run uses: local files only, and the demuxer chosen at probe time."""
    forced = ["-f", fmt] if fmt else []
    return ["-protocol_whitelist", "file", *forced, "-i", str(path)]


@dataclass
class FfmpegResult:
    returncode: int
    stderr: str
    elapsed: float
    out_time: float  # seconds of output produced, from the last progress report


@dataclass
class _Watch:
    last_change: float
    out_time: float = 0.0
    marker: tuple[str, ...] = ()


def _read_progress(stream: object, watch: _Watch) -> None:
    block: dict[str, str] = {}
    for raw in stream:  # type: ignore[attr-defined]
        key, _, value = raw.decode("utf-8", "replace").strip().partition("=")
        block[key] = value
        if key != "progress":
            continue
        marker = (block.get("out_time_us", ""), block.get("frame", ""), block.get("total_size", ""))
        if marker != watch.marker:  # a report that repeats the last one is not progress
            watch.marker = marker
            watch.last_change = time.monotonic()
        us = block.get("out_time_us", "N/A")
        if us.lstrip("-").isdigit():
            watch.out_time = max(watch.out_time, int(us) / 1e6)
        block = {}


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def run_ffmpeg(
    args: Sequence[str],
    *,
    duration: float | None = None,
    progress: ProgressFn = no_progress,
    limits: FfmpegLimits = DEFAULT_LIMITS,
    loglevel: str = "error",
    cwd: Path | None = None,
) -> FfmpegResult:
    """Run `ffmpeg <args>`; `duration` (seconds of expected output) turns out_time into a 0–1 fraction."""
    cmd = [
        require(ffmpeg_path(), "ffmpeg"),
        "-hide_banner",
        "-nostdin",
        "-nostats",
        "-loglevel",
        loglevel,
        "-progress",
        "pipe:1",
        *args,
    ]
    started = time.monotonic()
    watch = _Watch(last_change=started)
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=err,
            cwd=cwd,
            start_new_session=True,
            preexec_fn=child_setup(limits.max_memory),
        )
        # The reader thread only records; progress is reported from this (the caller's) thread.
        reader = threading.Thread(target=_read_progress, args=(proc.stdout, watch), daemon=True)
        reader.start()
        report = _Reporter(duration, progress)
        failure = _wait(proc, watch, started, limits.timeout, limits.stall_seconds, report)
        reader.join(timeout=5)
        if not failure and proc.returncode == 0:
            report(watch.out_time)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    result = FfmpegResult(proc.returncode, stderr, time.monotonic() - started, watch.out_time)
    if failure:
        raise TransientProcessingError(failure[1], code=failure[0])
    if proc.returncode != 0:
        raise classify_failure(result)
    return result


class _Reporter:
    def __init__(self, duration: float | None, progress: ProgressFn) -> None:
        self.duration, self.progress, self.last = duration, progress, -1.0

    def __call__(self, out_time: float) -> None:
        if self.duration and out_time != self.last:
            self.last = out_time
            self.progress(min(1.0, out_time / self.duration))


def _wait(
    proc: subprocess.Popen[bytes],
    watch: _Watch,
    started: float,
    timeout: float,
    stall: float,
    report: _Reporter,
) -> tuple[str, str] | None:
    while True:
        try:
            proc.wait(timeout=0.2)
            return None
        except subprocess.TimeoutExpired:
            report(watch.out_time)
        now = time.monotonic()
        if now - started > timeout:
            _kill_group(proc)
            return "timeout", f"ffmpeg ran longer than {timeout:.0f} s and was stopped"
        if now - watch.last_change > stall:
            _kill_group(proc)
            return "stalled", f"ffmpeg made no progress for {stall:.0f} s and was stopped"


def classify_failure(result: FfmpegResult) -> Exception:
    text = result.stderr.lower()
    tail = " | ".join(line for line in result.stderr.strip().splitlines()[-4:])
    if result.returncode < 0 and -result.returncode in (signal.SIGKILL, signal.SIGSEGV, signal.SIGABRT):
        # A crash on this input is reproducible; a SIGKILL from outside (OOM killer) is not.
        if -result.returncode != signal.SIGKILL:
            return BadMediaError(
                f"ffmpeg crashed on this input (signal {-result.returncode})", code="tool_crash"
            )
        return TransientProcessingError("ffmpeg was killed from outside", code="killed")
    if any(p in text for p in _RESOURCE_FAULTS):
        return BadMediaError(f"the input needs more memory than allowed: {tail}", code="resource_limit")
    if "no space left on device" in text:
        return TransientProcessingError("disk full while writing outputs", code="disk_full")
    if any(p in text for p in _INPUT_FAULTS):
        return BadMediaError(f"the media file cannot be decoded: {tail}", code="decode_failed")
    return TransientProcessingError(f"ffmpeg failed (exit {result.returncode}): {tail}", code="ffmpeg_failed")
