"""What every app needs at start-up, and how stored text is shown safely."""
from __future__ import annotations

import os

from rich.text import Text

from models.config import Settings, load_settings
from models.setup import open_portal
from models.text import has_control


def session_source(default: str) -> str:
    """Where this app runs: set by the SSH door (`ssh:<peer>`), else `default`."""
    return os.environ.get("PORTAL_SESSION_SOURCE", default)


def open_app_storage(settings: Settings | None = None) -> Settings:
    return open_portal(settings or load_settings())


def plain(value: object, style: str = "") -> Text:
    """Stored strings as inert text: no Rich markup, no terminal escapes."""
    text = "" if value is None else str(value)
    cleaned = "".join("\ufffd" if has_control(ch) and ch not in "\n\t" else ch for ch in text)
    return Text(cleaned, style=style)
