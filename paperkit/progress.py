"""Progress reporting and cancellation shared by every long-running routine.

One convention everywhere (after k-diffusion's sampler signature): a routine takes
``callback(step, total, info)`` and ``cancel`` (anything with ``is_set()``, such as a
``threading.Event``). It calls ``report`` after each step; ``report`` raises ``Cancelled`` once the
flag is set, so the caller's worker stops cleanly between steps.
"""

from __future__ import annotations

from typing import Any, Callable, Protocol


class CancelFlag(Protocol):
    def is_set(self) -> bool: ...


Callback = Callable[[int, int, dict[str, Any]], None]


class Cancelled(Exception):
    """Raised between steps when the caller's cancel flag is set."""


def report(step: int, total: int, callback: Callback | None, cancel: CancelFlag | None, **info: Any) -> None:
    """Tell ``callback`` that ``step`` of ``total`` is done, then stop if ``cancel`` is set."""
    if callback is not None:
        callback(step, total, info)
    if cancel is not None and cancel.is_set():
        raise Cancelled(f"cancelled after step {step} of {total}")
