"""Delete chunks that no manifest record points to.

Chunks are written before the manifest switches to them (citedqa.indexer), so a write that
dies in between (the process killed, the store failing, an undo that failed too) leaves
chunks nobody will read or delete: `/health` then counts more chunks than the documents
hold, and they cost space and search time. The sweep runs where no write of this process
can be in flight: at start-up, at the start of an ingest, and before the next write after a
failed one. On a shared Chroma server another process may be between its two steps at any
time, so there it spares chunks younger than an hour (`written_at`, stored with each chunk).
"""

from __future__ import annotations

import logging
import time

from citedqa.store import Store

log = logging.getLogger("citedqa")

# A write switches its manifest seconds after writing its chunks; an hour is ample margin.
SHARED_GRACE_SECONDS = 3600
_READ_BATCH = 1000  # Chroma fails a get of too many records with their metadata


def sweep_orphans(store: Store, shared: bool, now: float | None = None) -> int:
    """Delete the chunks no manifest record points to and return how many; with `shared`
    (a Chroma server other processes write to), only those written over an hour before `now`.
    """
    live = {cid for entry in store.manifest().values() for cid in entry.chunk_ids}
    orphans = store.stored_chunk_ids() - live
    if shared and orphans:
        cutoff = (time.time() if now is None else now) - SHARED_GRACE_SECONDS
        ordered = sorted(orphans)
        orphans = {
            cid
            for lo in range(0, len(ordered), _READ_BATCH)
            for cid, at in store.written_at(ordered[lo : lo + _READ_BATCH]).items()
            if at < cutoff
        }
    if orphans:
        store.delete_chunks(orphans)
        log.info("removed %d orphan chunks", len(orphans))
    return len(orphans)
