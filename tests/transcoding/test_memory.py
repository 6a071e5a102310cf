"""release_freed_memory gives freed heap pages back to the system (glibc's malloc_trim)."""

from __future__ import annotations

import ctypes
import ctypes.util
import platform
from pathlib import Path

import pytest

from transcoding.memory import release_freed_memory


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
                    reason="malloc_trim is a glibc function; elsewhere release_freed_memory does nothing")
def test_freed_heap_memory_is_returned() -> None:
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    # 64 KiB blocks stay below glibc's mmap threshold, so they live in the heap like an encoder's buffers.
    blocks = [libc.malloc(64 * 1024) for _ in range(1600)]  # 100 MiB
    for block in blocks:
        ctypes.memset(block, 1, 64 * 1024)
    keep_top = libc.malloc(64)  # pins the top of the heap so a plain free cannot shrink it by itself
    for block in blocks:
        libc.free(block)
    before = rss_kib()
    assert release_freed_memory() is True
    after = rss_kib()
    libc.free(keep_top)
    assert before - after > 50 * 1024, (before, after)
