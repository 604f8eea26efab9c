"""Rebuild docs/ and questions.jsonl of the squad2 dev corpus from a SQuAD 2.0 JSON file.

Usage: `uv run python eval/corpora/squad2/convert.py dev-v2.0.json`. Each article becomes
one document (its paragraphs joined by blank lines, its title as the first line). Each
question keeps its SQuAD id; the distinct gold answer texts are the alternatives of one key
fact; SQuAD 2.0's adversarial unanswerable questions (written against the paragraph to look
answerable) are `unanswerable_on_topic`. Paragraphs alternate between the dev and the test
split, so tuning on dev never sees a test question's paragraph-mates.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any


def doc_id(title: str) -> str:
    """The article title as a file name: lower case, words joined by dashes."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def convert(squad: dict[str, Any], dest: Path) -> list[dict[str, Any]]:
    """Write one Markdown file per article under `dest`; return the question records."""
    dest.mkdir(parents=True, exist_ok=True)
    questions: list[dict[str, Any]] = []
    paragraph_number = 0
    for article in squad["data"]:
        name = doc_id(article["title"])
        paragraphs = [p["context"].strip() for p in article["paragraphs"]]
        title = article["title"].replace("_", " ")
        (dest / f"{name}.md").write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n")
        for paragraph in article["paragraphs"]:
            split = "dev" if paragraph_number % 2 == 0 else "test"
            paragraph_number += 1
            for qa in paragraph["qas"]:
                impossible = bool(qa.get("is_impossible"))
                answers = list(dict.fromkeys(a["text"].strip() for a in qa["answers"]))
                questions.append(
                    {
                        "id": qa["id"],
                        "question": " ".join(qa["question"].split()),
                        "answers": [] if impossible else [answers],
                        "sources": [] if impossible else [name],
                        "answerable": not impossible,
                        "category": "unanswerable_on_topic" if impossible else "single_fact",
                        "split": split,
                    }
                )
    return questions


if __name__ == "__main__":
    here = Path(__file__).parent
    records = convert(json.loads(Path(sys.argv[1]).read_text()), here / "docs")
    with (here / "questions.jsonl").open("w") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{len(records)} questions")
