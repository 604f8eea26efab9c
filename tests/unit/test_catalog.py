"""service.qa.catalog: which version of each document is live, over a fake store."""

from __future__ import annotations

from collections.abc import Sequence

from citedqa.store import ManifestEntry
from service.qa.catalog import Catalog, DocState
from service.qa.generation import GenerationClock
from tests.helpers import wait_until

V1 = "1" * 64
V2 = "2" * 64


def entry(doc_id: str, content_hash: str = V1, duplicate_of: str | None = None) -> ManifestEntry:
    return ManifestEntry(doc_id, doc_id, content_hash, (), "sentences", duplicate_of=duplicate_of)


class FakeStore:
    """The two calls a Catalog makes: manifest() and (through the clock) generation()."""

    def __init__(self, *entries: ManifestEntry) -> None:
        self.entries = {e.doc_id: e for e in entries}
        self.token = "g1"
        self.reads: list[tuple[str, ...] | None] = []

    def put(self, *entries: ManifestEntry) -> None:
        self.entries.update((e.doc_id, e) for e in entries)

    def generation(self) -> str:
        return self.token

    def manifest(self, doc_ids: Sequence[str] | None = None) -> dict[str, ManifestEntry]:
        self.reads.append(None if doc_ids is None else tuple(sorted(doc_ids)))
        wanted = self.entries if doc_ids is None else doc_ids
        return {d: self.entries[d] for d in wanted if d in self.entries}


def catalog(store: FakeStore) -> Catalog:
    clock = GenerationClock(store, check_every=0.0)  # type: ignore[arg-type]
    return Catalog(store, clock)  # type: ignore[arg-type]


def test_unknown_documents_are_read_once_then_known() -> None:
    store = FakeStore(entry("a"), entry("b", duplicate_of="a"))
    cat = catalog(store)
    cat._generation = "g1"  # as if loaded: no background reload
    got = cat.states({"a": [V1[:12]], "b": [V1[:12]], "gone": [V1[:12]]})
    assert got == {"a": DocState(V1, "a"), "b": DocState(V1, "a")}  # b duplicates a
    assert store.reads == [("a", "b", "gone")]
    assert cat.states({"a": [V1[:12]]}) == {"a": DocState(V1, "a")}
    assert store.reads == [("a", "b", "gone")]  # known and live: no read


def test_a_hit_of_another_version_has_its_document_read_again() -> None:
    store = FakeStore(entry("a"))
    cat = catalog(store)
    cat._generation = "g1"
    cat.states({"a": [V1[:12]]})
    store.put(entry("a", V2))  # a new version went live (another process wrote it)
    assert cat.states({"a": [V2[:12]]}) == {"a": DocState(V2, "a")}
    assert store.reads == [("a",), ("a",)]
    # Two versions in one result: unsure which is live, so read again.
    assert cat.states({"a": [V1[:12], V2[:12]]})["a"].is_live(V2[:12])
    assert len(store.reads) == 3


def test_a_removed_document_is_forgotten() -> None:
    store = FakeStore(entry("a"))
    cat = catalog(store)
    cat._generation = "g1"
    assert "a" in cat.states({"a": [V1[:12]]})
    del store.entries["a"]
    assert cat.states({"a": [V2[:12]]}) == {}  # hit of another version: read; gone
    assert cat.states({"a": [V1[:12]]}) == {}  # and no stale state was kept


def test_forget_makes_the_next_hit_read_the_store() -> None:
    store = FakeStore(entry("a"))
    cat = catalog(store)
    cat._generation = "g1"
    cat.states({"a": [V1[:12]]})
    store.put(entry("a", duplicate_of="z"))  # same version, new group: only a read shows it
    assert cat.states({"a": [V1[:12]]})["a"].group == "a"
    cat.forget(["a"])
    assert cat.states({"a": [V1[:12]]})["a"].group == "z"


def test_warm_loads_everything_and_a_new_generation_reloads() -> None:
    store = FakeStore(entry("a"), entry("b"))
    cat = catalog(store)
    cat.warm()
    wait_until(lambda: cat._generation == "g1")
    assert store.reads == [None]  # the whole manifest, in one read
    assert cat.states({"a": [V1[:12]], "b": [V1[:12]]}) == {
        "a": DocState(V1, "a"),
        "b": DocState(V1, "b"),
    }
    assert store.reads == [None]
    store.put(entry("c"))
    store.token = "g2"  # another process wrote: the next request starts a reload
    # (once the first load's thread has ended: never two at a time)
    wait_until(lambda: cat.states({"a": [V1[:12]]}) and cat._generation == "g2")
    assert store.reads == [None, None]
    assert cat.states({"c": [V1[:12]]}) == {"c": DocState(V1, "c")}
    assert store.reads == [None, None]  # c came with the reload
