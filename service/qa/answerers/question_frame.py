"""What a question asks for: the kind of answer, and the focus a sentence must hold.

The answerer refuses unless one sentence holds both (the issue's rule, which a reader
applies too): "What is the population of North Korea?" is not answered by a sentence about
North Korea without "population"; "When did they meet?" is not answered by a sentence
without a time in it.

- `kind`: person, place, time, quantity or reason from the wh-word ("who", "where", "how
  many"), or from the asked class ("which year" is a time, "which country" a place). A
  class with no known type ("what floor", "which program") makes kind "class": the
  sentence must then name the class itself.
- `required`: stems of the question's common nouns and the adjectives and ranks that narrow
  them, its non-light verbs when it has no noun, and its main verb when it asks for a
  person ("Who [repaired] it?"). The sentence must hold each (a stem or a prefix of at
  least 4 letters: "meet" holds "meeting").
- `names`: stems of proper names, which the answer should mention but may leave to a
  pronoun ("he").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from citedqa.terms import key_terms, stem, stopwords
from service.qa.answerers.language import Parse, Token, wh_position
from service.qa.answerers.roles import Roles, question_roles

Kind = Literal["person", "place", "time", "quantity", "reason", "class", "any"]

# English words that name a type of answer when asked for ("which city"); not tuned to
# a corpus: a general vocabulary of question classes.
_CLASS_KINDS: dict[str, Kind] = {
    **dict.fromkeys(
        "person people man woman leader president minister official spokesman spokeswoman "
        "spokesperson author founder chairman chairwoman director head king queen player "
        "actor actress writer chief ceo manager officer member politician diplomat envoy "
        "ambassador organisation organization company agency group party firm body "
        "institution newspaper channel outlet ministry team country nation".split(),
        "person",
    ),
    **dict.fromkeys(
        "city town region place state province capital location venue site area village "
        "island continent street building room floor address port airport base".split(),
        "place",
    ),
    **dict.fromkeys(
        "year date day month time century decade week hour season period weekday".split(),
        "time",
    ),
    **dict.fromkeys(
        "number amount percentage percent share price cost value sum total figure rate "
        "population size age height length distance volume budget salary fee speed "
        "weight capacity quantity count".split(),
        "quantity",
    ),
}
# "which country" asks for a place, "which country imposed" for an actor: both are kept.
_PLACE_ACTORS = {"country", "nation"}
_KIND_OF = {"kind", "type", "sort", "form", "variety", "category"}
# Classes answered by a rank: "which edition", "what generation" ("the 11th", "fifth").
_ORDINAL_CLASSES = {"edition", "generation", "rank", "ranking", "anniversary", "round"}
_QUANTITY_WH = {
    "many", "much", "long", "far", "old", "often", "big", "large", "tall", "high", "fast", "heavy",
    "wide", "deep",
}  # fmt: skip
# Verbs that shape a question rather than say what it is about.
_LIGHT_VERBS = {
    "be", "do", "have", "get", "happen", "occur", "take", "make", "say", "tell", "mention",
    "report", "state", "describe", "note", "claim", "according", "know", "call", "name",
    "locate", "situate", "base", "see", "find", "go", "come",
}  # fmt: skip
# Adjectives that grade rather than narrow ("the main reason"): a sentence need not say them.
_VAGUE_ADJECTIVES = {
    "main", "major", "new", "old", "big", "small", "other", "same", "different", "many", "much",
    "certain", "such", "own", "few", "several", "first", "last", "next", "previous", "recent",
    "specific", "particular", "exact", "total", "overall", "general", "key", "important",
    "real", "true", "whole", "full", "possible", "likely", "primary", "principal", "actual",
}  # fmt: skip
# Shell nouns (Schmid 2000): they stand for a content the sentence gives in its own words
# ("the most common [reason]" is answered by "the most common problem is ..."), so they are
# never the one term a sentence must hold.
_SHELL_NOUNS = {
    "reason", "cause", "problem", "issue", "purpose", "aim", "goal", "point", "result",
    "effect", "outcome", "difference", "way", "method", "means", "idea", "thing", "matter",
    "question", "answer", "situation", "case", "fact", "role", "step", "option", "advantage",
    "benefit", "risk", "concern", "consequence", "solution", "approach",
}  # fmt: skip
# Words that pick some of a set: "one of [the exports]" asks about the exports.
_PARTITIVES = {"one", "some", "any", "each", "many", "several", "few", "most", "all", "both"}
# Nouns that point at the text rather than at the world ("what does the article say").
_META_NOUNS = {
    "article", "document", "text", "report", "story", "author", "source", "passage", "thing",
    "way", "kind", "type", "sort", "name", "part", "information", "detail", "fact",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class QuestionFrame:
    """What a question asks (see the module docstring)."""

    question: str
    kind: Kind
    wh: str  # the wh-word ("who", "how many", "which", ""), lowercased
    asked_class: str  # stem of the noun in "which N" / "what N", "" when none
    sub: str  # a finer ask: "year", "month", "date", "day", "hour", "money", "ordinal", ...
    required: frozenset[str]  # the sentence must hold these
    context: frozenset[str]  # the sentence's chunk (or title) must hold these: "at [the site]"
    names: frozenset[str]
    persons: tuple[frozenset[str], ...] = ()  # each person named: the passage must name them
    event: frozenset[str] = frozenset()  # the main verb: the passages must mention it
    numbers: frozenset[str] = (
        frozenset()
    )  # "version 0.21", "Resolution 2397": exact, in the passage
    proper: frozenset[str] = frozenset()  # names that are nouns ("Windows"): in the passage
    # The noun asked about ("the [population] of X", "which [engines]") when the answer must
    # say it: the one required term a sentence may never leave out.
    attribute: frozenset[str] = frozenset()
    # Numbers with the word that names them ("version 0.21": ("version", "0.21")).
    numbered: tuple[tuple[str, str], ...] = ()
    plural: bool = False  # "which [exceptions]", "what [themes]": more than one answer is asked
    terms: tuple[str, ...] = ()  # every key term of the question (stems), for coverage
    words: dict[str, str] = field(default_factory=dict)  # stem -> the question's word for it
    roles: Roles = field(
        default_factory=Roles
    )  # who does what to whom, by the question's names (`roles`)

    @property
    def yes_no(self) -> bool:
        return not self.wh


def frame(parse: Parse) -> QuestionFrame:
    """Read the question's parse into a frame."""
    tokens = parse.tokens
    wh_index = wh_position(tokens)
    tokens = _noun_after_wh(tokens, wh_index)
    wh = tokens[wh_index].text.lower() if wh_index >= 0 else ""
    following = tokens[wh_index + 1] if 0 <= wh_index < len(tokens) - 1 else None
    asked = _asked_noun(tokens, wh_index)
    kind, sub = _kind(wh, following, asked, tokens)
    attribute = None
    if kind == "any" and wh in {"what", "which"}:
        # "What is the population of X?": the attribute gives the kind, and stays required.
        attribute = _copular_noun(tokens, wh_index)
        if attribute is not None:
            kind, sub = _kind(wh, following, attribute, tokens)
            kind = "any" if kind == "class" and sub != "name" else kind
    if wh == "how" and following is not None and following.lemma in _QUANTITY_WH:
        wh = f"how {following.lemma}"
    names = _names(tokens)
    excluded = _excluded(tokens, wh_index, asked, kind, sub)
    # A noun in a prepositional phrase sets the scene ("talks [at the cosmodrome]"); the
    # passage must be about it, but the answering sentence may leave it out.
    core = _core(tokens, asked or attribute)
    scene = {i for i, t in enumerate(tokens) if t.dep == "pobj" and i not in core}
    content = {
        i
        for i, t in enumerate(tokens)
        if t.pos == "NOUN" and i not in excluded and t.lemma not in _META_NOUNS and not t.ent
        and not (t.lemma == "place" and tokens[t.head].lemma == "take")  # "take place"
    }  # fmt: skip
    # A noun modifying another ("[logging] level", "[regular expression] flag") narrows it,
    # but texts often drop or vary it: the passage must hold it, the sentence need not.
    compounds = {
        i for i in content if tokens[i].dep == "compound" and tokens[tokens[i].head].pos == "NOUN"
    }
    scene |= compounds
    required = content - scene
    # An adjective narrows its noun ("favourite food", "annual volume"): it is asked too,
    # and so is a rank ("the [first] keeper" is not answered by "the last keeper").
    required |= {
        i
        for i, t in enumerate(tokens)
        if t.pos == "ADJ" and t.dep == "amod" and i not in excluded
        and tokens[t.head].pos == "NOUN"
        and (t.ent == "ORDINAL" or (not t.ent and t.lemma not in _VAGUE_ADJECTIVES))
    }  # fmt: skip
    verbs = {
        i
        for i, t in enumerate(tokens)
        if t.pos == "VERB" and t.lemma not in _LIGHT_VERBS and i not in excluded
    }
    if not wh:  # "Did they sign it?": whether it happened is asked, so every verb is
        required |= verbs
    elif wh == "how" or not required:  # "How did they react?", "When did it open?"
        required |= {i for i in verbs if tokens[i].dep == "ROOT"} or verbs
    # The main verb is the event asked about ("Where was he [born]?"): the passages must
    # mention it, though the answering sentence may word it otherwise ("greeted" for "host");
    # a person is asked for by what they did, so there the sentence must say it.
    event = {i for i in verbs if tokens[i].dep == "ROOT"} - required
    if kind == "person":  # "Who [repaired] the lighthouse?": the doing is who is asked for
        required, event = required | event, set()
    if not required:
        required = {i for i, t in enumerate(tokens) if t.pos == "ADJ" and i not in excluded}
    stems = {i: _stems(tokens[i]) for i in range(len(tokens))}
    stop = stopwords()  # a stop word is never a sentence's key term: never required either
    need = {s for i in required for s in stems[i] if s and s not in names and s not in stop}
    head = asked or attribute
    asked_about = (
        _with_of_complement(tokens, tokens.index(head)) & required
        if head is not None and head.lemma not in _SHELL_NOUNS
        else set()
    )
    return QuestionFrame(
        question=parse.text,
        kind=kind,
        wh=wh,
        asked_class=stem(asked.lemma) if asked is not None else "",
        sub=sub,
        required=frozenset(need),
        context=frozenset(
            s for i in content & scene for s in stems[i] if s and s not in names and s not in need
        ),
        names=names,
        event=frozenset(s for i in event for s in stems[i] if s),
        numbers=frozenset(
            t.text.strip(".,")
            for t in tokens
            if any(ch.isdigit() for ch in t.text) and t.ent != "DATE"
        ),
        proper=frozenset(
            s
            for t in tokens
            if t.pos == "PROPN" and t.ent not in {"NORP", "DATE", "TIME"}
            for s in (stem(p) for p in _parts(t))
            if s and s not in stop
        ),
        persons=tuple(frozenset(key_terms(e.text)) for e in parse.entities if e.label == "PERSON"),
        attribute=frozenset(s for i in asked_about for s in stems[i] if s in need),
        plural=head is not None and head.tag in {"NNS", "NNPS"},
        numbered=tuple(
            (tokens[i - 1].text.lower(), t.text.strip(".,"))
            for i, t in enumerate(tokens)
            if i > 0
            and any(ch.isdigit() for ch in t.text)
            and t.ent != "DATE"
            and tokens[i - 1].text.isalpha()
        ),
        # Surface stems and the lemmas' ("wrote": "write"), as a sentence's terms have both.
        terms=tuple(dict.fromkeys([*key_terms(parse.text), *need])),
        words={s: tokens[i].lemma for i in required | content for s in stems[i] if s},
        roles=question_roles(parse),
    )


def _noun_after_wh(tokens: tuple[Token, ...], wh_index: int) -> tuple[Token, ...]:
    """The small tagger reads a plural noun after "which" as a verb now and then ("Which
    [engines] power ..."); the parse still makes that word the head of "which", so it is
    read as the noun it is."""
    if wh_index < 0 or tokens[wh_index].dep != "det":
        return tokens
    i = tokens[wh_index].head
    if i <= wh_index or tokens[i].pos not in {"AUX", "VERB"}:
        return tokens
    return (*tokens[:i], replace(tokens[i], pos="NOUN", tag="NNS"), *tokens[i + 1 :])


def _names(tokens: tuple[Token, ...]) -> frozenset[str]:
    """Stems of the proper names (and named-entity words) of the question. The count of
    what is asked for ("Which [two] exceptions") is no name: the answer gives the two."""
    stop = stopwords()
    return frozenset(
        stem(p)
        for i, t in enumerate(tokens)
        if t.pos == "PROPN" or (t.ent and t.ent != "ORDINAL" and t.pos in {"NOUN", "ADJ", "NUM"})
        if not (t.pos == "NUM" and i > 0 and tokens[i - 1].tag in {"WDT", "WP"})
        for p in _parts(t)
        if p not in stop
    )


def _stems(token: Token) -> list[str]:
    """Stems of the token's lemma, or of the word itself where the two are one word family
    and differ: the tagger's lemma is sometimes wrong ("uses" -> "us") and a sentence's
    terms are stems of its words. Irregular forms keep the lemma ("wrote" -> "write")."""
    lemmas = [stem(p) for p in _parts(token)]
    word = token.text.lower()
    if len(lemmas) != 1 or not word.isalpha():
        return lemmas
    surface = stem(word)
    same_family = surface.startswith(lemmas[0]) or lemmas[0].startswith(surface)
    return [surface] if surface != lemmas[0] and same_family else lemmas


def _parts(token: Token) -> list[str]:
    return [p for p in token.lemma.replace("’", "'").split("-") if p and p.isalnum()]


def _core(tokens: tuple[Token, ...], asked: Token | None) -> set[int]:
    """The asked noun and the words of its phrase: "which [city]", "the [population] of"."""
    if asked is None:
        return set()
    i = tokens.index(asked)
    out = {i} | {j for j, t in enumerate(tokens) if t.head == i and t.dep in {"compound", "amod"}}
    # "the name [of X's father]": what is named is part of the ask.
    of = {j for j, t in enumerate(tokens) if t.head == i and t.dep == "prep" and t.lemma == "of"}
    return out | {j for j, t in enumerate(tokens) if t.head in of and t.dep == "pobj"}


def _asked_noun(tokens: tuple[Token, ...], wh_index: int) -> Token | None:
    """The noun a "which"/"what"/"how many" phrase asks for: "which [city]", "how many [shells]"."""
    if wh_index < 0:
        return None
    for i, token in enumerate(tokens[wh_index + 1 : wh_index + 6], start=wh_index + 1):
        if token.lemma in _KIND_OF and i + 2 < len(tokens) and tokens[i + 1].lemma == "of":
            # "what kind of [war]": the noun after "of" is the class asked for
            return _asked_noun(tokens, i + 1) or token
        if token.pos in {"NOUN", "PROPN"} and token.dep != "compound":
            return token
        if token.pos in {"NOUN", "PROPN"}:
            continue
        if token.pos not in {"ADJ", "ADV", "DET", "NUM", "COMPOUND"} and token.dep != "amod":
            return None
    return None


def _copular_noun(tokens: tuple[Token, ...], wh_index: int) -> Token | None:
    """The noun "what is the N of ..." asks about; in "what is one of the Ns", the Ns. The
    subject of another verb is not asked about ("What did the ministers say?")."""
    for i, token in enumerate(tokens[wh_index + 1 :], start=wh_index + 1):
        if token.dep not in {"nsubj", "attr", "nsubjpass"}:
            continue
        if token.dep == "nsubj" and tokens[token.head].lemma != "be":
            continue  # "What did [the ministers] say?" asks what was said, not about them
        if token.pos == "NOUN":
            return token
        if token.lemma.lower() in _PARTITIVES:
            of = [j for j, t in enumerate(tokens) if t.head == i and t.lemma == "of"]
            return next(
                (t for t in tokens if t.head in of and t.dep == "pobj" and t.pos == "NOUN"), None
            )
    return None


def _kind(
    wh: str, following: Token | None, asked: Token | None, tokens: tuple[Token, ...]
) -> tuple[Kind, str]:
    if wh in {"who", "whom", "whose"}:
        return "person", ""
    if wh == "where":
        return "place", ""
    if wh == "when":
        return "time", ""
    if wh == "why":
        return "reason", ""
    if wh == "how" and following is not None and following.lemma in _QUANTITY_WH:
        money = following.lemma == "much" and any(
            t.lemma in {"cost", "pay", "price", "spend", "worth", "charge", "earn", "sell", "buy"}
            for t in tokens
        )
        return "quantity", "money" if money else ""
    if any(t.lemma == "rank" for t in tokens) or (
        wh in {"what", "which"} and asked is not None and asked.lemma in _ORDINAL_CLASSES
    ):
        return "quantity", "ordinal"
    if wh in {"what", "which"} and asked is not None:
        lemma = asked.lemma
        kind = _CLASS_KINDS.get(lemma)
        if kind == "time":
            return "time", lemma if lemma in {"year", "month", "date", "day", "hour"} else ""
        if kind == "quantity":
            return "quantity", "money" if lemma in {"price", "cost", "fee", "salary"} else ""
        if lemma == "name":
            return "person", "name"
        if kind == "person" and lemma in _PLACE_ACTORS:
            return "person", "country"
        if kind is not None:
            return kind, ""
        return "class", ""
    return "any", ""


_MODIFIERS = {"amod", "compound", "nummod"}


def _excluded(
    tokens: tuple[Token, ...], wh_index: int, asked: Token | None, kind: Kind, sub: str
) -> set[int]:
    """Tokens that need not appear in the answer: the wh-phrase's typed class noun and its
    modifiers ("which [foreign leader]" is answered by a name)."""
    out = set()
    lemma = asked.lemma if asked else ""
    # "How many [shells]": what is counted must be there; "which [edition]": a rank answers.
    counted = kind == "quantity" and sub != "ordinal" and _CLASS_KINDS.get(lemma) is None
    if asked is not None and kind not in {"class", "any"} and not counted:
        i = tokens.index(asked)
        out |= {i} | {j for j, t in enumerate(tokens) if t.head == i and t.dep in _MODIFIERS}
    if wh_index >= 0:
        out.add(wh_index)
    return out


def _with_of_complement(tokens: Sequence[Token], head: int) -> set[int]:
    """The asked noun and the noun its "of" completes it with: "the most common form [of]
    Norman art" is not answered by "the most common form of pitch representation", so the
    art is held to as the form is. Only a common noun: a name ("the range of the Su-57")
    may be left to "its" in the answering sentence."""
    of = {i for i, t in enumerate(tokens) if t.head == head and t.dep == "prep" and t.lemma == "of"}
    return {head} | {
        i
        for i, t in enumerate(tokens)
        if t.head in of and t.dep == "pobj" and t.pos == "NOUN" and t.text.isalpha()
        and t.text.islower()
    }  # fmt: skip
