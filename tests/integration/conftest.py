"""tests/integration: the real embedder, Chroma (embedded and `chroma run`) and HTTP server.

Every test here is marked `integration`; the fixtures that build those live in
tests/conftest.py (shared with the few test files still at tests/'s top).
"""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.integration)
