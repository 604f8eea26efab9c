"""bench.jobs: a job is a function reference, found again in the child by its address."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import stores
from bench.jobs import _address, child_env


def double(n: int) -> dict[str, int]:
    return {"doubled": 2 * n}


def test_a_job_is_addressed_by_its_module_and_name() -> None:
    assert _address(stores.fingerprint) == "bench.stores:fingerprint"
    assert _address(double) == f"{__name__}:double"
    with pytest.raises(ValueError, match="module-level"):
        _address(lambda: {})


def test_the_child_side_runs_the_referenced_function(tmp_path: Path) -> None:
    params, out = tmp_path / "in.json", tmp_path / "out.json"
    params.write_text(json.dumps({"n": 21}))
    command = [sys.executable, "-m", "bench.jobs", _address(double), str(params), str(out)]
    subprocess.run(command, check=True, env=child_env(), cwd=Path(__file__).parents[2])
    assert json.loads(out.read_text()) == {"doubled": 42}
