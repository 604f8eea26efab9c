"""The read path in one place: question → retrieve → answer → cite."""

from __future__ import annotations

import re
from collections.abc import Generator
from dataclasses import dataclass, field

from citedqa.models import Answer, RetrievedChunk
from citedqa.settings import RetrievalMode
from service.qa.answerers.base import Answerer, StreamingAnswerer
from service.qa.batching import RequestBatcher, per_group
from service.qa.citing import Citer
from service.qa.evidence import Draft, Evidence
from service.qa.retrieval import Filters, Retriever, Search
from service.telemetry.timings import stage

_SENTENCE_END = re.compile(r"(?<=\]) (?=\S)")
# Two batches at once: while one runs Python (GIL-bound), the other's encoder and Chroma
# calls (which release the GIL) run on the second core. Eight: the bench's client count.
BATCH_WORKERS, MAX_BATCH = 2, 8


class AskQueue:
    """The HTTP routes' way in, one for all collections: requests arriving together are
    served as one batch (each collection's questions through its own `QAService`), on
    `BATCH_WORKERS` threads in all, however many collections are loaded."""

    def __init__(self) -> None:
        self.answering: RequestBatcher[Asked, Answer] = RequestBatcher(
            _answer_many, "answering", BATCH_WORKERS, MAX_BATCH
        )
        self.retrieving: RequestBatcher[Asked, list[RetrievedChunk]] = RequestBatcher(
            _retrieve_many, "retrieving", BATCH_WORKERS, MAX_BATCH
        )

    def close(self) -> None:
        """Stop the batches' threads."""
        self.answering.close()
        self.retrieving.close()


@dataclass(frozen=True, slots=True)
class Ask:
    """A question and how to search for it."""

    question: str
    top_k: int
    mode: RetrievalMode = "hybrid"
    filters: Filters = field(default_factory=Filters)


class QAService:
    """Answers questions from the collection, with verified citations or a refusal."""

    def __init__(
        self, retriever: Retriever, answerer: Answerer, citer: Citer, queue: AskQueue
    ) -> None:
        self.retriever = retriever
        self.answerer = answerer
        self.citer = citer
        self._queue = queue

    async def answer_batched(self, ask: Ask) -> Answer:
        """`answer(ask)`, from the event loop, in a batch with the questions asked with it."""
        return await self._queue.answering.submit((self, ask))

    async def retrieve_batched(self, ask: Ask) -> list[RetrievedChunk]:
        """`retrieve(ask)`, from the event loop, batched likewise."""
        return await self._queue.retrieving.submit((self, ask))

    def answer_many(self, asks: list[Ask]) -> list[Answer]:
        """`answer` for each: retrieved together (one forward pass, shared store calls) and
        prepared for the answerer together (the extractive one parses them in one pass)."""
        evidence = self._evidence_many(asks, self.answerer.evidence_pool)
        with stage("answer"):
            self.answerer.prepare([ask.question for ask in asks])
        return [self._answer(found) for found in evidence]

    def retrieve_many(self, asks: list[Ask]) -> list[list[RetrievedChunk]]:
        """`retrieve` for each, retrieved together."""
        return [found.chunks for found in self._evidence_many(asks)]

    def retrieve(self, ask: Ask) -> list[RetrievedChunk]:
        """The evidence the answerer would see."""
        return self._evidence(ask).chunks

    def _evidence(self, ask: Ask, pool: int | None = None) -> Evidence:
        return self._evidence_many([ask], pool)[0]

    def _evidence_many(self, asks: list[Ask], pool: int | None = None) -> list[Evidence]:
        with stage("retrieve"):
            return self.retriever.retrieve_many(
                [Search(a.question, max(a.top_k, pool or 0), a.mode, a.filters) for a in asks]
            )

    def stream(self, ask: Ask) -> Generator[str | Answer, None, None]:
        """Answer text as it is produced, then the verified Answer (which replaces it)."""
        evidence = self._evidence(ask, self.answerer.evidence_pool)
        if isinstance(self.answerer, StreamingAnswerer):
            for item in self.answerer.stream(evidence):
                if isinstance(item, Draft):
                    yield self.citer.finalize(item)
                    return
                yield item
            return
        answer = self.citer.finalize(self.answerer.draft(evidence))
        # A non-generating answerer has its whole answer at once: hand it out by sentence.
        yield from _SENTENCE_END.split(answer.text)
        yield answer

    def answer(self, ask: Ask) -> Answer:
        """A cited answer, or the refusal when the evidence does not answer."""
        return self._answer(self._evidence(ask, self.answerer.evidence_pool))

    def _answer(self, evidence: Evidence) -> Answer:
        with stage("answer"):
            return self.citer.finalize(self.answerer.draft(evidence))


Asked = tuple[QAService, Ask]


def _answer_many(items: list[Asked]) -> list[Answer]:
    return per_group(items, _service, lambda group: group[0][0].answer_many(_asks(group)))


def _retrieve_many(items: list[Asked]) -> list[list[RetrievedChunk]]:
    return per_group(items, _service, lambda group: group[0][0].retrieve_many(_asks(group)))


def _service(item: Asked) -> int:
    return id(item[0])  # a batch may mix collections: each runs through its own service


def _asks(group: list[Asked]) -> list[Ask]:
    return [ask for _, ask in group]
