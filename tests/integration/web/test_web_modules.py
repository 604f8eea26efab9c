"""The page's own modules, run in the browser: offsets and the SSE parser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

TEXT = "Ferry 🚢 notes\n“Quoted” text 🌊🌊 then the Lindholm ferry 🚢 carries 120 cars. 😀"

SPAN = """async ([text, start, end]) => {
  const { utf16Span } = await import('/static/offsets.js');
  const [from, to] = utf16Span(text, start, end);
  return text.slice(from, to);
}"""


@pytest.mark.parametrize(
    "quote", ["Ferry", "🚢", "“Quoted”", "the Lindholm ferry 🚢 carries 120 cars.", "😀", ""]
)
def test_code_point_offsets_become_utf16_offsets(page: Page, web_url: str, quote: str) -> None:
    page.goto(web_url)
    start = TEXT.index(quote)  # Python: code points, like the API's offsets
    assert page.evaluate(SPAN, [TEXT, start, start + len(quote)]) == quote


def test_offsets_past_the_text_are_an_error(page: Page, web_url: str) -> None:
    page.goto(web_url)
    error = page.evaluate(
        """async ([text, end]) => {
          const { utf16Span } = await import('/static/offsets.js');
          try { utf16Span(text, 0, end); return 'no error'; } catch (e) { return e.name; }
        }""",
        [TEXT, len(TEXT) + 1],
    )
    assert error == "RangeError"


STREAM = (
    ": keep-alive\n\n"
    'event: delta\r\ndata: {"text": "a “b” 🚢"}\r\n\r\n'
    'event: final\ndata: {"answer": "x",\ndata:  "refused": false}\n\n'
    "event: done\ndata: {}\n\n"
    "event: delta\ndata: unfinished"
)
EVENTS = [
    {"event": "delta", "data": '{"text": "a “b” 🚢"}'},
    {"event": "final", "data": '{"answer": "x",\n "refused": false}'},
    {"event": "done", "data": "{}"},
]


def test_sse_parser_gives_the_same_events_however_the_stream_is_split(
    page: Page, web_url: str
) -> None:
    page.goto(web_url)
    splits = page.evaluate(
        """async (stream) => {
          const { SseParser } = await import('/static/sse.js');
          const results = [];
          for (let cut = 0; cut <= stream.length; cut += 1) {
            const parser = new SseParser();
            results.push([...parser.push(stream.slice(0, cut)), ...parser.push(stream.slice(cut))]);
          }
          const byChar = new SseParser();
          results.push([...stream].flatMap((c) => byChar.push(c)));
          return results;
        }""",
        STREAM,
    )
    assert len(splits) == len(STREAM.encode("utf-16-le")) // 2 + 2  # JS counts UTF-16 units
    assert all(events == EVENTS for events in splits)
