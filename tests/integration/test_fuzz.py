"""Schemathesis against the app's OpenAPI schema: no 5xx, no response off its schema.

Every operation gets generated requests, valid and invalid, in-process (ASGI), against an
app with keys, a body cap and a store of its own (uploads and deletes change it, so the
shared seeded store is not used). Derandomized, so a failure reproduces.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi import checks

from ingest.job import ingest_path
from service.app import create_app
from tests.helpers import SEEDS, make_settings, settings_like

USER, ADMIN = "fuzz-user-key", "fuzz-admin-key"
EXAMPLES = {GenerationMode.POSITIVE: 80, GenerationMode.NEGATIVE: 50}
MIN_REQUESTS = 1000
AUTH = {"Authorization": f"Bearer {ADMIN}"}
# Every check on what the server answers. Left out: positive_data_acceptance (an opaque
# `cursor` is any string to the schema, yet most strings are not cursors: 422 is right) and
# negative_data_rejection (FastAPI takes the last of a repeated scalar query parameter).
CHECKS = [
    not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.ignored_auth,
]


def _run(case_strategy: object, examples: int, test: Callable[[Case], None]) -> None:
    @given(case=case_strategy)
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Case) -> None:
        test(case)

    run()


def test_generated_requests_get_no_5xx_and_match_the_schema(tmp_path: Path) -> None:
    store = make_settings(tmp_path / "data", max_file_bytes=200_000, max_upload_files=3)
    ingest_path(store, SEEDS, show_progress=False)
    app = create_app(settings_like(store, api_key=USER, admin_api_key=ADMIN, max_body_bytes=64_000))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    sent: Counter[str] = Counter()
    statuses: Counter[int] = Counter()

    def call(case: Case) -> None:
        response = case.call_and_validate(headers=AUTH, checks=CHECKS)
        sent[case.operation.label] += 1
        statuses[response.status_code] += 1

    operations = [op.ok() for op in schema.get_all_operations()]
    assert len(operations) >= 8, [op.label for op in operations]
    for operation in operations:
        for mode, examples in EXAMPLES.items():
            try:
                _run(operation.as_strategy(generation_mode=mode), examples, call)
            except Unsatisfiable:  # nothing to make invalid (no parameters, no body)
                assert mode is GenerationMode.NEGATIVE, operation.label
    print(f"{sum(sent.values())} requests: {dict(sent)}; statuses {dict(statuses)}")
    assert set(sent) == {op.label for op in operations}, "every operation was called"
    assert sum(sent.values()) >= MIN_REQUESTS
    assert not any(s >= 500 for s in statuses)


@pytest.fixture(autouse=True)
def _stop_asgi_lifespans() -> Iterator[None]:
    """Schemathesis keeps each app it started running: stop them after the test."""
    yield
    from schemathesis.python.asgi import shutdown_lifespans

    shutdown_lifespans()
