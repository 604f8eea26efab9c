"""Page junk out, article text in: line-level boilerplate removal, plus byline metadata.

Scraped articles carry widgets and calls to action around the story: weather readouts,
"Subscribe to our newsletter", comment forms, share and cookie lines, "Read more" teasers.
They are short lines made of web-interface vocabulary, or of no words at all. A line is
dropped only when it is short AND matches one of those generic patterns, so a sentence of
the article that merely mentions a newsletter is kept.
"""

from __future__ import annotations

import re

_MAX_JUNK_WORDS = 12

_INTERFACE = re.compile(
    r"""^\W*(
        (please\s+)?(enter|type|write)\s+your\s+(comment|name|e-?mail|message|reply)
      | (leave|post|add|write)\s+a\s+(comment|reply)
      | \d*\s*comments?\s*$ | no\s+comments
      | subscribe\b | sign\s+up\b | sign\s+in\b | log\s*in\b | register\b | newsletter
      | (share|tweet|pin)\s+(this|on|via)\b | share\s*$ | follow\s+us\b
      | (we\s+use|this\s+site\s+uses)\s+cookies | (accept|manage|reject)\s+(all\s+)?cookies
      | cookie\s+(policy|settings|preferences)
      | (read|see|show|load)\s+more\b | more\s+like\s+this
      | related(\s+(articles|stories|posts))?\s*:?\s*$
      | you\s+may\s+(also\s+)?like | recommended\s+for\s+you | trending\s+now | most\s+read
      | (all\s+)?rights\s+reserved | copyright\b | ©
      | advertisement\s*$ | sponsored\s*$ | click\s+here\b | skip\s+to\s+(main\s+)?content
      | (previous|next)\s+(article|post|story)\b | back\s+to\s+top
      | save\s+my\s+name | notify\s+me\s+of
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# A weather or temperature readout on its own: "9.9 C", "-3°C", "72 °F 22 mph".
_WEATHER = re.compile(r"^\W*-?\d+(\.\d+)?\s*°?\s*[CF]\b[\w\s%./°-]{0,20}$", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
_SOURCE = re.compile(r"^(source|via)\s*:\s*(?P<value>[^\n]{2,80})$", re.IGNORECASE)
_BYLINE = re.compile(r"^(?i:by)\s+(?P<value>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})")


def is_junk(line: str) -> bool:
    """True for a line of page furniture rather than article text."""
    stripped = line.strip()
    if not stripped:
        return False
    if not _LETTER.search(stripped):  # rules, separators, lone numbers
        return True
    if len(stripped.split()) > _MAX_JUNK_WORDS:
        return False
    return bool(_INTERFACE.match(stripped) or _WEATHER.match(stripped))


def remove_boilerplate(text: str) -> str:
    """The text without junk lines (blank lines kept, so paragraphs survive)."""
    return "\n".join(line for line in text.split("\n") if not is_junk(line))


def byline_metadata(text: str) -> dict[str, str]:
    """Outlet ("Source: X") and author ("By X") when the text states them on a line."""
    found: dict[str, str] = {}
    for line in text.split("\n"):
        line = line.strip()
        if "outlet" not in found and (m := _SOURCE.match(line)):
            found["outlet"] = m.group("value").strip()
        elif "author" not in found and (m := _BYLINE.match(line)):
            found["author"] = m.group("value").strip()
    return found
