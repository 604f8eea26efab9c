"""bench.timers: stages are timed by wrapping real functions, which are put back after."""

from __future__ import annotations

import types

import pytest

from bench.timers import StageTimer

pytestmark = pytest.mark.unit


class Base:
    def work(self) -> str:
        return "base"


class Child(Base):
    def own(self) -> str:
        return "own"


def test_each_stage_counts_its_calls_and_the_originals_come_back() -> None:
    module = types.ModuleType("m")
    module.function = lambda: "f"  # type: ignore[attr-defined]
    original_own = Child.own
    timer = StageTimer()
    with timer.patched(
        {"own": (Child, "own"), "inherited": (Child, "work"), "f": (module, "function")}
    ):
        assert Child().own() == "own" and Child().work() == "base"
        assert Child().own() == "own"
        assert module.function() == "f"  # type: ignore[attr-defined]
        assert timer.calls == {"own": 2, "inherited": 1, "f": 1}
    assert Child.own is original_own
    assert "work" not in vars(Child), "an inherited method must be inherited again, not copied"
    assert Base().work() == "base"
    assert set(timer.take()) == {"own", "inherited", "f"}
    assert timer.take() == {}


def test_a_target_that_moved_fails_loudly() -> None:
    with pytest.raises(AttributeError), StageTimer().patched({"gone": (Child, "renamed")}):
        pass
    assert "renamed" not in vars(Child)
