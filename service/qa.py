"""The read path in one place: question → retrieve → answer → cite."""

from __future__ import annotations

from citedqa.models import Answer, RetrievedChunk
from service.answerers import Answerer
from service.citing import Citer
from service.retrieval import Retriever


class QAService:
    """Answers questions from the collection, with verified citations or a refusal."""

    def __init__(self, retriever: Retriever, answerer: Answerer, citer: Citer) -> None:
        self.retriever = retriever
        self.answerer = answerer
        self.citer = citer

    def retrieve(self, question: str, top_k: int) -> list[RetrievedChunk]:
        """The evidence the answerer would see."""
        return self.retriever.retrieve(question, top_k).chunks

    def answer(self, question: str, top_k: int) -> Answer:
        """A cited answer, or the refusal when the evidence does not answer."""
        evidence = self.retriever.retrieve(question, top_k)
        return self.citer.finalize(self.answerer.draft(evidence))
