"""The README documents every route of the app and every setting.

Both lists come from the code (the routes of `create_app`, the fields of `Settings`), so a
route or a `CITEDQA_*` setting added without its README line fails here.
"""

from __future__ import annotations

import re

import pytest

from citedqa.settings import Settings
from service.app import create_app
from tests.helpers import ROOT, all_routes

README = (ROOT / "README.md").read_text(encoding="utf-8")
CONVERTER = re.compile(r"\{(\w+):\w+\}")  # `{doc_id:path}` is `{doc_id}` to a reader


def _plain(match: re.Match[str]) -> str:
    return "{" + match.group(1) + "}"


def section(title: str) -> str:
    """The README's `## title` section, up to the next `## ` heading."""
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end > 0 else None]


def routes() -> list[str]:
    """`METHOD /path` of every endpoint, `{name:path}` written `{name}` as in OpenAPI."""
    app = create_app(Settings(_env_file=None))  # type: ignore[call-arg]
    return sorted(
        f"{method} {CONVERTER.sub(_plain, route.path)}"
        for route in all_routes(app.routes)
        for method in (route.methods or set()) - {"HEAD"}
    )


def settings() -> list[str]:
    prefix = str(Settings.model_config.get("env_prefix", ""))
    return [f"{prefix}{name}".upper() for name in Settings.model_fields]


def test_the_app_has_the_routes_we_think() -> None:
    found = routes()
    assert {"POST /v1/query", "DELETE /v1/documents/{doc_id}", "GET /docs"} <= set(found)


@pytest.mark.parametrize("route", routes())
def test_every_route_has_a_line_in_http_api(route: str) -> None:
    assert f"`{route}`" in section("HTTP API"), f"README's HTTP API has no line for `{route}`"


@pytest.mark.parametrize("name", settings())
def test_every_setting_has_a_line_in_settings(name: str) -> None:
    lines = [line for line in section("Settings").splitlines() if f"`{name}`" in line]
    assert any(line.startswith("|") for line in lines), f"README's Settings has no row for {name}"
