"""The default answerer: offline and deterministic, it quotes the evidence itself.

A question is answered only by a sentence holding both what it asks about (its focus) and
an answer of the asked kind (a place for "where", a time for "when": see `question_frame`
and `answer_types`); otherwise it refuses and says which of the two was missing. Among the
sentences that qualify, it prefers the one most similar to the question (its vector was
pooled in its chunk's context at ingest), holding most of the question's key terms (rare
ones weigh more) in a chunk retrieval ranked high. The answer is the shortest part of that
sentence that keeps the answer and the question's terms (`clauses`), quoted verbatim.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from citedqa.models import RetrievedChunk
from citedqa.terms import key_terms
from service.qa.answerers.answer_types import answer_spans
from service.qa.answerers.clauses import shortest_window
from service.qa.answerers.language import Linguist
from service.qa.answerers.question_frame import QuestionFrame, frame
from service.qa.answerers.roles import conflicts
from service.qa.answerers.sentences import evidence_sentences, sentence_terms
from service.qa.evidence import Claim, Draft, Evidence, Quote, RefusalReason

Span = tuple[int, int]
_MIN_PREFIX = 4  # "meet" holds "meeting"; shorter stems must match exactly
_TAGGED = 6  # sentences holding the focus whose entities are tagged (4 ms each, cached)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence of the evidence with its scores."""

    chunk: RetrievedChunk
    start: int
    end: int
    text: str
    terms: frozenset[str]
    similarity: float
    hits: dict[str, float]  # question terms it holds -> their share of the question's weight

    @property
    def coverage(self) -> float:
        return sum(self.hits.values())

    @property
    def score(self) -> float:
        return self.similarity + 0.5 * self.coverage + 0.25 * self.chunk.score


def holds(term: str, have: frozenset[str] | set[str]) -> bool:
    """A stem is held by a set of stems exactly, or by a shared prefix of 4+ letters; stems
    with digits only exactly ("debconf21" is not "debconf14", "su57" not "su35").

    By set look-ups, not by comparing the term with each stem: a stem of `have` that begins
    the term is one of the term's own prefixes, and one that the term begins has the term
    among its prefixes (kept per set of stems). Comparing each pair took a sixth of an
    extractive answer's time (1.2 million comparisons for 400 questions)."""
    if term in have:
        return True
    if len(term) < _MIN_PREFIX or not term.isalpha():
        return False
    if any(term[:i] in have for i in range(_MIN_PREFIX, len(term))):
        return True
    if isinstance(have, frozenset) and len(have) <= _INDEXED:
        return term in _prefixes(have)
    return any(h.startswith(term) and h.isalpha() for h in have)


_INDEXED = 64  # a sentence's stems; a passage's or a document's are scanned (used less)


# A sentence's stems come back for each of the question's terms (most hits: 97% for 800
# questions); 4,096 sets (about 5 kB each) added 20 MB to the service, so only the last few.
@lru_cache(maxsize=256)
def _prefixes(have: frozenset[str]) -> frozenset[str]:
    """The prefixes of 4+ letters of each all-letter stem, shorter than the stem."""
    return frozenset(h[:i] for h in have if h.isalpha() for i in range(_MIN_PREFIX, len(h)))


class ExtractiveAnswerer:
    """Answers with the part of an evidence sentence that answers the question."""

    name = "extractive"
    model = "extractive-v2"
    max_claims = 2

    def __init__(
        self,
        linguist: Linguist,
        min_evidence_score: float,
        min_sentence_score: float,
        evidence_pool: int = 10,
    ) -> None:
        self.linguist = linguist
        # The sentence that answers is often outside the top few chunks (a chunk is ranked
        # by all its sentences), so sentences are read from a wider pool.
        self.evidence_pool = evidence_pool
        self.min_evidence_score = min_evidence_score
        self.min_sentence_score = min_sentence_score

    def frame(self, question: str) -> QuestionFrame:
        return frame(self.linguist.parse(question))

    def prepare(self, questions: Sequence[str]) -> None:
        """Parse a batch's questions in one pass; `draft` then finds them in the cache."""
        parse_ahead(self.linguist, questions)

    def candidates(self, evidence: Evidence, asked: QuestionFrame) -> list[Candidate]:
        """Every distinct sentence of the evidence, best first."""
        question_terms = set(asked.terms)
        raw = evidence_sentences(evidence)
        weights = _weights(question_terms, asked, [terms for *_, terms, _ in raw])
        total = sum(weights.values()) or 1.0
        out = [
            Candidate(
                chunk=chunk,
                start=start,
                end=end,
                text=text,
                terms=terms,
                similarity=float(vector @ evidence.vector),
                hits={t: w / total for t, w in weights.items() if holds(t, terms)},
            )
            for chunk, start, end, text, terms, vector in raw
            if terms - question_terms and not _HEADING.match(text.strip())
        ]
        return sorted(out, key=lambda c: c.score, reverse=True)

    def draft(self, evidence: Evidence) -> Draft:
        if not enough_evidence(evidence, self.min_evidence_score):
            return self._refuse("no_evidence")
        parts = [self.frame(part) for part in question_parts(evidence.question)]
        claims: list[Claim] = []
        reasons: list[RefusalReason] = []
        for asked in parts:
            # A second sentence only when more than one thing is asked ("which exceptions"):
            # otherwise it is the runner-up, which seldom says the fact again.
            many = len(parts) == 1 and asked.plural
            found = self._answer(evidence, asked, self.max_claims if many else 1)
            if isinstance(found, str):
                reasons.append(found)
            else:
                claims += [c for c in found if c.text not in {k.text for k in claims}]
        if not claims:
            return self._refuse(
                "no_answer_of_type" if "no_answer_of_type" in reasons else reasons[0]
            )
        return Draft(claims, self.name, self.model)

    def _answer(
        self, evidence: Evidence, asked: QuestionFrame, max_claims: int
    ) -> list[Claim] | RefusalReason:
        """Claims answering one question (or one part of a question), or why there are none.

        The focus is matched word for word (stems, prefixes, irregular verbs): matching it in
        other words (MiniLM word vectors, `synonyms`) fixed as many dev questions as it broke
        ("foreign" ~ "international", "president" ~ "administration"), so it is left to the
        LLM path, where it only decides whether the LLM is asked."""
        scenes = {c.chunk_id: sentence_terms(f"{c.title}\n{c.text}") for c in evidence.chunks}
        pool = frozenset().union(*scenes.values())
        if not all(holds(t, pool) for t in asked.event):
            return "focus_not_found"  # no passage mentions the event asked about
        ranked = [c for c in self.candidates(evidence, asked) if c.score >= self.min_sentence_score]
        documents: dict[str, frozenset[str]] = {}
        for chunk in evidence.chunks:
            documents[chunk.doc_id] = (
                documents.get(chunk.doc_id, frozenset()) | scenes[chunk.chunk_id]
            )
        focused = [
            c
            for c in ranked
            if _holds_focus(c, asked, scenes[c.chunk.chunk_id], documents[c.chunk.doc_id])
        ]
        answers = self._typed(focused, asked)
        if not answers:
            return "no_answer_of_type" if focused else "focus_not_found"
        claims: list[Claim] = []
        covered: set[str] = set()
        for cand, spans in answers:
            if len(claims) >= max_claims:
                break
            gain = sum(w for t, w in cand.hits.items() if t not in covered)
            if claims and gain < 0.15:
                continue
            if asked.roles.may_conflict(cand.text) and conflicts(
                asked.roles, self.linguist.parse_sentence(cand.text)
            ):
                # "Who did X swear fealty to?" is not answered by "... swore to X"; when the
                # best sentence says so, the runners-up (worse matches) are no answer either.
                if not claims:
                    break
                continue
            start, end = _window(cand, spans, asked)
            text = cand.text[start:end]
            claims.append(
                Claim(
                    _sentence_case(text), [Quote(cand.chunk, cand.start + start, cand.start + end)]
                )
            )
            covered |= set(cand.hits)
        return claims or "focus_not_found"  # each gave the question's names other roles

    def _typed(
        self, focused: list[Candidate], asked: QuestionFrame
    ) -> list[tuple[Candidate, list[Span] | None]]:
        """The best sentences holding an answer of the asked kind near the focus."""
        top = focused[:_TAGGED]

        # Patterns first (a number, a date, a reason, the asked class); the tagger (4 ms a
        # sentence) only for the sentences that still need an entity.
        def near(cand: Candidate, spans: list[Span] | None) -> list[Span] | None:
            return None if spans is None else _near(cand.text, spans, asked.required)

        named = asked.kind in {"person", "place"}  # answered by entities: always tagged
        found = {} if named else {id(c): near(c, answer_spans(c.text, (), asked)) for c in top}
        if named or asked.kind in {"time", "quantity"}:
            untagged = [c for c in top if named or not found[id(c)]]
            for cand, entities in zip(
                untagged, self.linguist.entities([c.text for c in untagged]), strict=True
            ):
                found[id(cand)] = near(cand, answer_spans(cand.text, entities, asked))
        return [(c, found[id(c)]) for c in top if found[id(c)] is None or found[id(c)]]

    def _refuse(self, reason: RefusalReason) -> Draft:
        return Draft([], self.name, self.model, refusal_reason=reason)


_PART_BREAK = re.compile(
    r"(?:[,;]\s*(?:and\s+|but\s+)?|\s+and\s+|\s+but\s+)"
    r"(?=(?:what|which|who|whom|whose|where|when|why|how)\b)",
    re.IGNORECASE,
)


def question_parts(question: str) -> list[str]:
    """A question asking two things, split: "Who guided Kim, and what did he see?" is two
    questions, each answered (or not) on its own. A lead-in before a colon is kept with
    each part as context ("On the sanctions: what did X say, and ...")."""
    lead, _, rest = question.rpartition(":") if ":" in question else ("", "", question)
    pieces = [p.strip(" ,;") for p in _PART_BREAK.split(rest) if p.strip(" ,;?")]
    if len(pieces) < 2 or any(len(p.split()) < 3 for p in pieces):
        return [question]
    return [f"{lead.strip()}: {p}" if lead.strip() else p for p in pieces]


def parse_ahead(linguist: Linguist, questions: Sequence[str]) -> None:
    """Every part of each question parsed, in one pass, into the linguist's cache."""
    linguist.parse_many([part for question in questions for part in question_parts(question)])


def enough_evidence(evidence: Evidence, min_score: float) -> bool:
    """The best passage is about the question: close to it in the embedder's space, or
    saying every key term of it. A short question embeds poorly ("When was the light
    automated?" scored 0.20 against the passage saying so), but a passage holding all its
    words is about it whatever its vector; the focus and answer checks still follow."""
    if not evidence.chunks:
        return False
    top = evidence.chunks[0]
    if top.score >= min_score:
        return True
    terms = set(key_terms(evidence.question))
    have = sentence_terms(f"{top.title}\n{top.text}")
    return bool(terms) and all(holds(t, have) for t in terms)


def _has_number(number: str, text: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(number)}(?![\w]|\.\d)", text) is not None


def _names_another(text: str, label: str, number: str) -> bool:
    """The sentence names another of the asked kind: "Version 0.1" for "version 0.21"."""
    if _has_number(number, text):
        return False
    return re.search(rf"\b{re.escape(label)}s?\s+v?\d", text, re.IGNORECASE) is not None


_HEADING = re.compile(
    r"^[#\s]*(?:[A-Z0-9][\w’'-]*\s*|(?:a|an|the|of|and|or|in|on|to|for|with)\s+){1,8}$"
)


def _holds_focus(
    cand: Candidate, asked: QuestionFrame, scene: frozenset[str], document: frozenset[str]
) -> bool:
    """The sentence holds what is asked; its passage (chunk and title) holds at least half
    of the scene and the names, which the sentence may leave to "he" or "there" and a
    question may put in other words ("the South Korean president" for "Moon"); the numbers
    asked about are in the passage as written, and the names that are nouns ("Windows") are
    in what was retrieved of its document (which need not repeat its topic in every chunk)."""
    missing = sum(not holds(term, cand.terms) for term in asked.required)
    if missing > (
        1 if len(asked.required) >= 3 else 0
    ):  # a long question words one thing otherwise
        return False
    if not all(holds(term, cand.terms) for term in asked.attribute):
        return False  # "the [range] of the Su-57" is not answered by what else it has
    if not all(any(holds(t, scene) for t in person) for person in asked.persons if person):
        return False  # "Which factories did Moon tour?" is not answered about Kim
    if not all(holds(t, scene) for t in asked.names if any(ch.isdigit() for ch in t)):
        return False  # a numbered name is exact: "DebConf21" is not answered about DebConf14
    passage = cand.chunk.text
    if not all(_has_number(n, passage) for n in asked.numbers):
        return False  # "version 0.21" is not answered about version 0.1
    if any(_names_another(cand.text, label, n) for label, n in asked.numbered):
        return False  # nor by a sentence on "Version 0.1" in a passage that has 0.21 too
    if not all(holds(t, document) for t in asked.proper):
        return False  # "on Windows" is not answered about Linux
    setting = asked.context | asked.names
    missing = len(setting) - sum(holds(t, scene) for t in setting)
    # A yes/no question's names are all part of what it asks ("Did Kim meet Shoigu?").
    if missing > (0 if asked.yes_no else max(1, len(setting) // 2)):
        return False
    return bool(asked.required) or not asked.names or any(holds(t, cand.terms) for t in asked.names)


_NEAR_WORDS = 10
_WORDS = re.compile(r"[\w’'-]+")


def _near(
    text: str, spans: list[tuple[int, int]], required: frozenset[str]
) -> list[tuple[int, int]]:
    """The answer spans within a few words of what is asked: in "his father and
    grandfather ... Russia", Russia does not name the father."""
    if not required:
        return spans
    found = list(_WORDS.finditer(text))
    anchors = [
        i for i, w in enumerate(found) if any(holds(t, sentence_terms(w.group())) for t in required)
    ]
    if not anchors:
        return spans

    def index(offset: int) -> int:
        return next((i for i, w in enumerate(found) if w.end() > offset), len(found))

    return [
        s for s in spans
        if min(min(abs(index(s[0]) - a), abs(index(s[1] - 1) - a)) for a in anchors) <= _NEAR_WORDS
    ]  # fmt: skip


def _window(
    cand: Candidate, spans: list[tuple[int, int]] | None, asked: QuestionFrame
) -> tuple[int, int]:
    """The shortest part of the sentence keeping an answer span and the question's terms."""
    # What is asked counts double; a name may be left to the rest of the sentence ("he").
    weights = {
        t: w * (2.0 if t in asked.required else 0.5 if t in asked.names else 1.0)
        for t, w in cand.hits.items()
    }
    total = sum(weights.values()) or 1.0
    question = set(asked.terms) | asked.names

    def value(piece: str) -> float:
        terms = set(sentence_terms(piece))
        kept = sum(w for t, w in weights.items() if holds(t, terms)) / total
        if spans is not None:
            return kept
        fresh = len(terms - question)  # no typed answer: the new words are the answer
        return kept + min(fresh, 8) * 0.04

    held = [t for t in asked.required if holds(t, cand.terms)]

    def keeps_focus(piece: str) -> bool:
        terms = sentence_terms(piece)
        return all(holds(t, terms) for t in held)

    if not spans:
        return shortest_window(cand.text, None, value, valid=keeps_focus)
    windows = [shortest_window(cand.text, span, value, valid=keeps_focus) for span in spans]
    return max(windows, key=lambda w: value(cand.text[w[0] : w[1]]) - 0.006 * (w[1] - w[0]) / 6)


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def _weights(
    question_terms: set[str], asked: QuestionFrame, sentence_terms: list[frozenset[str]]
) -> dict[str, float]:
    """Inverse frequency among the candidates: a term every sentence has says little."""
    df = Counter(t for terms in sentence_terms for t in terms & question_terms)
    n = len(sentence_terms)
    return {t: math.log(1.0 + (n + 1) / (df[t] + 1)) for t in question_terms | asked.names}
