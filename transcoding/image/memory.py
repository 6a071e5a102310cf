"""Giving freed heap memory back to the system between the steps of a large image job.

Pillow's encoders (libjpeg, libwebp, zlib) allocate their working buffers with malloc; glibc keeps the
freed chunks in the heap for reuse, so after a few encodes the process holds tens of megabytes it no
longer uses, right when the next resample of a large source needs room. `malloc_trim(0)` returns those
pages; it costs well under a millisecond. On a libc without it (musl, macOS) this does nothing.
"""

from __future__ import annotations

from transcoding.libc import LIBC


def release_freed_memory() -> bool:
    """True when the C library trimmed (or could have trimmed) its heap."""
    trim = getattr(LIBC, "malloc_trim", None)
    if trim is None:
        return False
    trim(0)
    return True
