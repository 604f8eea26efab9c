"""Time named stages by wrapping functions in place, for a while, without editing them.

A target is a plain reference, `(owner, "attribute")`: a class and its method, or a module
and its function. Naming the owner as an object (not a "module:name" string) lets mypy and
the imports catch a target that moved, where a string only failed at run time.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

_INHERITED = object()


Target = tuple[Any, str]
"""(owner, attribute): a class and a method name, or a module and a function name."""


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
    def patched(self, targets: Mapping[str, Target]) -> Iterator[None]:
        """Wrap each target (stage name -> target) while inside; put them back after."""
        undo: list[tuple[Any, str, Any]] = []  # (owner, attr, own value or _INHERITED)
        try:
            for stage, (owner, attr) in targets.items():
                timed = self._wrap(stage, getattr(owner, attr))  # raises when it moved
                undo.append((owner, attr, vars(owner).get(attr, _INHERITED)))
                setattr(owner, attr, timed)
            yield
        finally:
            for owner, attr, original in reversed(undo):
                if original is _INHERITED:
                    delattr(owner, attr)
                else:
                    setattr(owner, attr, original)
