"""What every app needs at start-up, and how stored text is shown safely."""
from __future__ import annotations

import os
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text

from models import setup
from models.config import Settings, load_settings
from models.text import has_control

if TYPE_CHECKING:
    from textual.app import App


def session_source(default: str) -> str:
    """Where this app runs: set by the SSH door (`ssh:<peer>`), else `default`."""
    return os.environ.get("PORTAL_SESSION_SOURCE", default)


def open_app_storage(settings: Settings | None = None) -> Settings:
    return setup.open_portal(settings or load_settings())


def open_after_first_frame(app: App, settings: Settings) -> None:
    """Open the portal's storage (database, migrations, key) in a thread once
    the app's first frame is out, for an app whose first screen reads
    nothing stored (the staff sign-in; the kiosk's Welcome reads its
    practice from the file, models.practice.practice_view_before_open): the
    database layer's import and the open are 0.047-0.054 G instructions,
    5-6 % of a minimal Textual app's start (BENCHMARKS.md, "Start-up: the
    last 0.08 x"). Every worker's connection
    waits for it (models.setup.opening_elsewhere). If it fails the app ends
    and says why, as it did when the open came first."""
    setup.opening_elsewhere()

    def start() -> None:
        app.run_worker(partial(setup.open_portal_in_worker, settings), name="open-storage", group="open-storage",
                       thread=True, exit_on_error=True)

    app.call_after_refresh(start)


def plain(value: object, style: str = "") -> Text:
    """Stored strings as inert text: no Rich markup, no terminal escapes."""
    text = "" if value is None else str(value)
    if has_control(text):  # (the whole string at once first: most hold nothing to replace)
        text = "".join("\ufffd" if has_control(ch) and ch not in "\n\t" else ch for ch in text)
    return Text(text, style=style)
