"""Keep the heap small: fewer malloc arenas, and freed memory given back to the OS."""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _libc() -> Any:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def release_free_memory() -> None:
    """Return the heap's free pages to the OS (glibc's `malloc_trim`; a no-op elsewhere).

    Call it after building something big from transient data: glibc keeps freed memory for
    reuse, so the peak stays resident. Measured on the 100k-chunk bench store after the
    BM25 build and 400 queries: 949 MB resident before the call, 631 MB after.
    """
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


_M_ARENA_MAX = -8  # mallopt parameter number, from glibc's malloc.h


def limit_malloc_arenas(arenas: int = 2) -> None:
    """Cap glibc's malloc arenas (a no-op elsewhere); call it before starting threads.

    glibc gives busy threads arenas of their own, up to 8 a core, and each keeps its free
    memory. Serving 1 to 32 concurrent queries at 100k chunks grew the service from 643 to
    798 MB resident by default and from 623 to 736 MB with 2 arenas, at the same speed.
    """
    libc = _libc()
    if libc is not None and hasattr(libc, "mallopt"):
        libc.mallopt(_M_ARENA_MAX, arenas)
