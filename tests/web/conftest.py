"""The browser door on a real port in a thread of its own, and one Chromium per module."""
from __future__ import annotations

import asyncio
import socket
import threading
from typing import Any

import pytest

from tests.web.browser import launch


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DoorThread:
    """A WebDoor running on its own event loop (Playwright's sync API owns the test's)."""

    def __init__(self, settings, **kwargs: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="web-door", daemon=True)
        self.thread.start()
        from tui.web import start_web_door

        self.door = self.call(start_web_door(settings, host="127.0.0.1", **kwargs))

    def call(self, coro, timeout: float = 30.0):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        try:
            self.call(self.door.close())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            self.loop.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()
