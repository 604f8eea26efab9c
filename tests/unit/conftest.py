"""tests/unit: pure functions and classes on constructed inputs, marked `unit`.

No store, no server, no embedder: a test here that asks for one of the fixtures that
build them is an error at collection (move it to tests/integration).
"""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
# Fixtures (tests/conftest.py, tests/integration/...) that start a store, server or model.
HEAVY = frozenset(
    {"embedder", "settings", "seeded_settings", "api", "chroma_server", "service", "client"}
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE not in item.path.parents:
            continue
        item.add_marker(pytest.mark.unit)
        heavy = HEAVY.intersection(getattr(item, "fixturenames", ()))
        if heavy:
            raise pytest.UsageError(f"{item.nodeid} is a unit test using {sorted(heavy)}")
