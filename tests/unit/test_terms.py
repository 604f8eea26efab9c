"""citedqa.terms: our own stop-word list and the one "capitalised word = name" rule."""

from __future__ import annotations

import subprocess
import sys

from citedqa.terms import _STOPWORDS_FILE, capitalised_words, key_terms, stem, stopwords


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


def test_capitalised_words_are_names_inside_a_sentence() -> None:
    assert capitalised_words("Putin met Kim at Vostochny.") == ["Kim", "Vostochny"]
    # Not after a sentence's end, a colon, an opening quote or parenthesis.
    text = 'He left. Then Kim spoke: Yes, "Moscow" (Russia) and Jong-un’s Élysée visit'
    assert capitalised_words(text) == ["Kim", "Jong-un’s", "Élysée"]
    assert capitalised_words("the students’ Union") == ["Union"]
    assert capitalised_words("Who met in Komsomolsk-on-Amur?") == ["Komsomolsk-on-Amur"]
    assert capitalised_words("") == []


def test_support_and_chat_share_the_name_rule() -> None:
    from service.qa.chat import condense
    from service.qa.support import names

    previous = "Where did Putin meet Kim? Then Trump came."
    assert names(previous) == {"putin", "kim", "trump"}
    follow_up = condense([("user", previous), ("assistant", "x"), ("user", "Why?")])
    # "Then" starts a sentence: not a name for either (chat used to carry it).
    assert follow_up == "Why? (Putin, Kim, Trump)"


def test_english_terms_fold_accents() -> None:
    # A question typed without accents finds the accented word, and the other way round.
    assert key_terms("his fiancée Hervé") == key_terms("his fiancee Herve")
    assert stem("fiancée") == stem("fiancee") == "fiance"
    assert key_terms("Jumièges") == ["jumieg"]
