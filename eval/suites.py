"""Suites: a corpus, its questions and its gate, each evaluated in its own in-process service.

``python -m eval`` runs the seed suite and then every held-out corpus under
``eval/corpora/<name>/`` (``docs/``, ``questions.jsonl``, ``thresholds.toml``, and optionally
``settings.toml``: the ``CITEDQA_*`` settings its service needs, such as the multilingual
embedder for questions in other languages): a change tuned
on the seeds has to hold on documents and questions it was not tuned on. Each suite has its
own throwaway store, its own thresholds and its own report folder, so that one suite's
documents never answer another's questions and one gate never judges another corpus.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from eval.errors import UsageError

SEED_SUITE = "seeds"
CORPUS_DOCS = "docs"
CORPUS_QUESTIONS = "questions.jsonl"
CORPUS_THRESHOLDS = "thresholds.toml"
CORPUS_SETTINGS = "settings.toml"


@dataclass(frozen=True)
class Suite:
    """One evaluation: what to ingest, what to ask, how to gate, where to write.

    ``corpus`` is None for a running service (``--url``); ``thresholds`` is None when the
    suite is reported but not gated (no thresholds file applies to it); ``settings`` are
    settings fields (``embedder``...) its in-process service sets over the environment's.
    """

    name: str
    corpus: Path | None
    questions: Path
    thresholds: Path | None
    out: Path
    is_seed: bool = False
    settings: Mapping[str, object] = field(default_factory=dict)


def discover(root: Path, out: Path) -> list[Suite]:
    """Every ``root/<name>/`` holding ``docs/`` and ``questions.jsonl``, by name.

    A missing ``root`` is no suite (held-out corpora are optional); a folder without its own
    ``thresholds.toml`` is evaluated but not gated: the seed thresholds do not fit another
    corpus.
    """
    if not root.is_dir():
        return []
    suites = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        docs, questions = folder / CORPUS_DOCS, folder / CORPUS_QUESTIONS
        if not (docs.is_dir() and questions.is_file()):
            continue
        thresholds = folder / CORPUS_THRESHOLDS
        gate = thresholds if thresholds.is_file() else None
        settings = _settings(folder / CORPUS_SETTINGS)
        suites.append(Suite(folder.name, docs, questions, gate, out / folder.name, False, settings))
    return suites


def _settings(path: Path) -> dict[str, object]:
    """The ``[settings]`` table of a corpus's ``settings.toml`` (none without the file)."""
    if not path.is_file():
        return {}
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("settings", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: {exc}") from None
    if not isinstance(table, dict):
        raise UsageError(f"{path}: [settings] must be a table of setting = value")
    return table


def default_suites(
    seed_corpus: Path,
    seed_questions: Path,
    seed_thresholds: Path,
    corpora: Path,
    out: Path,
) -> list[Suite]:
    """The seed suite first, then the held-out corpora; reports in ``out/<suite>/``."""
    seed = Suite(
        SEED_SUITE,
        seed_corpus,
        seed_questions,
        seed_thresholds,
        out / SEED_SUITE,
        is_seed=True,
    )
    suites = [seed, *discover(corpora, out)]
    names = [s.name for s in suites]
    if len(set(names)) < len(names):
        raise UsageError(f"{corpora}: a corpus folder must not be named {SEED_SUITE!r}")
    return suites


def single_suite(
    corpus: Path | None,
    questions: Path,
    thresholds: Path | None,
    out: Path,
    *,
    is_seed: bool,
) -> Suite:
    """The one suite of ``--corpus``/``--questions``/``--url``; reports directly in ``out``."""
    name = SEED_SUITE if is_seed else (corpus.name if corpus else questions.stem)
    return Suite(name, corpus, questions, thresholds, out, is_seed=is_seed)
