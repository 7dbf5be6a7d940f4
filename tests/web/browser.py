"""Chromium (Debian's, driven by Playwright) and what the page's terminal shows.

xterm.js draws on a canvas, so the page has no text to read. An init script
keeps a copy of every frame the app sends over the page's websocket; the
test feeds them to a pyte screen of the same size, which gives the screen's
text as the person sees it.
"""
from __future__ import annotations

import base64
import os
import re
import shutil
import time
from urllib.parse import parse_qs, urlsplit

import pyte
import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1000, "height": 640}

TAP_FRAMES = """
(() => {
  const Native = window.WebSocket;
  window.__portal = { url: null, frames: [] };
  window.WebSocket = class extends Native {
    constructor(url, ...rest) {
      super(url, ...rest);
      window.__portal.url = String(url);
      this.addEventListener("message", (event) => {
        if (typeof event.data !== "string") window.__portal.frames.push(event.data);
      });
    }
  };
})();
"""

TAKE_FRAMES = """
() => {
  const frames = window.__portal.frames.splice(0);
  return frames.map((buffer) => {
    const bytes = new Uint8Array(buffer);
    let text = "";
    for (let i = 0; i < bytes.length; i += 8192) {
      text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
    }
    return btoa(text);
  });
}
"""


def chromium_or_skip() -> str:
    """The browser's path; tests skip without it, except in CI (CI=1), where
    its absence is a failure (.ci/run installs it)."""
    found = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if found:
        return found
    message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"{message}: required in CI", pytrace=False)
    pytest.skip(message)


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium_or_skip(), args=ARGS)


class PageScreen:
    """The app's screen in a page, read from the frames it was sent."""

    def __init__(self, page) -> None:
        self.page = page
        self.screen: pyte.Screen | None = None
        self.stream: pyte.ByteStream | None = None

    def _feed(self) -> None:
        if self.screen is None:
            url = self.page.evaluate("() => window.__portal && window.__portal.url")
            if not url:
                return
            query = parse_qs(urlsplit(url).query)
            cols, rows = int(query.get("width", ["80"])[0]), int(query.get("height", ["24"])[0])
            self.screen = pyte.Screen(cols, rows)
            self.stream = pyte.ByteStream(self.screen)
        assert self.stream is not None
        for frame in self.page.evaluate(TAKE_FRAMES):
            self.stream.feed(base64.b64decode(frame))

    def text(self) -> str:
        self._feed()
        return "\n".join(self.screen.display) if self.screen is not None else ""

    def wait_for(self, pattern: str, timeout: float = 20.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while True:
            found = re.search(pattern, self.text())
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{pattern!r} not on screen within {timeout}s; screen:\n{self.text()}")
            self.page.wait_for_timeout(50)

    def type(self, *keys: str) -> None:
        """Text, or key names in brackets ("[Enter]", "[Tab]"), one at a time."""
        self.page.locator(".xterm-helper-textarea").focus()
        for key in keys:
            if key.startswith("[") and key.endswith("]"):
                self.page.keyboard.press(key[1:-1])
            else:
                self.page.keyboard.type(key, delay=20)
            self.page.wait_for_timeout(40)


def open_page(context, url: str) -> tuple[object, PageScreen]:
    page = context.new_page()
    page.add_init_script(TAP_FRAMES)
    page.goto(url)
    return page, PageScreen(page)
