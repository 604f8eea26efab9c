"""Rebuild docs/ of the pydocs dev corpus from the Debian package python3.11-doc.

Needs: apt-get install python3.11-doc pandoc; run with `uv run python` (uses lxml).
Extracts the main content of each HTML page, drops navigation, headerlinks and anchors, and
converts it to Markdown with pandoc (no hard wrapping). The first line is the title.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from lxml import html

PY = Path("/usr/share/doc/python3.11/html")

DOCS = {
    # doc_id: (path, xpath of main content)
    "logging": (PY / "howto/logging.html", "//div[@role='main']"),
    "regex": (PY / "howto/regex.html", "//div[@role='main']"),
    "functional": (PY / "howto/functional.html", "//div[@role='main']"),
    "descriptor": (PY / "howto/descriptor.html", "//div[@role='main']"),
    "faq-library": (PY / "faq/library.html", "//div[@role='main']"),
    "whatsnew310": (PY / "whatsnew/3.10.html", "//div[@role='main']"),
    "venv": (PY / "tutorial/venv.html", "//div[@role='main']"),
}


def main_html(path: Path, xpath: str) -> str:
    tree = html.parse(str(path))
    (node,) = tree.xpath(xpath)
    for junk in node.xpath(
        ".//a[@class='headerlink'] | .//div[@class='navheader'] | .//div[@class='navfooter']"
        " | .//div[@class='toc'] | .//*[contains(concat(' ', @class, ' '), ' contents ')] | .//div[contains(@class,'highlight-')]/../script"  # noqa: E501
    ):
        junk.getparent().remove(junk)
    return html.tostring(node, encoding="unicode")


def to_markdown(fragment: str) -> str:
    out = subprocess.run(
        ["pandoc", "-f", "html", "-t", "gfm-raw_html", "--wrap=none"],
        input=fragment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    out = out.replace("\\[", "[").replace("\\]", "]")  # markdown escapes of brackets
    out = re.sub(r"\[\^?\(?(\[\d+\])\)?\]\(#[^)]*\)", r"\1", out)  # footnote marks
    out = re.sub(r"\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)", r"\1", out)  # keep link text only
    out = re.sub(r"<[^>]+>", "", out)  # leftover anchors
    out = re.sub(r"\n> *\n>\n", "\n", out)  # empty first line of a block quote
    out = re.sub(r"\n{3,}", "\n\n", out)
    return out.strip() + "\n"


def main(dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for doc_id, (path, xpath) in DOCS.items():
        text = to_markdown(main_html(path, xpath))
        (dest / f"{doc_id}.md").write_text(text, encoding="utf-8")
        print(f"{doc_id}: {len(text.encode())} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "docs")
