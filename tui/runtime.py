"""What every app needs at start-up, and how stored text is shown safely."""
from __future__ import annotations

import gc
import os
from typing import TYPE_CHECKING

from rich.text import Text

from models.config import Settings, load_settings
from models.setup import open_portal
from models.text import has_control

if TYPE_CHECKING:
    from textual.app import App


def session_source(default: str) -> str:
    """Where this app runs: set by the SSH door (`ssh:<peer>`), else `default`."""
    return os.environ.get("PORTAL_SESSION_SOURCE", default)


def open_app_storage(settings: Settings | None = None) -> Settings:
    return open_portal(settings or load_settings())


def launch(app: "App") -> None:
    """Run a Textual app with start-up's objects out of the garbage collector's way.

    By the time an app runs, imports have left some 40k long-lived objects
    (modules, classes, functions) that Python's full collection walks each
    time: one full collection landed before the first frame and took ~50 ms.
    `gc.freeze()` moves what exists now into a generation the collector no
    longer scans; all of it lives as long as the process anyway.
    """
    gc.freeze()
    app.run()


def plain(value: object, style: str = "") -> Text:
    """Stored strings as inert text: no Rich markup, no terminal escapes."""
    text = "" if value is None else str(value)
    cleaned = "".join("\ufffd" if has_control(ch) and ch not in "\n\t" else ch for ch in text)
    return Text(cleaned, style=style)
