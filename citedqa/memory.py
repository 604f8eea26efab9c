"""Give freed heap memory back to the operating system."""

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
