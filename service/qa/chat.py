"""Chat conversations for the OpenAI-compatible endpoint: condense, then answer with sources.

A follow-up such as "and where did they meet?" cannot be searched on its own. With an LLM
backend, the `Condenser` has its LLM rewrite the conversation into a standalone question
(llama-index's condense-question prompt); offline, it carries the previous question's key
terms into a follow-up that is short or leans on pronouns.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from llama_index.core.base.llms.types import ChatMessage, MessageRole

from citedqa.errors import LLMUnavailableError
from citedqa.models import Answer, Citation
from citedqa.terms import capitalised_words, key_terms, stem, words
from service.telemetry.tracing import llm_span

if TYPE_CHECKING:
    from service.qa.answerers.backends import Backend

log = logging.getLogger("citedqa")

_ANAPHORA = frozenset(
    "he she it they them his her its their this that these those there then him".split()
)
_SHORT = 4  # key terms: a follow-up with fewer leans on the conversation
_CONDENSE = (
    "Given the conversation below and a follow-up question, rewrite the follow-up as a "
    "standalone question that keeps every name, place and time it refers to. Reply with the "
    "question only.\n\nConversation:\n{history}\n\nFollow-up: {question}\nStandalone question:"
)


@dataclass(frozen=True)
class Condenser:
    """Standalone questions from conversations: by the backend's LLM when there is one.

    With `fallback` (`CITEDQA_LLM_FALLBACK_EXTRACTIVE`), an unavailable LLM means the offline
    rule instead of a 503, as for answers.
    """

    backend: Backend | None = None
    fallback: bool = False

    def condense(self, turns: Sequence[tuple[str, str]]) -> str:
        """A standalone question from (role, content) turns ending with the user's question."""
        if self.backend is None:
            return condense(turns)
        try:
            return condense(turns, self._rewrite)
        except LLMUnavailableError as exc:
            if not self.fallback:
                raise
            log.warning("%s; condensing the conversation without it", exc.message)
            return condense(turns)

    def _rewrite(self, prompt: str) -> str:
        """The LLM's reply to `prompt`; its failures become the service's LLM errors."""
        assert self.backend is not None
        message = ChatMessage(role=MessageRole.USER, content=prompt)
        try:
            with llm_span(self.backend.name, self.backend.model):
                response = self.backend.llm.chat([message])
        except Exception as exc:
            raise self.backend.failure(exc) from None
        return response.message.content or ""


def condense(turns: Sequence[tuple[str, str]], rewrite: Callable[[str], str] | None = None) -> str:
    """A standalone question from (role, content) turns ending with the user's question.

    `rewrite` answers a prompt (an LLM); without it, the offline rule.
    """
    question = turns[-1][1].strip()
    earlier = [(r, c) for r, c in turns[:-1] if r in ("user", "assistant") and c.strip()]
    if not earlier:
        return question
    if rewrite is not None:
        history = "\n".join(f"{r}: {c}" for r, c in earlier[-6:])
        rewritten = rewrite(_CONDENSE.format(history=history, question=question))
        rewritten = rewritten.strip().split("\n")[0].strip()
        return rewritten or question
    previous = next((c for r, c in reversed(earlier) if r == "user"), None)
    own = set(key_terms(question))
    leans = len(own) < _SHORT or bool(_ANAPHORA & set(words(question)))
    if previous is None or not leans:
        return question
    # The names a follow-up's pronouns point back to.
    names = capitalised_words(previous)
    carried = [n for n in dict.fromkeys(names) if stem(n.lower()) not in own]
    return f"{question} ({', '.join(carried)})" if carried else question


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
