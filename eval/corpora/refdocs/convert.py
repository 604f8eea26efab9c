"""Rebuild docs/ from the Debian packages named in SOURCE.md (debian-history, python3.11-doc).

Needs: apt-get install debian-history python3.11-doc pandoc; run with `uv run python` (uses lxml).
Extracts the main content of each HTML page, drops navigation, headerlinks and anchors, and
converts it to Markdown with pandoc (no hard wrapping). The first line is the title.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from lxml import html

DH = Path("/usr/share/doc/debian-history/docs")
PY = Path("/usr/share/doc/python3.11-doc/html")

DOCS = {
    # doc_id: (path, xpath of main content)
    "dh-intro": (DH / "intro.en.html", "//div[@class='chapter']"),
    "dh-leaders": (DH / "leaders.en.html", "//div[@class='chapter']"),
    "dh-releases": (DH / "releases.en.html", "//div[@class='chapter']"),
    "dh-detailed": (DH / "detailed.en.html", "//div[@class='chapter']"),
    "dh-manifesto": (DH / "manifesto.en.html", "//div[@class='appendix']"),
    "py-faq-general": (PY / "faq/general.html", "//div[@role='main']"),
    "py-faq-design": (PY / "faq/design.html", "//div[@role='main']"),
    "py-faq-windows": (PY / "faq/windows.html", "//div[@role='main']"),
    "py-license": (PY / "license.html", "//div[@role='main']"),
    "py-whatsnew30": (PY / "whatsnew/3.0.html", "//div[@role='main']"),
    "py-howto-sorting": (PY / "howto/sorting.html", "//div[@role='main']"),
    "py-howto-unicode": (PY / "howto/unicode.html", "//div[@role='main']"),
    "py-howto-ipaddress": (PY / "howto/ipaddress.html", "//div[@role='main']"),
    "py-howto-sockets": (PY / "howto/sockets.html", "//div[@role='main']"),
    "py-howto-argparse": (PY / "howto/argparse.html", "//div[@role='main']"),
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


def main(dest: Path, docs: dict[str, tuple[Path, str]] = DOCS) -> None:
    """Write each page's main text as `dest/<doc_id>.md` (the pydocs dev corpus reuses this)."""
    dest.mkdir(parents=True, exist_ok=True)
    for doc_id, (path, xpath) in docs.items():
        text = to_markdown(main_html(path, xpath))
        (dest / f"{doc_id}.md").write_text(text, encoding="utf-8")
        print(f"{doc_id}: {len(text.encode())} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "docs")
