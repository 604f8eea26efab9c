"""Chat conversations for the OpenAI-compatible endpoint: condense, then answer with sources.

A follow-up such as "and where did they meet?" cannot be searched on its own. When the
answerer has an LLM, it rewrites the conversation into a standalone question (llama-index's
condense-question prompt); the offline answerer instead carries the previous question's
key terms into a follow-up that is short or leans on pronouns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from citedqa.models import Answer, Citation
from citedqa.terms import key_terms, stem, words

_ANAPHORA = frozenset(
    "he she it they them his her its their this that these those there then him".split()
)
_SHORT = 4  # key terms: a follow-up with fewer leans on the conversation
_CONDENSE = (
    "Given the conversation below and a follow-up question, rewrite the follow-up as a "
    "standalone question that keeps every name, place and time it refers to. Reply with the "
    "question only.\n\nConversation:\n{history}\n\nFollow-up: {question}\nStandalone question:"
)


def condense(turns: Sequence[tuple[str, str]], llm: object | None = None) -> str:
    """A standalone question from (role, content) turns ending with the user's question."""
    question = turns[-1][1].strip()
    earlier = [(r, c) for r, c in turns[:-1] if r in ("user", "assistant") and c.strip()]
    if not earlier:
        return question
    if llm is not None:
        history = "\n".join(f"{r}: {c}" for r, c in earlier[-6:])
        rewritten = str(llm.complete(_CONDENSE.format(history=history, question=question)))  # type: ignore[attr-defined]
        rewritten = rewritten.strip().split("\n")[0].strip()
        return rewritten or question
    previous = next((c for r, c in reversed(earlier) if r == "user"), None)
    own = set(key_terms(question))
    leans = len(own) < _SHORT or bool(_ANAPHORA & set(words(question)))
    if previous is None or not leans:
        return question
    carried = [n for n in dict.fromkeys(_names(previous)) if stem(n.lower()) not in own]
    return f"{question} ({', '.join(carried)})" if carried else question


def _names(text: str) -> list[str]:
    """Capitalised words past the first: the names a follow-up's pronouns point back to."""
    found = re.findall(r"[\w’'-]+", text)[1:]
    return [w for w in found if w[0].isupper() and w.lower() in set(words(text))]


def sources_footer(citations: Sequence[Citation]) -> str:
    """A plain-text list of the cited quotes, for clients that show only the message text."""
    if not citations:
        return ""
    lines = [
        f"[{n}] {c.title or c.doc_id} ({c.doc_id}, chars {c.start}-{c.end}): “{c.quote}”"
        for n, c in enumerate(citations, start=1)
    ]
    return "\n\nSources:\n" + "\n".join(lines)


def message_text(answer: Answer) -> str:
    """The assistant message: the answer with its sources listed under it."""
    return answer.text + sources_footer(answer.citations)
