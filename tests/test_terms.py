"""citedqa.terms: our own stop-word list and the one "capitalised word = name" rule."""

from __future__ import annotations

import subprocess
import sys

from citedqa.terms import _STOPWORDS_FILE, stopwords


def test_stop_words_are_nltk_english_plus_question_words() -> None:
    lines = _STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    listed = [w for w in lines if w and not w.startswith("#")]
    assert len(listed) == len(set(listed)) == 198  # nltk's English list, as copied
    assert {"a", "the", "not", "you've", "yourselves"} <= set(listed)
    assert set(listed) < stopwords()
    assert {"would", "many", "whose", "according"} <= stopwords() - set(listed)
    assert not any(w.startswith("#") or " " in w for w in stopwords())


def test_stop_words_do_not_need_llama_index() -> None:
    code = (
        "import sys; from citedqa.terms import stopwords; stopwords(); "
        "sys.exit('llama_index' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
