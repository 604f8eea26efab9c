"""BM25 over every chunk, kept in memory and in step with the store.

The index (bm25s) is built from the store's chunk texts, tokenised by the same key-term
rules as the rest of citedqa, each in its document's language (detected at ingest; English
for documents stored before languages were; a question in its own). bm25s cannot add
documents to a built index, so it is rebuilt, whole, in a background thread when the
store's generation changes (after this process's own writes, `refresh`, or another's).
Meanwhile hybrid retrieval leaves BM25 out (see `is_current`) and BM25-only retrieval uses
the previous index; only a BM25-only search before the very first build waits for it. The
service starts that build at start-up (`warm`) unless its default retrieval is vector-only.
"""

from __future__ import annotations

import threading
from array import array
from dataclasses import dataclass

import bm25s
import numpy as np

from citedqa.languages import ENGLISH
from citedqa.memory import release_free_memory
from citedqa.models import chunk_version
from citedqa.store import Store
from citedqa.terms import key_terms
from service.qa.generation import BackgroundJob, GenerationClock
from service.qa.titles import TitleIndex


class _DocFilter:
    """Which document each chunk belongs to (a small integer code a chunk), and each
    document's metadata: a filter picks documents, then chunks by a vectorised `isin`.

    Every filterable field is a document's (outlet, author, date, source), so chunk
    metadata is never read: the chunk id names the document.
    """

    def __init__(self, documents: dict[str, dict[str, str]]) -> None:
        self._documents = documents
        self._codes: dict[str, int] = {}
        self._of_chunk = array("i")

    def add(self, chunk_ids: list[str]) -> None:
        """Append chunks, in index order."""
        codes = self._codes
        self._of_chunk.extend(codes.setdefault(chunk_version(c)[0], len(codes)) for c in chunk_ids)

    def mask(self, allowed: dict[str, object]) -> np.ndarray:
        """1.0 for chunks of documents matching every item of `allowed` (a value, or a list
        of accepted values; `doc_id` or a document metadata field), else 0.0."""

        def accepted(doc_id: str) -> bool:
            meta = self._documents.get(doc_id, {})
            for field, want in allowed.items():
                wanted = want if isinstance(want, (list, tuple, set)) else [want]
                if (doc_id if field == "doc_id" else meta.get(field)) not in wanted:
                    return False
            return True

        codes = [code for doc_id, code in self._codes.items() if accepted(doc_id)]
        chunk_codes = np.frombuffer(self._of_chunk, dtype=np.int32)
        return np.isin(chunk_codes, codes).astype(np.float32)


@dataclass(frozen=True, slots=True)
class _Snapshot:
    generation: str
    ids: list[str]
    filter: _DocFilter
    bm25: bm25s.BM25 | None
    titles: TitleIndex


class LexicalIndex:
    """BM25 search returning (chunk_id, score) pairs, best first."""

    def __init__(self, store: Store, clock: GenerationClock) -> None:
        self._store = store
        self._clock = clock
        self._build_lock = threading.Lock()
        self._snapshot: _Snapshot | None = None
        self._background = BackgroundJob(self._catch_up, "bm25-build")

    def warm(self) -> None:
        """Build the index in a background thread (so no request waits for it)."""
        self._background.start()

    def refresh(self) -> None:
        """Catch up with the store in the background, if the index was ever built (this
        process just changed the store; searches use the previous index meanwhile)."""
        if self._snapshot is not None:
            self._background.start()

    def is_current(self) -> bool:
        """Whether the index is built from the store as it is now (as of at most a second
        ago); when it is not, a build is started in the background."""
        snap = self._snapshot
        if snap is not None and snap.generation == self._clock.current():
            return True
        self._background.start()
        return False

    def rebuild(self) -> None:
        """Rebuild now from the store."""
        with self._build_lock:
            self._build()

    def search(
        self,
        question: str,
        k: int,
        allowed: dict[str, object] | None = None,
        language: str = ENGLISH,
    ) -> list[tuple[str, float]]:
        """Top `k` chunks by BM25; `allowed` keeps chunks whose metadata match all its items;
        the question is stemmed as `language`."""
        snap = self._snapshot
        if snap is None:
            with self._build_lock:  # the first build: nothing to search until it is done
                snap = self._snapshot or self._build()
        elif snap.generation != self._clock.current():
            self._background.start()
        tokens = key_terms(question, language)
        if snap.bm25 is None or not snap.ids or not tokens:
            return []
        mask = snap.filter.mask(allowed) if allowed else None
        scores = snap.bm25.get_scores(tokens, weight_mask=mask)
        # Our own top-k rather than bm25s's: it partitions all scores, and numpy's
        # argpartition degrades on the ties most of them are (every chunk without a query
        # term scores 0): 14.8 ms at 100k chunks against 0.8 ms for this.
        hits = np.flatnonzero(scores > 0)
        if len(hits) > k:
            hits = hits[np.argpartition(-scores[hits], k - 1)[:k]]
        hits = hits[np.argsort(-scores[hits], kind="stable")]
        return [(snap.ids[int(i)], float(scores[i])) for i in hits]

    def linked(self, text: str, language: str = ENGLISH, skip: tuple[str, ...] = ()) -> list[str]:
        """The documents whose title `text` names (`titles.TitleIndex.linked`), as of the
        index's last build; none before the first."""
        snap = self._snapshot
        return [] if snap is None else snap.titles.linked(text, language, skip)

    def _catch_up(self) -> None:
        with self._build_lock:
            snap = self._snapshot
            if snap is None or snap.generation != self._clock.current():
                self._build()

    def _build(self) -> _Snapshot:
        """Read every chunk and index it; the caller holds the build lock.

        Texts are turned into term ids a page at a time, so the whole corpus is never held
        as strings (a term string costs about 55 bytes; a term id in an array, 4).
        """
        self._clock.expire()
        generation = self._clock.current()
        ids: list[str] = []
        term_ids: list[array[int]] = []
        vocabulary: dict[str, int] = {}
        manifest = self._store.manifest()
        documents = {d: e.metadata for d, e in manifest.items()}
        titles = TitleIndex()
        for doc_id, entry in manifest.items():
            titles.add(doc_id, entry.title, entry.metadata.get("language", ENGLISH))
        doc_filter = _DocFilter(documents)
        for page_ids, texts, _ in self._store.chunk_pages(with_metadata=False):
            ids += page_ids
            doc_filter.add(page_ids)
            for chunk_id, text in zip(page_ids, texts, strict=True):
                language = documents.get(chunk_version(chunk_id)[0], {}).get("language", ENGLISH)
                terms = key_terms(text, language) or ["\x00"]  # bm25s needs a term in each
                term_ids.append(
                    array("i", (vocabulary.setdefault(t, len(vocabulary)) for t in terms))
                )
        bm25 = None
        if ids:
            bm25 = bm25s.BM25()
            bm25.index((term_ids, vocabulary), show_progress=False)
        self._snapshot = _Snapshot(generation, ids, doc_filter, bm25, titles)
        release_free_memory()  # the pages of chunk texts just read
        return self._snapshot
