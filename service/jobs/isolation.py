"""Run media processing in a child process with an address-space cap and a wall-clock limit, so a
decompression bomb or a runaway decoder kills one job, never the worker. Progress flows back over a pipe."""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import resource
import time
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from transcoding.ffmpeg_run import FfmpegLimits
from transcoding.pipeline import ProcessRequest, ProcessResult
from transcoding.types import BadMediaError, ProgressFn, TransientProcessingError

log = logging.getLogger("kho.jobs")


def _child(conn: Connection, request: ProcessRequest, source: Path, out_dir: Path, captions: list[Path],
           memory_limit: int, ffmpeg_limits: FfmpegLimits, parent: int) -> None:
    from transcoding.child import die_with_parent  # in the child only, like the pipeline below

    die_with_parent(parent)  # a SIGKILLed worker must not leave its encode running on, unowned
    if memory_limit > 0:
        # Soft limit only: in-process decoders (Pillow, pdfium) hit it; ffmpeg children set their own cap.
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, hard))
    from transcoding.pipeline import process  # in the child only: the media libraries load after the cap

    try:
        result = process(request, source, out_dir, captions=captions, limits=ffmpeg_limits,
                         progress=lambda f: conn.send(("progress", f)))
        conn.send(("ok", result))
    except MemoryError:
        conn.send(("error", True, "memory_limit", "processing exceeded the memory limit", ""))
    except Exception as exc:  # noqa: BLE001 - reported to the parent with its retry class
        permanent = bool(getattr(exc, "permanent", False))
        code = str(getattr(exc, "code", type(exc).__name__))
        message = str(exc) or type(exc).__name__
        # The traceback is for the worker's log, never for the job row the API serves.
        details = "" if hasattr(exc, "permanent") else traceback.format_exc(limit=8)
        conn.send(("error", permanent, code, message[:4000], details))
    finally:
        conn.close()


def run_isolated(request: ProcessRequest, source: Path, out_dir: Path, *, captions: list[Path],
                 progress: ProgressFn, memory_limit: int, timeout: float,
                 ffmpeg_limits: FfmpegLimits) -> ProcessResult:
    """`ffmpeg_limits` (the service's settings) travel to the child as an argument: the child is spawned
    fresh, and nothing in transcoding/ reads the environment for them."""
    ctx = mp.get_context("spawn")  # no forking of a process that holds threads and DB connections
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, daemon=True,
                       args=(child, request, source, out_dir, captions, memory_limit, ffmpeg_limits, os.getpid()))
    proc.start()
    child.close()
    deadline = time.monotonic() + timeout
    try:
        while True:
            if time.monotonic() > deadline:
                raise TransientProcessingError(f"processing took longer than {timeout:.0f} s", code="timeout")
            if parent.poll(0.5):
                try:
                    message: Any = parent.recv()
                except EOFError:
                    break
                if message[0] == "progress":
                    progress(float(message[1]))  # may raise JobCancelled: the finally kills the child
                elif message[0] == "ok":
                    return message[1]
                else:
                    _, permanent, code, text, details = message
                    if details:
                        log.error("processing child failed (%s): %s\n%s", code, text, details)
                    raise (BadMediaError(text, code=code) if permanent else TransientProcessingError(text, code=code))
            elif not proc.is_alive():
                break
        proc.join(5)
        raise BadMediaError(f"processing died (exit code {proc.exitcode})", code="processor_crashed")
    finally:
        if proc.is_alive():
            proc.kill()
            proc.join(5)
        parent.close()
