"""Nothing lost, nothing doubled: kill -9 mid-ingest, and replaces readers never see half of."""

import os
import random
import re
import signal
import subprocess
import sys
from pathlib import Path

from citedqa.components import make_indexer
from citedqa.documents import load_document, parse_document
from citedqa.sentences import sentence_spans
from citedqa.settings import Settings
from ingest.job import ingest_path
from service.components import Components
from tests.helpers import ROOT, SEEDS, make_settings, store_state


def make_corpus(folder: Path, count: int) -> None:
    """`count` distinct articles recombined from the seeds' sentences."""
    sentences = [
        text[s:e]
        for path in sorted(SEEDS.glob("*.txt"))
        for text in [path.read_text()]
        for s, e in sentence_spans(text)
    ]
    rng = random.Random(7)
    folder.mkdir(parents=True)
    for i in range(count):
        body = " ".join(rng.sample(sentences, 12))
        (folder / f"doc{i:03d}.txt").write_text(f"Dispatch number {i}\n\n{body}\n")


def run_ingest(data: Path, corpus: Path, quiet: bool = True) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CITEDQA_DATA_DIR": str(data)}
    return subprocess.Popen(
        [sys.executable, "-m", "ingest", str(corpus), *(["--quiet"] if quiet else [])],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL if quiet else subprocess.PIPE,
    )


def wait_for_progress(proc: subprocess.Popen[bytes], done: int) -> None:
    """Return once the run's progress bar shows `done` documents, or the run has ended."""
    assert proc.stderr is not None
    seen = b""
    while proc.poll() is None:
        seen = (seen + proc.stderr.read1(4096))[-200:]
        counts = [int(n) for n in re.findall(rb"(\d+)/\d+ \[", seen)]
        if counts and max(counts) >= done:
            return


def test_killed_runs_converge_to_a_clean_run(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    make_corpus(corpus, 30)
    clean = make_settings(tmp_path / "clean")
    ingest_path(clean, corpus, show_progress=False)
    expected = store_state(clean)

    # Kill points are taken from the run's own progress bar, not from a clock: how long a
    # run takes depends on the machine's load (a fixed delay let every run finish).
    crashed = make_settings(tmp_path / "crashed")
    rng = random.Random(11)
    kills = 0
    for _ in range(4):
        proc = run_ingest(crashed.data_dir, corpus, quiet=False)
        wait_for_progress(proc, rng.randint(1, 29))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
    assert kills >= 1, "no run was killed mid-way: the test did not test anything"
    final = run_ingest(crashed.data_dir, corpus)
    assert final.wait(timeout=600) == 0
    assert store_state(crashed) == expected


def test_readers_see_the_old_or_the_new_version_never_both(tmp_path: Path) -> None:
    settings: Settings = make_settings(tmp_path / "data")
    ingest_path(settings, SEEDS, show_progress=False)
    components = Components.build(settings)
    store, embedder = components.store, components.embedder
    old = load_document(SEEDS / "004_58f5a4662705265c.txt", SEEDS)
    new = parse_document(old.doc_id, ".txt", (old.text + "\nTrade grew by a fifth.").encode())
    chunker = make_indexer(settings, embedder, store).chunker
    chunks = chunker.split(new)
    vectors, sentence_vectors = embedder.encode_with_spans(
        [c.text for c in chunks],
        [[(s - c.start, e - c.start) for s, e in c.sentences] for c in chunks],
    )
    question = "How much has Korea-Russia trade volume increased this year?"

    def versions() -> set[str]:
        evidence = components.qa.retriever.retrieve(question, 10, "hybrid")
        return {c.doc_hash for c in evidence.chunks if c.doc_id == old.doc_id}

    assert versions() == {old.content_hash}
    store.write_chunks(new, chunks, vectors, sentence_vectors)  # step 1: new chunks written
    components.qa.retriever._lexical.rebuild()
    assert versions() == {old.content_hash}
    store.commit_document(new, [c.chunk_id for c in chunks], chunker.config_id)  # step 2: switch
    assert versions() == {new.content_hash}
    make_indexer(settings, embedder, store).index(new)  # step 3: old chunks deleted
    assert versions() == {new.content_hash}
    entry = store.manifest([old.doc_id])[old.doc_id]
    assert store.stored_chunk_ids(old.doc_id) == set(entry.chunk_ids)
    assert entry.content_hash == new.content_hash
