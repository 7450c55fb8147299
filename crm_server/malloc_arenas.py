"""How many heaps (arenas) the C allocator of a serving process may keep.

glibc gives threads that allocate at the same time heaps of their own, up to eight per core, and
a heap keeps the memory it once held, in holes between what is still in use. The server runs
requests and event-stream polls on up to 40 threads, and SQLite's page caches, sized per
connection, are allocated by whichever thread reads: on 2 cores, a server on 100,000 reports
under a mixed load had 17 heaps and grew from 170 MiB at minute 1 to 200 MiB at minute 10
(+17%); with two heaps, 112 and 119 MiB (+6%) (benchmarks/memory_soak.py). Python code runs one
thread at a time (the GIL), so threads seldom contend for a heap.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

ARENAS = 2
_M_ARENA_MAX = -8  # mallopt's parameter, from glibc's malloc.h
_ENV = "MALLOC_ARENA_MAX"  # glibc's own setting: when set, it decides


def bound(arenas: int = ARENAS) -> bool:
    """Caps the heaps of this process, before its threads start. Returns whether it did: not
    on a C library without mallopt (musl, macOS), nor when MALLOC_ARENA_MAX is set."""
    if os.environ.get(_ENV):
        return False
    path = ctypes.util.find_library("c")
    if path is None:
        return False
    mallopt = getattr(ctypes.CDLL(path), "mallopt", None)
    if mallopt is None:
        return False
    return bool(mallopt(_M_ARENA_MAX, arenas))
