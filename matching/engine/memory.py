"""Keeping the engine's resident memory near what it really uses.

HiGHS and numpy allocate and free blocks of tens of megabytes many times per solve (one
LP or MIP after another). glibc's malloc raises its mmap threshold each time such a
block is freed, so later blocks come from the heap, and freed heap memory stays with the
process: at 5,000 slots that kept ~350 MB resident that nothing used. A fixed mmap
threshold hands large blocks back to the system as soon as they are freed, and
`trim()` between the solver's stages returns what the heap still holds.

Only glibc (Linux) has these knobs; elsewhere both are no-ops.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
# blocks from this size on are mapped on their own and unmapped on free
MMAP_THRESHOLD = int(os.environ.get("DUGNAD_MALLOC_MMAP_THRESHOLD", 1024 * 1024))

_LOCK = threading.Lock()
_libc = None
_configured = False


def _load():
    global _libc
    if _libc is None:
        try:
            name = ctypes.util.find_library("c") or "libc.so.6"
            lib = ctypes.CDLL(name)
            lib.mallopt  # noqa: B018 - raises AttributeError off glibc
            lib.malloc_trim  # noqa: B018
            _libc = lib
        except (OSError, AttributeError):
            _libc = False
    return _libc


def configure() -> bool:
    """Fix malloc's thresholds once per process (before the first solve). Returns whether
    the knobs exist here."""
    global _configured
    with _LOCK:
        lib = _load()
        if not lib:
            return False
        if not _configured and MMAP_THRESHOLD > 0:
            lib.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
            lib.mallopt(M_TRIM_THRESHOLD, MMAP_THRESHOLD)
            _configured = True
        return True


def trim() -> None:
    """Give the heap's free pages back to the system."""
    lib = _load()
    if lib:
        lib.malloc_trim(0)


def rss_mb() -> float:
    """Current resident set size in MB (Linux), 0.0 where /proc is absent."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return 0.0
