"""Giving freed heap memory back to the system between the steps of a large image job.

Pillow's encoders (libjpeg, libwebp, zlib) allocate their working buffers with malloc; glibc keeps the
freed chunks in the heap for reuse, so after a few encodes the process holds tens of megabytes it no
longer uses, right when the next resample of a large source needs room. `malloc_trim(0)` returns those
pages; it costs well under a millisecond. On a libc without it (musl, macOS) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from functools import cache


@cache
def _trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


def release_freed_memory() -> bool:
    """True when the C library trimmed (or could have trimmed) its heap."""
    trim = _trim()
    if trim is None:
        return False
    trim(0)
    return True
