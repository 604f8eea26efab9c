"""The answerer shared by every LLM backend: prompt, reply parsing, quotes from the passages.

The LLM writes the sentences; the quotes are never its words. For each `[n]` of a sentence
the quote is the sentence itself when passage n holds it verbatim; else the sentence of
passage n that best supports it, joined by the one holding most of what it still lacks
when only together they support it (`SupportJudge.select`). The Citer checks every quote
again at the source.
"""

from __future__ import annotations

from collections.abc import Iterator

from citedqa.models import RetrievedChunk
from citedqa.sentences import sentence_spans
from service.qa.answerers import prompt
from service.qa.answerers.backends import Backend
from service.qa.evidence import Claim, Draft, Evidence, Quote
from service.qa.support import SupportJudge


class LLMAnswerer:
    """Answers with a backend's llama-index LLM, citing the passages it names."""

    def __init__(self, backend: Backend, judge: SupportJudge, min_evidence_score: float) -> None:
        self.backend = backend
        self.evidence_pool = 0  # the prompt holds exactly top_k passages
        self.name = backend.name
        self.model = backend.model
        self._judge = judge
        self._min_evidence_score = min_evidence_score

    def draft(self, evidence: Evidence) -> Draft:
        if not self._has_evidence(evidence):
            return Draft([], self.name, self.model)
        return self.parse(evidence, self.ask(evidence))

    def stream(self, evidence: Evidence) -> Iterator[str | Draft]:
        """The reply as the LLM writes it, then its Draft (the Citer still checks it)."""
        if not self._has_evidence(evidence):
            yield Draft([], self.name, self.model)
            return
        reply: list[str] = []
        try:
            for response in self.backend.llm.stream_chat(prompt.messages(evidence)):
                delta = response.delta or ""
                reply.append(delta)
                if delta and not any(s in "".join(reply) for s in self.backend.secrets):
                    yield delta
        except Exception as exc:
            raise self.backend.failure(exc) from None
        yield self.parse(evidence, "".join(reply))

    def _has_evidence(self, evidence: Evidence) -> bool:
        return bool(evidence.chunks) and evidence.chunks[0].score >= self._min_evidence_score

    def parse(self, evidence: Evidence, reply: str) -> Draft:
        """Claims from the reply's marked sentences, each with quotes from its passages."""
        claims = []
        for sentence, refs in prompt.parse(reply, len(evidence.chunks)):
            if any(secret in sentence for secret in self.backend.secrets):
                continue  # never repeat a credential, whatever a document asked for
            quotes = [q for n in refs for q in self.quotes(sentence, evidence.chunks[n - 1])]
            if quotes:
                claims.append(Claim(sentence, quotes))
        return Draft(claims, self.name, self.model)

    def ask(self, evidence: Evidence) -> str:
        """The LLM's raw reply; backend failures become the service's LLM errors."""
        try:
            response = self.backend.llm.chat(prompt.messages(evidence))
        except Exception as exc:
            raise self.backend.failure(exc) from None
        return response.message.content or ""

    def quotes(self, sentence: str, chunk: RetrievedChunk) -> list[Quote]:
        """The sentence(s) of `chunk` that best support `sentence`, in document order."""
        core = sentence.strip().rstrip(" .!?…")
        exact = chunk.text.find(core) if core else -1
        if exact >= 0:
            return [Quote(chunk, chunk.start + exact, chunk.start + exact + len(core))]
        spans = _sentences(chunk)
        texts = [chunk.text[s - chunk.start : e - chunk.start] for s, e in spans]
        if not texts:
            return []
        quotes: list[Quote] = []
        for i in self._judge.select(sentence, texts, limit=2):
            if quotes and i > 0 and quotes[-1].end == spans[i - 1][1]:
                # Neighbouring sentences make one quote: it reads as the document does.
                quotes[-1] = Quote(chunk, quotes[-1].start, spans[i][1])
            else:
                quotes.append(Quote(chunk, *spans[i]))
        return quotes


def _sentences(chunk: RetrievedChunk) -> list[tuple[int, int]]:
    """Sentence spans of a chunk in document offsets (computed when none were stored)."""
    if chunk.sentences:
        return list(chunk.sentences)
    return [(chunk.start + s, chunk.start + e) for s, e in sentence_spans(chunk.text)]
