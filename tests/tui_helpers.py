"""What the app's Pilot tests share: run a scenario with a time limit, and wait for a condition."""

from __future__ import annotations

import asyncio


def run(coro, limit: float = 60.0):
    """Run an async Pilot scenario from a plain test (no pytest-asyncio here), at most ``limit`` s."""
    return asyncio.run(asyncio.wait_for(coro, limit))


async def until(pilot, condition, timeout: float = 20.0, what: str = "the app", step: float = 0.02) -> None:
    """Let the app run until ``condition()`` holds, failing after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        if loop.time() > end:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await pilot.pause(step)


def record_notifications(app) -> list[tuple[str, str]]:
    """Every notification the app shows from now on, as (severity, message)."""
    seen: list[tuple[str, str]] = []
    original = app.notify

    def notify(message, *args, **kwargs):
        seen.append((kwargs.get("severity", "information"), str(message)))
        return original(message, *args, **kwargs)

    app.notify = notify
    return seen


class NoNotes:
    """A notes store that keeps nothing: app tests that do not test notes."""

    def get(self, target):
        return None

    def save(self, target, text):
        pass

    def recent_documents(self, limit=50):
        return []

    def close(self):
        pass
