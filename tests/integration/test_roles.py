"""Who did what to whom: a sentence that gives a question's name the other role does not
answer it (`service/qa/answerers/roles.py`), with the real spaCy parser, and end to end."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from citedqa.client import Client
from citedqa.settings import Settings
from eval.inprocess import serve_app
from service.app import create_app
from service.qa.answerers.language import Linguist
from service.qa.answerers.roles import conflicts, question_roles

ROLLO = (
    "Under their leader Rollo, the Vikings agreed to swear fealty to King Charles III of West"
    " Francia."
)
CONQUEST = (
    "In 1066, Duke William II of Normandy conquered England, killing King Harold II at Hastings."
)
REPLACED = (
    "The invading Normans and their descendants replaced the Anglo-Saxons as the ruling class."
)
SON = "In 1107, the Normans under the command of Bohemond, Robert's son, landed in Valona."
GENERAL = (
    "One of the first Norman mercenaries to serve as a Byzantine general was Hervé in the 1050s."
)


@pytest.fixture(scope="module")
def linguist() -> Linguist:
    return Linguist()


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        # The question's doer is the one done to in the sentence.
        ("Who did King Charles III swear fealty to?", ROLLO),
        # The question's object is the sentence's doer.
        ("Who replaced the Normans as the ruling class?", REPLACED),
        # Another name does what the question's name is asked to have done.
        ("When did King Harold II conquer England?", CONQUEST),
        # The noun asked for belongs to another: "Robert's son", "a Byzantine general".
        ("Who was Bohemond's son?", SON),
        ("When did Herve serve as a Norman general?", GENERAL),
        # The opposite preposition: fled to, not from.
        ("Who fled from southern Italy?", "Several monks of Saint-Evroul fled to southern Italy."),
        # Another direct object of the verb: William defeated Godwin, not Harold.
        ("Who defeated Harold?", "William defeated Godwin at Hastings."),
        # A verb coordinated with another shares its subject: the Normans built them.
        (
            "What castles were built by the Irish?",
            "The Normans settled mostly in the east of Ireland and also built many castles.",
        ),
        # The sentence denies it.
        (
            "What tradition did the Normans have?",
            "In the visual arts, the Normans did not have the rich traditions of the cultures.",
        ),
        # The agent of a passive verb, hung by the parser on the infinitive after it.
        (
            "Who did the Normans encourage to come to the south?",
            "Norman mercenaries were first encouraged to come to the south by the Lombards.",
        ),
        # A negated question is not answered by a sentence that says it without negation.
        (
            "Which exceptions does the package never swallow?",
            "The logging package is designed to swallow exceptions.",
        ),
    ],
)
def test_the_other_role_is_a_conflict(linguist: Linguist, question: str, sentence: str) -> None:
    roles = question_roles(linguist.parse(question))
    assert roles
    assert conflicts(roles, linguist.parse(sentence))


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        ("Who did Rollo swear fealty to?", ROLLO),
        ("Who replaced the Anglo-Saxons as the ruling class?", REPLACED),
        ("When did William conquer England?", CONQUEST),
        ("Who was Robert's son?", SON),
        ("When did Herve serve as a Byzantine general?", GENERAL),
        ("Who defeated Harold?", "William defeated Godwin and Harold at Hastings."),
        # Who met whom is said either way round.
        ("Who did Putin meet?", "Kim met Putin at the cosmodrome on Wednesday."),
        # "X said ..., Y said": one place agrees, so no conflict.
        (
            "What did Putin say about the talks?",
            "Putin said the talks went well, the spokesman Dmitry Peskov said.",
        ),
        ("Who fled to southern Italy?", "Several monks of Saint-Evroul fled to southern Italy."),
        (
            "What castles were built by the Normans?",
            "The Normans settled mostly in the east of Ireland and also built many castles.",
        ),
        # A question that asks what was not done is answered by a denial.
        ("Which exceptions does the package never swallow?", "It does not swallow SystemExit."),
        # The sentence gives the name no role at all: no evidence, no conflict.
        ("Who did Kim visit?", "The visit ended on Friday."),
        # A possessor is not the doer: the bakery opened, not Rosa.
        ("When did Rosa's Bakery open?", "Rosa's Bakery opened on Harbour Street in 1998."),
    ],
)
def test_the_same_role_or_none_is_no_conflict(
    linguist: Linguist, question: str, sentence: str
) -> None:
    assert not conflicts(question_roles(linguist.parse(question)), linguist.parse(sentence))


def test_a_question_without_names_has_no_roles(linguist: Linguist) -> None:
    assert not question_roles(linguist.parse("What is the default logging level?"))
    negated = question_roles(linguist.parse("Which exceptions does it never swallow?"))
    assert (negated.names, negated.possessions, negated.places) == ((), (), ())
    assert negated.negated == {"swallow"}  # what it denies is all a negated question says


@contextmanager
def serving(settings: Settings, note: Path, text: str) -> Iterator[Client]:
    """A client of a real app over HTTP, with `text` uploaded as the one document."""
    note.write_text(text)
    with serve_app(create_app(settings)) as url, Client(url) as client:
        client.upload([note])
        yield client


def test_a_swapped_question_is_refused_and_the_straight_one_answered(
    settings: Settings, tmp_path: Path
) -> None:
    text = f"# The Normans\n\n{ROLLO} {CONQUEST}\n\n{REPLACED}\n"
    with serving(settings, tmp_path / "normans.md", text) as client:
        swapped = client.ask("Who did King Charles III swear fealty to?")
        assert swapped.refused and swapped.refusal_reason == "focus_not_found"
        straight = client.ask("Who did Rollo swear fealty to?")
        assert not straight.refused and "King Charles III" in straight.answer
        other = client.ask("When did King Harold II conquer England?")
        assert other.refused
        assert "1066" in client.ask("When did William conquer England?").answer


def test_when_the_best_sentence_swaps_the_roles_a_runner_up_does_not_answer(
    settings: Settings, tmp_path: Path
) -> None:
    # The runner-up has Charles and an answer of the asked kind near the focus, but is a
    # worse match: before, it answered once the best sentence was set aside.
    text = (
        f"# Fealty\n\n{ROLLO}\n\nLater, King Charles III of West Francia met Count Odo,"
        " who swore no fealty.\n"
    )
    with serving(settings, tmp_path / "fealty.md", text) as client:
        swapped = client.ask("Who did King Charles III swear fealty to?")
        assert swapped.refused, swapped.answer
