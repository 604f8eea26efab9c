"""The answerer shared by every LLM backend: prompt, reply parsing, quotes from the passages.

The LLM writes the sentences; the quotes are never its words. For each `[n]` of a sentence
the quote is the sentence itself when passage n holds it verbatim; else the sentence of
passage n that best supports it, joined by the one holding most of what it still lacks
when only together they support it (`SupportJudge.select`). A sentence that none of its
cited passages supports is attributed to the retrieved passage that does, if one does (small
models often cite the wrong number). The Citer checks every quote again at the source.

The refusal rules are the extractive answerer's (`rules.AnswerRules`): no LLM call when the
passages never mention what is asked, and no answer without an answer of the asked kind.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from citedqa.models import RetrievedChunk
from citedqa.sentences import sentence_spans
from service.qa.answerers import prompt
from service.qa.answerers.backends import Backend
from service.qa.answerers.extractive import enough_evidence
from service.qa.answerers.rules import AnswerRules
from service.qa.evidence import Claim, Draft, Evidence, Quote, RefusalReason
from service.qa.support import SupportJudge
from service.telemetry.tracing import llm_span


class LLMAnswerer:
    """Answers with a backend's llama-index LLM, citing the passages it names."""

    def __init__(
        self,
        backend: Backend,
        judge: SupportJudge,
        min_evidence_score: float,
        rules: AnswerRules | None = None,
    ) -> None:
        self.backend = backend
        self.evidence_pool = 0  # the prompt holds exactly top_k passages
        self.name = backend.name
        self.model = backend.model
        self._judge = judge
        self._min_evidence_score = min_evidence_score
        self._rules = rules

    def prepare(self, questions: Sequence[str]) -> None:
        """The rules' question parses, in one pass (the LLM itself has nothing to share)."""
        if self._rules is not None:
            self._rules.prepare(questions)

    def draft(self, evidence: Evidence) -> Draft:
        reason = self._refusal_before(evidence)
        if reason is not None:
            return self._refuse(reason)
        return self.parse(evidence, self.ask(evidence))

    def stream(self, evidence: Evidence) -> Iterator[str | Draft]:
        """The reply as the LLM writes it, then its Draft (the Citer still checks it)."""
        reason = self._refusal_before(evidence)
        if reason is not None:
            yield self._refuse(reason)
            return
        reply: list[str] = []
        try:
            with llm_span(self.backend.name, self.model):
                for response in self.backend.llm.stream_chat(prompt.messages(evidence)):
                    delta = response.delta or ""
                    reply.append(delta)
                    if delta and not any(s in "".join(reply) for s in self.backend.secrets):
                        yield delta
        except Exception as exc:
            raise self.backend.failure(exc) from None
        yield self.parse(evidence, "".join(reply))

    def _refusal_before(self, evidence: Evidence) -> RefusalReason | None:
        """Why not to ask the LLM at all, if there is a reason."""
        if not enough_evidence(evidence, self._min_evidence_score):
            return "no_evidence"
        rules = self._rules
        if rules is not None and not rules.mentioned(evidence, rules.frames(evidence.question)):
            return "focus_not_found"
        return None

    def _refuse(self, reason: RefusalReason) -> Draft:
        return Draft([], self.name, self.model, refusal_reason=reason)

    def parse(self, evidence: Evidence, reply: str) -> Draft:
        """Claims from the reply's marked sentences, each with quotes from its passages (or
        from the passage that supports it, when the ones it cites do not)."""
        marked = prompt.parse(reply, len(evidence.chunks))
        if not marked:
            return self._refuse("no_answer_of_type")  # NO_ANSWER, or nothing it could cite
        claims = []
        for sentence, refs in marked:
            if any(secret in sentence for secret in self.backend.secrets):
                continue  # never repeat a credential, whatever a document asked for
            quotes = [q for n in refs for q in self.quotes(sentence, evidence.chunks[n - 1])]
            if not quotes:
                quotes = self._reattributed(sentence, evidence, refs)
            if quotes:
                claims.append(Claim(sentence, quotes))
        if claims and self._rules is not None:
            frames = self._rules.frames(evidence.question)
            claims = [c for c in claims if not self._rules.contradicts(c.text, frames)]
            if not claims:
                return self._refuse("focus_not_found")  # it answered another question
            if not self._rules.answers_kind([c.text for c in claims], frames):
                return self._refuse("no_answer_of_type")
        reason: RefusalReason | None = None if claims else "not_supported"
        return Draft(claims, self.name, self.model, refusal_reason=reason)

    def _reattributed(self, sentence: str, evidence: Evidence, cited: list[int]) -> list[Quote]:
        """Quotes from the first other retrieved passage that supports the sentence."""
        for n, chunk in enumerate(evidence.chunks, start=1):
            if n not in cited:
                quotes = self.quotes(sentence, chunk)
                if quotes:
                    return quotes
        return []

    def ask(self, evidence: Evidence) -> str:
        """The LLM's raw reply; backend failures become the service's LLM errors."""
        try:
            with llm_span(self.backend.name, self.model):
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
