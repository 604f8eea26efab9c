"""What the numbers were measured on: machine, load, code version, package versions."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.jobs import REPO

PACKAGES = (
    "chromadb",
    "llama-index-core",
    "llama-index-vector-stores-chroma",
    "onnxruntime",
    "fastapi",
    "uvicorn",
)


def loadavg() -> float:
    """The 1-minute load average (other processes compete for the same cores)."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _mem_total_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024 / 1024, 1)
    return 0.0


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_meta() -> dict[str, Any]:
    """JSON-ready description of this machine and checkout."""
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": _git("rev-parse", "--short", "HEAD"),
        "dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "cores": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gb": _mem_total_gb(),
        "python": platform.python_version(),
        "packages": {p: _version(p) for p in PACKAGES},
        "loadavg_start": loadavg(),
    }
