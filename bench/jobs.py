"""Run one benchmark step in a fresh Python process and get its JSON result back.

Steps that open Chroma or load the model run in their own process, so each server, build
and measurement starts clean (no shared caches, one Chroma client per path, RSS per
process). A job is a module-level function that takes keyword arguments and returns JSON
data, passed by reference (`run_job(write_synthetic, ...)`); `python -m bench.jobs
MODULE:FUNCTION PARAMS_PATH OUT_PATH` is the child side, which imports it again by the
reference's own module and name (parameters go through a file: a list of questions is
longer than one command-line argument may be).
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent

JobFunction = Callable[..., dict[str, Any]]


def _address(function: JobFunction) -> str:
    """Where the child process finds `function` again: "module:name"."""
    module, name = function.__module__, function.__qualname__
    if module == "__main__" or not name.isidentifier():
        raise ValueError(f"a job must be a module-level function, not {module}.{name}")
    return f"{module}:{name}"


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a child process: ours, `bench` importable, plus `extra`.

    Children run in the benchmark's work directory, so no `.env` file of the repository
    changes what is measured; CITEDQA_* variables of the caller still apply.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env.update(extra)
    return env


class JobFailed(RuntimeError):
    """A job exited non-zero or timed out; the message ends with its log's last lines."""


class Job:
    """A running job: `result()` waits for it (killing it past its deadline)."""

    def __init__(
        self, function: JobFunction, params: dict[str, Any], workdir: Path, timeout: float
    ) -> None:
        address = _address(function)
        self.name = name = function.__name__
        stem = workdir / f"job-{name}-{time.monotonic_ns()}"
        self.out, self.log = stem.with_suffix(".out.json"), stem.with_suffix(".log")
        params_path = stem.with_suffix(".in.json")
        params_path.write_text(json.dumps(params))
        self._deadline = time.monotonic() + timeout
        with self.log.open("w") as log:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "bench.jobs", address, str(params_path), str(self.out)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=child_env(),
                cwd=workdir,
            )

    def result(self) -> dict[str, Any]:
        """The job's JSON result; raises JobFailed (after killing it) on failure or timeout."""
        try:
            code = self._proc.wait(timeout=max(self._deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            self.stop()
            raise JobFailed(f"job {self.name} timed out\n{self._tail()}") from None
        if code != 0 or not self.out.exists():
            raise JobFailed(f"job {self.name} exited with {code}\n{self._tail()}")
        return json.loads(self.out.read_text())  # type: ignore[no-any-return]

    def stop(self) -> None:
        """Kill the job if it still runs."""
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()

    def _tail(self, lines: int = 15) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def run_job(
    function: JobFunction, params: dict[str, Any], workdir: Path, timeout: float
) -> dict[str, Any]:
    """Run `function(**params)` in a fresh process to completion and return its result."""
    job = Job(function, params, workdir, timeout)
    try:
        return job.result()
    finally:
        job.stop()


def main(argv: list[str]) -> int:
    """Child side: run the job at MODULE:FUNCTION with its params, write its result as JSON."""
    address, params_path, out = argv
    module_name, _, function = address.partition(":")
    params = json.loads(Path(params_path).read_text())
    result = getattr(importlib.import_module(module_name), function)(**params)
    Path(out).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    # The result is written. Skip interpreter teardown: with an in-process server thread still
    # holding Chroma and spaCy objects, finalisation crashed the profile job (SIGSEGV) after
    # its work was done, 2 runs of 2 at 100,000 chunks; the service itself exits cleanly.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
