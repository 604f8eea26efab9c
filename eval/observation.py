"""What the service returned for one question: the raw material the metrics score."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Citation:
    """One citation of a /v1/query answer."""

    doc_id: str
    title: str
    chunk_id: str
    quote: str
    start: int
    end: int
    score: float | None = None

    @classmethod
    def from_json(cls, raw: Any) -> Citation:
        """Build from the service's JSON; raise ValueError when malformed."""
        if not isinstance(raw, dict):
            raise ValueError("citation is not an object")
        try:
            start, end = raw["start"], raw["end"]
            if not isinstance(start, int) or not isinstance(end, int):
                raise ValueError("citation start/end must be integers")
            score = raw.get("score")
            return cls(
                doc_id=str(raw["doc_id"]),
                title=str(raw.get("title", "")),
                chunk_id=str(raw.get("chunk_id", "")),
                quote=str(raw["quote"]),
                start=start,
                end=end,
                score=float(score) if isinstance(score, int | float) else None,
            )
        except KeyError as exc:
            raise ValueError(f"citation lacks {exc.args[0]!r}") from None

    def to_json(self) -> dict[str, Any]:
        """Plain-dict form for the report."""
        return asdict(self)


@dataclass(frozen=True)
class Observation:
    """The service's behaviour on one question. ``error`` is set when a request failed."""

    answer: str = ""
    refused: bool = False
    citations: tuple[Citation, ...] = ()
    retrieved_doc_ids: tuple[str, ...] = ()
    latency_ms: float | None = None
    error: str | None = None
