"""A second retrieval round for the second hop of a multi-hop question.

"Who was the first president of the association which published the Journal of
Psychotherapy Integration?" names the journal, not the association: the passage that holds
the answer is about an entity (the bridge, "American Psychological Association") that only
the first-hop passage names, so neither the question's vector nor its words find it. The
first round finds the first hop well; each of its best passages then seeds a second search
for what the passage has not answered yet: the question's words it does not hold ("first
president") and the names it adds (the bridge is among them). A passage that second search
finds is placed right after its seed, and the next ones further down (`merge_hops`): a
question that needed one passage keeps its first round at the top, and one that needs two
gets the second within the first few.

Names are the capitalised words inside a sentence (`citedqa.terms.capitalised_words`, the
project's one rule for them): spaCy's entity tagger would be more exact, but costs about
4 ms a sentence, several times the whole search; the searches weigh an odd capitalised
common word down anyway.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

from citedqa.languages import ENGLISH
from citedqa.models import chunk_version
from citedqa.terms import capitalised_words, key_terms

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")

Ranking = list[tuple[str, float]]


def bridge_query(
    question: str, seed_text: str, max_names: int, language: str = ENGLISH
) -> str | None:
    """The question's words the seed does not hold, then the first `max_names` names of the
    seed that the question lacks (words compared as key terms, so "Beatles'" is "Beatles");
    None when the seed adds no name, and a second search would only repeat the first."""
    asked = set(key_terms(question, language))
    answered, names = _seed_words(seed_text, language)
    added: list[str] = []
    seen: set[str] = set()
    for name, name_terms in names:
        terms = [t for t in name_terms if t not in asked and t not in seen]
        if not terms:
            continue
        seen.update(terms)
        added.append(name)
        if len(added) == max_names:
            break
    if not added:
        return None
    open_words = [
        w for w in _WORD.findall(question) if not answered.intersection(key_terms(w, language))
    ]
    return " ".join([*open_words, *added])


@lru_cache(maxsize=512)  # the best passages come back as seeds question after question
def _seed_words(
    seed_text: str, language: str
) -> tuple[frozenset[str], tuple[tuple[str, tuple[str, ...]], ...]]:
    """A seed's key terms, and its names each with theirs: what `bridge_query` reads of a
    seed whatever the question. Reading them again for each question (two seeds a hybrid
    search, a whole chunk each) was most of the second round's Python time."""
    names = tuple((name, tuple(key_terms(name, language))) for name in capitalised_words(seed_text))
    return frozenset(key_terms(seed_text, language)), names


def merge_hops(
    first: Ranking, hops: Mapping[str, Sequence[tuple[str, float]]], gap: int
) -> Ranking:
    """The first round with each seed's second-hop hits (`hops`: seed chunk id -> ranking)
    placed after it: the best at the seed's position + 0.5, the next `gap` places further
    each. Chunks of the seed's own document are skipped (the seed already stands for it), and
    so is a chunk already placed above the place it would get: it keeps its place and leaves
    the slot to the next hit (when the hop's best hit was the first round's second chunk, a
    slot spent on it promoted nothing: multihop dev answer_at_5 0.698 -> 0.708, test 0.663
    both, over one persisted store).

    A chunk keeps its first-round score at its own place; one placed between two places
    gets the mean of their scores, so the scores still descend.
    """
    place = {cid: float(i) for i, (cid, _) in enumerate(first)}
    for seed, ranking in hops.items():
        if seed not in place:
            continue
        seed_doc = chunk_version(seed)[0]
        slot = place[seed] + 0.5
        for cid, _ in ranking:
            if chunk_version(cid)[0] == seed_doc or place.get(cid, math.inf) < slot:
                continue
            place[cid] = slot
            slot += gap
    scores = [score for _, score in first]
    merged = []
    for cid in sorted(place, key=place.__getitem__):  # stable: ties keep first-round order
        at = place[cid]
        low = min(math.floor(at), len(scores) - 1)
        high = min(math.ceil(at), len(scores) - 1)
        merged.append((cid, (scores[low] + scores[high]) / 2))
    return merged
