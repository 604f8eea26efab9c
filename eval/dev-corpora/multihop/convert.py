"""Rebuild docs/ and questions.jsonl from the MuSiQue and HotpotQA train samples (SOURCE.md).

Needs the four JSON files of OSU-NLP-Group/HippoRAG at commit 3d95d255 (``data/musique_train.json``,
``data/musique_train_corpus.json``, ``data/hotpotqa_train.json``,
``data/hotpotqa_train_corpus.json``) in one folder, given as the first argument. Every passage
becomes ``docs/<doc_id>.md``: its title as a Markdown heading, a blank line, its text unchanged.
HotpotQA's yes/no questions are left out: "yes" is in no passage, so "answer in the top 5"
cannot score them. Splits alternate dev, test within each dataset, in file order.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


def _load(folder: Path, name: str) -> Any:
    return json.loads((folder / name).read_text(encoding="utf-8"))


def _write_doc(docs: Path, doc_id: str, title: str, text: str) -> None:
    (docs / f"{doc_id}.md").write_text(f"# {title}\n\n{text.strip()}\n", encoding="utf-8")


def musique(folder: Path, docs: Path) -> list[dict[str, Any]]:
    """MuSiQue: one doc per corpus passage; sources are every supporting paragraph."""
    ids: dict[tuple[str, str], str] = {}
    for i, passage in enumerate(_load(folder, "musique_train_corpus.json"), start=1):
        doc_id = f"mq{i:04d}"
        ids[(passage["title"], passage["text"])] = doc_id
        _write_doc(docs, doc_id, passage["title"], passage["text"])
    rows = []
    for n, item in enumerate(_load(folder, "musique_train.json")):
        paragraphs = item["paragraphs"]
        sources = sorted(
            {ids[(p["title"], p["paragraph_text"])] for p in paragraphs if p["is_supporting"]}
        )
        hops = item["id"].split("hop")[0]
        rows.append(
            {
                "id": f"mq-{item['id']}",
                "question": item["question"],
                "answers": [[item["answer"], *item["answer_aliases"]]],
                "sources": sources,
                "answerable": True,
                "category": f"musique_{hops}hop",
                "split": "dev" if n % 2 == 0 else "test",
            }
        )
    return rows


def hotpotqa(folder: Path, docs: Path) -> list[dict[str, Any]]:
    """HotpotQA (train split): one doc per titled passage; sources are the supporting titles."""
    ids: dict[str, str] = {}
    for i, (title, sentences) in enumerate(
        _load(folder, "hotpotqa_train_corpus.json").items(), start=1
    ):
        ids[title] = f"hp{i:04d}"
        _write_doc(docs, ids[title], title, "".join(sentences))
    rows = []
    questions = _load(folder, "hotpotqa_train.json")
    kept = [q for q in questions if q["answer"].lower() not in ("yes", "no")]
    for n, item in enumerate(kept):
        rows.append(
            {
                "id": f"hp-{item['_id']}",
                "question": item["question"],
                "answers": [[item["answer"]]],
                "sources": sorted({ids[title] for title, _ in item["supporting_facts"]}),
                "answerable": True,
                "category": f"hotpotqa_{item['type']}",
                "split": "dev" if n % 2 == 0 else "test",
            }
        )
    return rows


def main(folder: Path) -> None:
    docs = HERE / "docs"
    docs.mkdir(exist_ok=True)
    rows = musique(folder, docs) + hotpotqa(folder, docs)
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    (HERE / "questions.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(list(docs.iterdir()))} docs, {len(rows)} questions")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
