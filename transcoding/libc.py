"""The C library, for the two Linux calls Python does not wrap (prctl, malloc_trim); None elsewhere.

Loaded at import, in the parent process: code that runs in a child between fork and exec may do nothing but
async-signal-safe work, so it must not be the first to look the library up.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys


def _load() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name, use_errno=True) if name else None
    except OSError:
        return None


LIBC = _load()
