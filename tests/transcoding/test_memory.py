"""release_freed_memory gives freed heap pages back to the system (glibc's malloc_trim)."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import pytest

# In a fresh interpreter, so no earlier test shaped the heap. Each 64 KiB block (below the mmap threshold,
# so heap memory, like an encoder's buffers) is followed by a small block that stays allocated: the freed
# blocks cannot merge into the top of the heap, so free() keeps them, as it keeps a fragmented heap.
PROBE = """
import ctypes, ctypes.util, sys
from pathlib import Path
from transcoding.image.memory import release_freed_memory

def rss():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
blocks, pins = [], []
for _ in range(1600):  # 100 MiB
    blocks.append(libc.malloc(64 * 1024))
    pins.append(libc.malloc(64))
for block in blocks:
    ctypes.memset(block, 1, 64 * 1024)
for block in blocks:
    libc.free(block)
before = rss()
if sys.argv[1] == "trim":
    assert release_freed_memory() is True
print(before - rss())
"""


def returned_kib(mode: str) -> int:
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", PROBE, mode], cwd=root, capture_output=True, text=True,
                         check=True, timeout=60)
    return int(out.stdout.strip())


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
                    reason="malloc_trim is a glibc function; elsewhere release_freed_memory does nothing")
def test_freed_heap_memory_is_returned() -> None:
    assert returned_kib("keep") < 10 * 1024  # freed but kept by malloc
    assert returned_kib("trim") > 50 * 1024  # given back
