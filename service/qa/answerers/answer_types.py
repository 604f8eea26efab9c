"""Where a sentence holds an answer of the kind a question asks for.

An answer is new to the question: in "Who did Putin meet?", "Putin" answers nothing. The
spans come from spaCy's entities (OntoNotes labels), taken by family because the small
model's labels are noisy (it tags a cosmodrome ORG and a city PERSON now and then), and
from patterns for what its tagger misses: plural weekdays ("on Mondays"), clock times,
places named by a common noun ("on the fourth floor"), and the markers of a reason.
"""

from __future__ import annotations

import re

from citedqa.terms import key_terms, stopwords
from service.qa.answerers.language import Entity
from service.qa.answerers.question_frame import QuestionFrame

Span = tuple[int, int]

_LABELS = {
    "person": {"PERSON", "ORG", "NORP"},
    "place": {"GPE", "LOC", "FAC", "ORG"},
    "time": {"DATE", "TIME"},
    "quantity": {"CARDINAL", "QUANTITY", "MONEY", "PERCENT"},
}
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)days?"
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?"
)
_TIME_PATTERNS = {
    "year": re.compile(r"\b(?:1[0-9]\d\d|20\d\d)s?\b"),
    "month": re.compile(rf"\b{_MONTH}\b", re.IGNORECASE),
    "date": re.compile(
        rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}|\b{_MONTH}\s+\d{{1,2}}\b"
        r"|\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b",
        re.IGNORECASE,
    ),
    "day": re.compile(
        rf"\b{_WEEKDAY}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}|\b{_MONTH}\s+\d{{1,2}}\b",
        re.IGNORECASE,
    ),
    "hour": re.compile(r"\b\d{1,2}(?:[:.]\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)|\b\d{1,2}:\d{2}\b", re.I),
}
_ANY_TIME = re.compile(
    rf"\b{_WEEKDAY}\b|\b{_MONTH}\s+\d|\b\d{{1,2}}:\d{{2}}\b|\b\d{{1,2}}\s*(?:am|pm)\b"
    r"|\b(?:daily|weekly|monthly|yearly|annually|every\s+\w+|each\s+(?:day|week|month|year))\b"
    r"|\b(?:1[0-9]\d\d|20\d\d)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"[$€£¥]\s?\d[\d,.]*|\b\d[\d,.]*\b(?:\s*(?:%|percent|per cent))?"
    r"|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty"
    r"|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|trillion|dozens?|half)\b",
    re.IGNORECASE,
)
_MONEY = re.compile(
    r"[$€£¥]\s?\d|\b\d[\d,.]*\s*(?:dollars?|euros?|pounds?|yen|yuan|rubles?|roubles?|won|cents?)\b"
    r"|\b(?:usd|eur|gbp)\b",
    re.IGNORECASE,
)
_PLACE_NOUNS = (
    r"floor|room|building|office|hall|street|road|avenue|square|city|town|village|region|"
    r"province|country|island|coast|border|port|airport|station|base|centre|center|campus|"
    r"headquarters|district|state|capital|embassy|factory|plant|school|hospital"
)
_PLACE_PHRASE = re.compile(
    r"\b(?:in|at|on|near|inside|outside|behind|beside|opposite|within|next to|from)\s+"
    rf"(?:the\s+|a\s+|an\s+)?(?:[\w’'-]+\s+){{0,3}}?(?:{_PLACE_NOUNS})s?\b",
    re.IGNORECASE,
)
_REASON = re.compile(
    r"\b(?:because|due to|owing to|thanks to|as a result of|result of|in response to|"
    r"in order to|so that|so as to|aimed at|designed to|intended to|caused by|for fear|"
    r"in protest|reason|since|amid|over concerns?)\b",
    re.IGNORECASE,
)
_CLASS_WORD = re.compile(r"[\w’'-]+")
# Two to four capitalised words, or words in capitals ("Photo: EFE/ MIKHAIL METZEL").
_CAPITALISED = re.compile(
    r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+){1,3}\b|\b[A-Z]{2,}(?:[ -][A-Z]{2,}){1,3}\b"
)
_ORDINAL = re.compile(
    r"\b\d+(?:st|nd|rd|th)\b|\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|"
    r"tenth|eleventh|twelfth|twentieth|thirtieth|hundredth|last)\b",
    re.IGNORECASE,
)
_UNIT = (
    r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|months?|years?|decades?|centuries|"
    r"century)"
)
_DURATION = re.compile(
    rf"\b(?:\d[\d,.]*|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    rf"twenty|thirty|forty|fifty|sixty|several|a few|many|half an?)[\s-]+{_UNIT}\b",
    re.IGNORECASE,
)
_FREQUENCY = re.compile(
    r"\b(?:daily|weekly|monthly|yearly|annually|hourly|once|twice|every\s+\w+|each\s+\w+|"
    r"\w+\s+times\s+(?:a|an|per|each)\s+\w+|(?:a|per)\s+(?:day|week|month|year))\b",
    re.IGNORECASE,
)
_MEASURE = re.compile(
    r"\b\d[\d,.]*\s*(?:-\s*)?(?:km/h|kph|mph|knots?|m/s|(?:kilo|centi|milli)?met(?:er|re)s?|km|cm|mm|"
    r"miles?|feet|foot|ft|inch(?:es)?|yards?|(?:kilo)?grams?|kg|tons?|tonnes?|pounds?|lbs?|"
    r"litres?|liters?|square\s+\w+|hectares?|acres?)(?:\s+(?:per|an|a)\s+hour)?",
    re.IGNORECASE,
)
_MEASURED = {"how far", "how tall", "how high", "how big", "how large", "how fast", "how heavy",
             "how wide", "how deep"}  # fmt: skip
# A number that is part of a name ("Su-57", "Rossia-1", "G20") is no quantity.
_IN_NAME = re.compile(r"[A-Za-z]-?$")


def answer_spans(
    text: str, entities: tuple[Entity, ...], frame: QuestionFrame
) -> list[Span] | None:
    """Spans of `text` (offsets into it) that answer the frame's kind; None when any
    sentence holding the focus answers (no kind asked)."""
    kind = frame.kind
    if kind == "any":
        return None
    if kind == "reason":
        return [m.span() for m in _REASON.finditer(text)]
    if kind == "class":
        return _class_spans(text, frame) + _literals(text, frame)
    given = set(frame.terms) | frame.names
    spans = [
        (e.start, e.end)
        for e in entities
        if _fits(e, frame) and not _given(e.text, given) and not _same_entity(e, frame.names)
    ]
    spans += [m.span() for m in _patterns(frame).finditer(text) if not _given(m.group(), given)]
    if kind == "person" and frame.sub == "name":
        spans += _literals(text, frame)
    if kind == "person":
        spans += _titled(text, frame, given)
    if kind == "person" and not spans:
        # The small model misses names in bylines and lists ("Editor: Pablo Galindo Salgado"):
        # two to four capitalised words, none of them the question's, stand in.
        tagged = [(e.start, e.end) for e in entities]  # a place or a date is no name
        spans = [
            m.span()
            for m in _CAPITALISED.finditer(text)
            if not _given(m.group(), given)
            and not any(_stem_in(t, frame.names) for t in key_terms(m.group()))
            and not any(s < m.end() and m.start() < e for s, e in tagged)
        ]
    if kind == "quantity":
        spans = [s for s in spans if _quantity(text, s, frame)]
    return sorted(set(spans))


def _quantity(text: str, span: Span, frame: QuestionFrame) -> bool:
    """A span that can state the asked amount: not a number inside a name, not "one of",
    a duration for "how long", an age for "how old", a frequency for "how often"."""
    start, end = span
    piece = text[start:end]
    if _in_name(text, start, end):
        return False
    if piece.lower() == "one" and text[end : end + 4].lower() == " of ":
        return False
    around = text[start : end + 24]
    if frame.sub == "money":
        return bool(_MONEY.search(text[start : end + 12]))
    if frame.wh in {"how long", "how old"}:
        return bool(_DURATION.match(around) or _DURATION.search(piece))
    if frame.wh == "how often":
        return bool(_FREQUENCY.search(piece))
    if frame.wh in _MEASURED:
        return bool(_MEASURE.match(around))
    return True


_NAME_BEFORE = re.compile(r"\b([A-Z][\w-]*)\s+$")
_OPENING = re.compile(r"(?:^|[.!?:;\"“(])\s*$")


def _in_name(text: str, start: int, end: int) -> bool:
    """The span is part of a name: glued to letters ("Su-57", "G20"), or a number right
    after a capitalised word inside a sentence ("the Superjet 100", "Resolution 2397"); a
    month before it makes a date, and a capitalised word opening the sentence ("About 500
    ...") is no name."""
    if _IN_NAME.search(text[max(0, start - 2) : start]) or text[end : end + 1].isalpha():
        return True
    if not text[start : start + 1].isdigit():
        return False  # "the Su-57 [fifth]-generation fighter": a rank, not a model number
    found = _NAME_BEFORE.search(text, max(0, start - 40), start)
    if found is None or _OPENING.search(text, 0, found.start()):
        return False
    word = found.group(1)
    return not re.fullmatch(_MONTH, word, re.IGNORECASE) and word.lower() not in stopwords()


def _fits(entity: Entity, frame: QuestionFrame) -> bool:
    if frame.kind == "person" and frame.sub == "name":
        return entity.label not in _LABELS["time"] | _LABELS["quantity"] | {"ORDINAL"}
    if frame.kind == "person" and frame.sub == "country":
        return entity.label in {"GPE", "NORP", "ORG"}
    if frame.kind == "time" and frame.sub:
        return bool(_TIME_PATTERNS[frame.sub].search(entity.text)) or (
            frame.sub == "day" and entity.label == "DATE"
        )
    if frame.kind == "quantity" and frame.sub == "ordinal":
        return entity.label == "ORDINAL"
    if frame.kind == "quantity" and frame.wh in {"how long", "how old", "how often"}:
        return entity.label in _LABELS["quantity"] | _LABELS["time"]
    return entity.label in _LABELS[frame.kind]


def _patterns(frame: QuestionFrame) -> re.Pattern[str]:
    if frame.kind == "time":
        return _TIME_PATTERNS.get(frame.sub, _ANY_TIME)
    if frame.kind == "quantity" and frame.sub == "ordinal":
        return _ORDINAL
    if frame.kind == "quantity" and frame.wh == "how often":
        return _FREQUENCY
    if frame.kind == "quantity" and frame.wh in {"how long", "how old"}:
        return _DURATION
    if frame.kind == "quantity":
        return _NUMBER
    if frame.kind == "place":
        return _PLACE_PHRASE
    return _NEVER


_NEVER = re.compile(r"(?!x)x")


_TITLE_AND_NAME = re.compile(r"\b([a-z][\w’'-]*)\s+([A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,3})")


def _titled(text: str, frame: QuestionFrame, given: set[str]) -> list[Span]:
    """A name right after the noun asked about: "his fiancée [Berengaria]", "the spokesman
    [Dmitry Peskov]". The noun says what the name is, whatever label the tagger gave it
    (it read "Berengaria" as a country)."""
    return [
        m.span(2)
        for m in _TITLE_AND_NAME.finditer(text)
        if any(_stem_in(t, frame.required) for t in key_terms(m.group(1)))
        and not _given(m.group(2), given)
    ]


def _given(text: str, question_terms: set[str]) -> bool:
    """True when the span only repeats the question (or has no content word)."""
    terms = key_terms(text)
    return all(_stem_in(t, question_terms) for t in terms)


def _stem_in(term: str, stems: set[str] | frozenset[str]) -> bool:
    """Exactly, or by a shared prefix of 4+ letters ("russian" and "russia")."""
    return term in stems or (
        len(term) >= 4
        and any(len(s) >= 4 and (s.startswith(term) or term.startswith(s)) for s in stems)
    )


def _same_entity(entity: Entity, names: frozenset[str]) -> bool:
    """A name sharing a word with a name of the question is that one: "Sergey Shoigu" does
    not answer "Who replaced Shoigu?"."""
    return entity.label in {"PERSON", "ORG", "GPE", "FAC", "LOC"} and any(
        _stem_in(t, names) for t in key_terms(entity.text)
    )


_LITERAL = re.compile(r"`[^`\n]{1,60}`|\b[A-Z][a-z]+[A-Z]\w*\b")


def _literals(text: str, frame: QuestionFrame) -> list[Span]:
    """Code and CamelCase names the question does not hold (`.venv`, `SystemExit`): what
    technical documents name things with."""
    given = set(frame.terms) | frame.names
    return [m.span() for m in _LITERAL.finditer(text) if not _given(m.group().strip("`"), given)]


def _class_spans(text: str, frame: QuestionFrame) -> list[Span]:
    """The asked class named with something the question does not say: "the [60 Minutes]
    program", "on the [fourth] floor"."""
    given = set(frame.terms) | frame.names
    words = list(_CLASS_WORD.finditer(text))
    out = []
    for i, word in enumerate(words):
        if not key_terms(word.group()) or key_terms(word.group())[0] != frame.asked_class:
            continue
        window = words[max(0, i - 4) : i + 4]
        fresh = [w for w in window if w is not word and not _given(w.group(), given)]
        if fresh:
            held = [*fresh, word]
            out.append((min(w.start() for w in held), max(w.end() for w in held)))
    return out
