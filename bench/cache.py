"""Where synthetic stores are kept between runs, keyed by what they hold.

Building the 100k-chunk stores takes minutes. They depend on the records the Store writes
(`bench.stores.fingerprint`: format, chunking, generated text), on how the bare pipeline
writes its own (bench/bare.py and the llama-index and Chroma versions) and on size and
seed (checked per store). A change to any of these builds afresh; only the current key's
stores are kept.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from importlib import metadata
from pathlib import Path

from bench.jobs import REPO

BARE_PACKAGES = ("chromadb", "llama-index-core", "llama-index-vector-stores-chroma")


def default_cache_dir() -> Path:
    """$XDG_CACHE_HOME/citedqa-bench, or ~/.cache/citedqa-bench."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "citedqa-bench"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def cache_key(store_fingerprint: str) -> str:
    """The key of stores holding these records, written by this bare pipeline."""
    digest = hashlib.sha256(store_fingerprint.encode())
    digest.update((REPO / "bench" / "bare.py").read_bytes())
    digest.update(" ".join(_version(p) for p in BARE_PACKAGES).encode())
    return digest.hexdigest()[:16]


def cache_root(cache_dir: Path, key: str) -> Path:
    """This key's directory (created); other keys' stores are removed to save the disk."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    for old in cache_dir.iterdir():
        if old.is_dir() and old.name != key:
            shutil.rmtree(old, ignore_errors=True)
    root = cache_dir / key
    root.mkdir(exist_ok=True)
    return root
