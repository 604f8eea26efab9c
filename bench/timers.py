"""Time named stages by wrapping functions in place, for a while, without editing them.

A target is "module:Owner.attr" (a method) or "module:function". Targets that do not exist
(the code moved on) are reported, not fatal: the benchmark keeps working while the service
changes under it.
"""

from __future__ import annotations

import functools
import importlib
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

_INHERITED = object()


def _resolve(target: str) -> tuple[Any, str]:
    """(owner object, attribute name) of "module:Owner.attr"; raises on anything missing."""
    module_name, _, path = target.partition(":")
    owner: Any = importlib.import_module(module_name)
    *parents, attr = path.split(".")
    for name in parents:
        owner = getattr(owner, name)
    getattr(owner, attr)
    return owner, attr


class StageTimer:
    """Accumulated wall time and call count per stage, across threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def take(self) -> dict[str, float]:
        """Seconds per stage since the last take, and reset."""
        with self._lock:
            out = dict(self.seconds)
            self.seconds.clear()
            self.calls.clear()
        return out

    def _wrap(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                with self._lock:
                    self.seconds[stage] += elapsed
                    self.calls[stage] += 1

        return timed

    @contextmanager
    def patched(self, targets: Mapping[str, str]) -> Iterator[list[str]]:
        """Wrap each target (stage name -> target) while inside; yields the missing targets."""
        missing: list[str] = []
        undo: list[tuple[Any, str, Any]] = []  # (owner, attr, own value or _INHERITED)
        try:
            for stage, target in targets.items():
                try:
                    owner, attr = _resolve(target)
                except (ImportError, AttributeError):
                    missing.append(target)
                    continue
                undo.append((owner, attr, vars(owner).get(attr, _INHERITED)))
                setattr(owner, attr, self._wrap(stage, getattr(owner, attr)))
            yield missing
        finally:
            for owner, attr, original in reversed(undo):
                if original is _INHERITED:
                    delattr(owner, attr)
                else:
                    setattr(owner, attr, original)
