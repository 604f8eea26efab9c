"""One process at a time on an embedded Chroma data directory.

Embedded Chroma keeps state in the process (its HNSW index, caches) that another process's
writes do not update: `python -m ingest` run beside `python -m service` on one data
directory left the service answering from a half-seen index. So every process that opens
the embedded store first takes `<data_dir>/chroma.lock` and keeps it until it exits (the
kernel releases it then, kill -9 included); a second process is refused with the two ways
that work. A Chroma server (CITEDQA_CHROMA_HOST) is shared safely, and takes no lock.
"""

from __future__ import annotations

import threading
from pathlib import Path

from filelock import FileLock, Timeout

from citedqa.errors import DataDirLockedError

_held: dict[Path, FileLock] = {}  # this process's locks, by data directory
_guard = threading.Lock()


def hold_data_dir(data_dir: Path) -> None:
    """Lock `data_dir` for the rest of this process (again: a no-op); DataDirLockedError when
    another process holds it."""
    key = data_dir.resolve()
    with _guard:
        if key in _held:
            return
        key.mkdir(parents=True, exist_ok=True)
        # Not thread-local: the service opens the store on one thread and uses it on others.
        lock = FileLock(key / "chroma.lock", thread_local=False)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            raise DataDirLockedError(
                f"{data_dir} is in use by another citedqa process (embedded Chroma serves one "
                f"process at a time): upload over HTTP to the running service "
                f"(POST /v1/documents), or run a Chroma server and set CITEDQA_CHROMA_HOST "
                f"for every process"
            ) from None
        _held[key] = lock
