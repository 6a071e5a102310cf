"""Set-up run in a media tool's child process between fork and exec: a memory cap, and death with the
process that started it.

ffmpeg and ffprobe run in a session of their own (so a timeout can kill the whole group), which also means
nothing stops them when their parent dies: a processing child killed for a timeout or a cancellation, or a
worker killed with SIGKILL, left its ffmpeg encoding on for minutes into a folder nobody would read. On Linux
PR_SET_PDEATHSIG asks the kernel to SIGKILL the tool when the thread that started it goes away.
"""

from __future__ import annotations

import os
import resource
import signal
from collections.abc import Callable

from transcoding.libc import LIBC

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """From now on the kernel SIGKILLs this process when `parent` (the thread that started it) goes away."""
    if LIBC is not None:
        LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)


def child_setup(memory_limit: int | None) -> Callable[[], None]:
    """A `preexec_fn` for subprocess.Popen: cap the address space, die with the parent."""
    parent = os.getpid()

    def apply() -> None:
        if memory_limit:
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
        die_with_parent(parent)

    return apply
