"""Whether a sentence gives a question's names the other role: who did what to whom.

A sentence can hold every word of a question and still answer another one. "Who did King
Charles III swear fealty to?" is not answered by "Rollo agreed to swear fealty to King
Charles III": there Charles is the one sworn to, not the one swearing, and the question's
answer is not in the text. Such near misses are the hardest unanswerable questions (most of
SQuAD 2.0's adversarial ones are built this way: swapped roles, another possessor), and
term overlap, sentence vectors and answer types all let them through.

The check compares the role of each name of the question (doer or done-to of the verb the
question and the sentence share) with its role in the sentence:

- in the question, the role is read from word order, as the small parser mis-parses
  do-support questions ("Who did X swear ... to?" gives X as an object of "did"): a name
  between "did"/"does"/"do" and the verb is its doer; a name right after the verb of a
  question without do-support ("Who replaced the Normans?") is its object; "by X" after a
  passive verb is its doer;
- in the sentence (a plain statement, which it parses well) the role is read from the
  dependency parse: subject or agent is the doer; direct, prepositional or passive-subject
  object is the done-to; a coordinated name takes its first conjunct's role, and a
  coordinated verb without a subject of its own its first conjunct's subject ("The Normans
  settled ... and also built castles").

A sentence conflicts when a name has the other role there, or when the question's doer is a
name and the sentence's doer of that verb is a different name ("When did Harold conquer
England?" against "William conquered England, killing Harold"), or the question's object is
a name and the verb's direct object in the sentence is another ("Who defeated Harold?"
against "William defeated Godwin"). Reciprocal verbs ("meet",
"marry") are exempt: who met whom is said either way round. A question's possession is
checked too: "Who was Bohemond's son?" is not answered by "Bohemond, Robert's son" (the son
has another possessor there), nor "the Norman general" by "the Byzantine general". So is the
preposition that ties a name to the verb ("fled to Italy" does not answer "Who fled from
Italy?"), and the verb's polarity (a sentence that denies every use of it, "did not have",
does not answer a question that is not negated itself).

No role is read where the parse gives none: the check only ever removes a sentence on
evidence of the other reading, never for lack of a parse.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from citedqa.irregular import BASE_FORM
from citedqa.terms import stem
from service.qa.answerers.language import Parse, Token, wh_position
from service.qa.answerers.names import (
    alike,
    distinctive,
    is_name,
    name_groups,
    name_heads,
    phrase,
    phrase_head,
)

Role = Literal["doer", "done_to"]

_DO = {"do", "does", "did"}
_BE = {"is", "are", "was", "were", "been", "being", "be"}
# Verbs whose two sides can swap without changing what is said (reciprocal predicates).
_RECIPROCAL = {
    "meet", "marri", "wed", "talk", "negoti", "fight", "battl", "clash", "play", "compet",
    "merg", "partner", "alli", "agre", "sign", "trade", "correspond", "collabor", "cooper",
    "compar", "match", "tie", "draw", "date", "chat", "speak", "argu", "disput", "debat",
}  # fmt: skip
# Verbs said of anyone about anything: their doers are no evidence of another reading.
_LIGHT = {
    "say", "said", "tell", "told", "be", "is", "was", "have", "has", "had", "do", "did", "get",
    "make", "go",
}  # fmt: skip
_NOT_PREDICATES = {"aux", "auxpass", "amod", "compound"}  # "did", "[logging] level"
_WORD = re.compile(r"[A-Za-z]+(?:n't)?")
_NEGATIONS = {"not", "n't", "never", "no", "neither", "nor"}
_SUBJECTS = {"nsubj", "csubj", "expl"}
_OBJECTS = {"dobj", "nsubjpass", "pobj", "dative", "attr", "oprd"}


@dataclass(frozen=True, slots=True)
class NameRole:
    """A name of the question, with its role toward a word of the question (stems)."""

    name: frozenset[str]  # the name's distinctive stems (no titles, no numerals)
    verb: str  # stem of the question's word for the verb
    role: Role


@dataclass(frozen=True, slots=True)
class Possession:
    """ "X's N" in the question: the answer is an N that X has."""

    owner: frozenset[str]
    noun: str  # stem of N


@dataclass(frozen=True, slots=True)
class Place:
    """ "fled [from] Italy": a name tied to the question's verb by a preposition."""

    name: frozenset[str]
    verb: str  # stem
    preposition: str


@dataclass(frozen=True, slots=True)
class Roles:
    """What the question says of who does what (empty when it says nothing checkable)."""

    names: tuple[NameRole, ...] = ()
    possessions: tuple[Possession, ...] = ()
    verbs: frozenset[str] = frozenset()  # stems of the verbs of a question not negated itself
    places: tuple[Place, ...] = ()
    negated: frozenset[str] = frozenset()  # stems of what a negated question denies

    def __bool__(self) -> bool:
        return bool(self.names or self.possessions or self.verbs or self.places or self.negated)

    def may_conflict(self, text: str) -> bool:
        """Whether `conflicts` could find anything in `text` (the question's verb or noun, or
        a negation, is in it): a cheap test that spares most sentences the parse (5 ms)."""
        if not self:
            return False
        words = _WORD.findall(text.lower())
        found = {stem(BASE_FORM.get(w, w)) for w in words}
        negated = any(w in _NEGATIONS or w.endswith("n't") or w == "cannot" for w in words)
        return bool(
            {n.verb for n in self.names} & found
            or {p.noun for p in self.possessions} & found
            or {p.verb for p in self.places} & found
            or (self.verbs and negated)
            or (self.negated & found and not negated)
        )


def question_roles(parse: Parse) -> Roles:
    """The roles a question gives its names (see the module docstring)."""
    tokens = parse.tokens
    wh = wh_position(tokens)
    if wh < 0:
        return Roles()
    groups = name_groups(tokens)
    do = next((i for i in range(wh + 1, min(wh + 4, len(tokens))) if _low(tokens[i]) in _DO), -1)
    out: list[NameRole] = []
    for first, last in groups:
        name = distinctive(tokens[first : last + 1])
        if not name:
            continue
        if last + 1 < len(tokens) and tokens[last + 1].tag == "POS":
            continue  # "When did [Rosa]'s Bakery open?": the bakery opened, not Rosa
        if 0 <= do < first and first - do <= (2 if tokens[do + 1].pos == "DET" else 1):
            # "Who did [X] swear ...": the first content word after the name is its verb.
            verb = next(
                (i for i in range(last + 1, len(tokens)) if tokens[i].pos in {"VERB", "NOUN"}),
                -1,
            )
            if verb >= 0 and not is_name(tokens[verb]):
                out.append(NameRole(name, _stem(tokens[verb]), "doer"))
            continue
        before = first - 2 if first >= 2 and tokens[first - 1].pos == "DET" else first - 1
        if before <= wh:
            continue
        if _low(tokens[before]) == "by" and before - 1 > wh and _passive(tokens, before - 1):
            # "What castles were built by [the Irish]": the agent of a passive is its doer.
            out.append(NameRole(name, _stem(tokens[before - 1]), "doer"))
        elif do < 0 and before == _verb_after(tokens, wh) and not _passive(tokens, before):
            # "Who replaced [the Normans]": the object of a question's subject-asking verb.
            out.append(NameRole(name, _stem(tokens[before]), "done_to"))
    negated = any(_negation(t) for t in tokens)
    verbs = frozenset(
        stem(t.lemma) for t in tokens if _predicate(t) and t.lemma != "be" and not negated
    )  # "be" is left out: "X is not Y but Z" answers "What is X?"
    denied = frozenset(
        stem(tokens[t.head].lemma)
        for i, t in enumerate(tokens)
        if _negation(t) and t.head != i and tokens[t.head].lemma not in _LIGHT
    )  # "never [swallow]": the word the negation hangs on
    return Roles(tuple(out), _possessions(tokens, groups), verbs, _places(tokens, groups), denied)


def conflicts(roles: Roles, sentence: Parse) -> bool:
    """True when the sentence gives a name of the question the other role (at every place
    the sentence uses the verb: "X said ..., Y said" agrees with "What did X say?")."""
    tokens = sentence.tokens
    for asked in roles.names:
        if asked.verb in _RECIPROCAL or asked.verb in _LIGHT:
            continue
        verdicts = [
            _differs(asked, _roles_toward(tokens, v), _direct_objects(tokens, v))
            for v, token in enumerate(tokens)
            if token.pos in {"VERB", "AUX"} and _same_word(token, asked.verb)
        ]
        if verdicts and all(verdicts):
            return True
    if any(_other_owner(tokens, p) for p in roles.possessions):
        return True
    return (
        _opposite(tokens, roles.places)
        or _denied(tokens, roles.verbs)
        or _affirmed(tokens, roles.negated)
    )


_OPPOSITE = {
    frozenset(pair)
    for pair in [("from", "to"), ("from", "into"), ("before", "after"), ("with", "without"),
                 ("for", "against")]
}  # fmt: skip


def _opposite(tokens: Sequence[Token], places: tuple[Place, ...]) -> bool:
    """The sentence ties the name to the verb by the opposite preposition, and never by the
    question's: "Who fled from Italy?" is not answered by "... fled to Italy"."""
    for place in places:
        said = {
            _low(tokens[t.head])
            for i, t in enumerate(tokens)
            if t.dep == "pobj"
            and _same_word(tokens[tokens[t.head].head], place.verb)
            and alike(distinctive(phrase(tokens, i)), place.name)
        }
        if said and all(frozenset((place.preposition, p)) in _OPPOSITE for p in said):
            return True
    return False


def _denied(tokens: Sequence[Token], verbs: frozenset[str]) -> bool:
    """The sentence says the opposite: every use of a verb of the question is negated ("the
    Normans did not have the rich traditions" for "What tradition did the Normans have?")."""
    uses = [v for v, t in enumerate(tokens) if _predicate(t) and stem(t.lemma) in verbs]
    return bool(uses) and all(any(t.head == v and _negation(t) for t in tokens) for v in uses)


def _affirmed(tokens: Sequence[Token], denied: frozenset[str]) -> bool:
    """The sentence says without any negation what a negated question denies: "The logging
    package is designed to swallow exceptions" does not answer "Which exceptions does it
    never swallow?" (a sentence that negates anything is left alone: it may say it)."""
    if not denied or any(_negation(t) for t in tokens):
        return False
    return any(_predicate(t) and stem(t.lemma) in denied for t in tokens)


def _predicate(token: Token) -> bool:
    """A verb that says something ("did" and "[logging] level" do not)."""
    return token.pos in {"VERB", "AUX"} and token.dep not in _NOT_PREDICATES


def _negation(token: Token) -> bool:
    return token.dep == "neg" or _low(token) in _NEGATIONS


def _differs(
    asked: NameRole, said: list[tuple[frozenset[str], Role]], objects: list[frozenset[str]]
) -> bool:
    """The name has the other role toward this verb, or the verb has another doer, or
    another direct object ("defeated [Godwin]" does not answer "Who defeated Harold?")."""
    found = {role for name, role in said if alike(name, asked.name)}
    if found:
        return asked.role not in found
    if asked.role == "done_to":
        return any(name and not alike(name, asked.name) for name in objects)
    return any(role == "doer" and name for name, role in said)


def _direct_objects(tokens: Sequence[Token], verb: int) -> list[frozenset[str]]:
    """The names that are the verb's direct object (or its passive subject)."""
    attached = [(i, tokens[_first_conjunct(tokens, i)]) for i in name_heads(tokens)]
    return [
        distinctive(phrase(tokens, i))
        for i, token in attached
        if token.head == verb and token.dep in {"dobj", "nsubjpass"}
    ]


def _roles_toward(tokens: Sequence[Token], verb: int) -> list[tuple[frozenset[str], Role]]:
    """The names the sentence attaches to `verb`, each with its role."""
    passive = any(t.head == verb and t.dep in {"auxpass", "nsubjpass"} for t in tokens)
    # "The Normans settled ... and also built castles": a coordinated verb without a subject
    # of its own shares its first conjunct's.
    shared = (
        tokens[verb].head
        if tokens[verb].dep == "conj"
        and not any(t.head == verb and t.dep in _SUBJECTS | {"nsubjpass"} for t in tokens)
        else -1
    )
    out: list[tuple[frozenset[str], Role]] = []
    for i in name_heads(tokens):
        role = _role(tokens, i, verb, passive)
        if role is None and shared >= 0 and not passive:
            role = "doer" if _role(tokens, i, shared, False) == "doer" else None
        if role is not None:
            out.append((distinctive(phrase(tokens, i)), role))
    return out


def _first_conjunct(tokens: Sequence[Token], i: int) -> int:
    """The first of coordinated words ("the Normans and [their descendants]"), whose role
    the others share."""
    while tokens[i].dep == "conj" and tokens[i].head != i:
        i = tokens[i].head
    return i


def _role(tokens: Sequence[Token], i: int, verb: int, passive: bool) -> Role | None:
    token = tokens[_first_conjunct(tokens, i)]
    if token.head == verb:
        if token.dep in _SUBJECTS:
            return "doer"
        if token.dep in _OBJECTS:
            return "done_to"
        return None
    prep = tokens[token.head]
    if token.dep == "pobj" and prep.head == verb and prep.dep in {"prep", "agent", "dative"}:
        return "doer" if prep.dep == "agent" or (passive and _low(prep) == "by") else "done_to"
    if passive and token.dep == "pobj" and _low(prep) == "by" and prep.head != verb:
        # "were encouraged to come south [by the Lombards]": the parser hangs the agent on
        # the infinitive after the passive verb; it is the passive verb's doer all the same.
        complement = tokens[prep.head]
        if complement.dep == "xcomp" and complement.head == verb:
            return "doer"
    return None


def _places(tokens: Sequence[Token], groups: list[tuple[int, int]]) -> tuple[Place, ...]:
    out = []
    for first, last in groups:
        token = tokens[phrase_head(tokens, last)]
        preposition = tokens[token.head]
        verb = tokens[preposition.head]
        name = distinctive(tokens[first : last + 1])
        if token.dep == "pobj" and verb.pos == "VERB" and name:
            out.append(Place(name, stem(verb.lemma), _low(preposition)))
    return tuple(out)


def _possessions(tokens: Sequence[Token], groups: list[tuple[int, int]]) -> tuple[Possession, ...]:
    """The nouns the question ties to a name: "X's N", "the X N", "the N of X"."""
    out = []
    for first, last in groups:
        name = distinctive(tokens[first : last + 1])
        noun = _owned(tokens, last)
        named = tokens[last].dep == "compound" and tokens[last].ent != "NORP"
        if name and noun >= 0 and not named:  # "the [Raoulii] family" names it, owns nothing
            out.append(Possession(name, stem(tokens[noun].lemma)))
    return tuple(out)


def _owned(tokens: Sequence[Token], i: int) -> int:
    """The common noun the name at `i` modifies (-1 when none)."""
    head = phrase_head(tokens, i)
    token = tokens[head]
    if token.dep in {"poss", "amod", "compound", "nmod"}:
        noun = token.head
    elif token.dep == "pobj" and _low(tokens[token.head]) == "of":
        noun = tokens[token.head].head
    else:
        return -1
    return noun if tokens[noun].pos == "NOUN" and noun != head else -1


def _other_owner(tokens: Sequence[Token], asked: Possession) -> bool:
    """Everywhere the sentence says the N, it is someone else's ("the Byzantine general" for
    "the Norman general", "Robert's son" for "Bohemond's son"), or the owner itself ("X, his
    nephew" for "X's nephew")."""
    verdicts = []
    for i, token in enumerate(tokens):
        if token.pos != "NOUN" or stem(token.lemma) != asked.noun:
            continue
        owners = [
            distinctive(phrase(tokens, j))
            for j, t in enumerate(tokens)
            if is_name(t) and phrase_head(tokens, j) == j and _owned(tokens, j) == i
        ]
        linked = [j for j, t in enumerate(tokens) if t.head == i and t.dep == "appos"]
        linked += [token.head] if token.dep == "appos" else []
        itself = any(alike(distinctive(phrase(tokens, j)), asked.owner) for j in linked)
        owners = [o for o in owners if o]
        verdicts.append(itself or (bool(owners) and not any(alike(o, asked.owner) for o in owners)))
    return bool(verdicts) and all(verdicts)


def _same_word(token: Token, verb_stem: str) -> bool:
    return stem(token.lemma) == verb_stem or stem(token.text.lower()) == verb_stem


def _passive(tokens: Sequence[Token], verb: int) -> bool:
    """A participle after a form of "be": "was built", "were conquered"."""
    return tokens[verb].tag == "VBN" and any(
        _low(t) in _BE for t in tokens[max(0, verb - 4) : verb]
    )


def _verb_after(tokens: Sequence[Token], wh: int) -> int:
    """The verb right after the wh-phrase when there is no do-support ("Who [replaced] X")."""
    for i in range(wh + 1, min(wh + 4, len(tokens))):
        if tokens[i].pos == "VERB":
            return i
        if tokens[i].pos not in {"NOUN", "ADJ", "DET"}:
            return -1
    return -1


def _low(token: Token) -> str:
    return token.text.lower()


def _stem(token: Token) -> str:
    return stem(_low(token))
