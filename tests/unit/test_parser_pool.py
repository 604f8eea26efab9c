"""Files parsed in worker processes, each within a time limit (issue 16, item 5)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from citedqa.errors import InvalidInputError
from citedqa.isolation import ParserPool
from tests.helpers import slow_html


@pytest.fixture(scope="module")
def parser() -> Iterator[ParserPool]:
    pool = ParserPool(1, timeout=0.5)
    yield pool
    pool.close()


def test_a_parse_over_the_limit_is_refused_and_the_next_file_parses(parser: ParserPool) -> None:
    with pytest.raises(InvalidInputError, match=r"^parsing took longer than 0\.5 s$"):
        parser.parse("slow", ".html", slow_html())
    # The worker that was killed has been replaced.
    doc = parser.parse("ferry", ".txt", b"Ferry\n\nThe ferry leaves at nine.\n")
    assert (doc.doc_id, doc.title, doc.text) == (
        "ferry",
        "Ferry",
        "Ferry\n\nThe ferry leaves at nine.",
    )


def test_the_parsers_own_refusals_come_back_as_they_were(parser: ParserPool) -> None:
    with pytest.raises(InvalidInputError, match=r"^not valid UTF-8 \(byte 1\)$"):
        parser.parse("bad", ".txt", b"a\xff")
