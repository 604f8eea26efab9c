"""Routes for the web page: `GET /` and `GET /static/{name}`, public and outside the API schema.

Only the files shipped in `service/web/static/` are served, by exact name. Every response
carries a strict Content-Security-Policy: scripts and styles from this origin only, requests
to this origin only, and Trusted Types required, so a string assigned to `innerHTML` (or any
other HTML sink) throws in the browser instead of becoming markup.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Final

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse

from citedqa.formats import SUPPORTED_SUFFIXES

STATIC_DIR: Final = Path(__file__).resolve().parent / "static"
INDEX: Final = "index.html"
MEDIA_TYPES: Final = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}
CSP: Final = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "require-trusted-types-for 'script'",
        "trusted-types 'none'",
    ]
)
HEADERS: Final = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def shipped_files() -> dict[str, Path]:
    """The servable files by name: the top level of `static/`, of a known type."""
    return {p.name: p for p in STATIC_DIR.iterdir() if p.is_file() and p.suffix in MEDIA_TYPES}


FILES: Final = shipped_files()

router = APIRouter(tags=["web"], include_in_schema=False)


def _serve(name: str) -> FileResponse:
    path = FILES[name]
    return FileResponse(path, media_type=MEDIA_TYPES[path.suffix], headers=HEADERS)


@functools.cache
def page_html() -> str:
    """index.html with the upload field's accepted types filled in from SUPPORTED_SUFFIXES."""
    html = FILES[INDEX].read_text(encoding="utf-8")
    return html.replace("{{accepted}}", ",".join(SUPPORTED_SUFFIXES)).replace(
        "{{accepted_list}}", ", ".join(SUPPORTED_SUFFIXES)
    )


@router.get("/")
def index() -> HTMLResponse:
    """The page: ask a question, check its citations, manage the documents."""
    return HTMLResponse(page_html(), headers=HEADERS)


@router.get("/static/{name}")
def static_file(name: str) -> FileResponse:
    """A script or stylesheet of the page; 404 for anything not shipped."""
    if name == INDEX or name not in FILES:
        raise HTTPException(status_code=404, detail=f"no static file {name!r}")
    return _serve(name)
