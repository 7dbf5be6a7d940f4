"""Parsed CSS made at install time, so an app's first frame need not parse it.

Parsing the stylesheets of an app's first screen is ~10 ms of the kiosk's
start-up, the same every time. `make install` runs `python -m
tui.css_store`, which starts the kiosk and staff apps headless, lets them
parse what their screens use (through `tui.css_cache`), and writes each
app's parsed rules to `tui/_parsed_css-<app>.bin`: what its first screen
needs, and for the kiosk a second file (`kiosk-later`) with every other
screen's, read just after the first frame. `load()` puts a file's rules
in the process's cache; anything not in it is parsed as before.

The rules are pickled, and unpickling runs code, so the file is only as
trusted as the code beside it:
- it lives in the package directory, never in the data directory or
  anywhere an app writes; the apps only read it;
- it is read only if it is a regular file owned by the owner of this
  module's source and not writable by group or others;
- its first line names the format, Python's version and the size and
  time of each file of Textual's CSS code; any mismatch, or any error,
  and nothing is loaded.

Keys hold the full CSS text and the theme's variables (see css_cache), so
an edited stylesheet or another theme simply misses and is parsed.
"""
from __future__ import annotations

import asyncio
import json
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path

from tui import css_cache

HERE = Path(__file__).parent
FORMAT = 1


def store_path(app: str, directory: Path = HERE) -> Path:
    """One file per app, so an app reads only the rules it uses."""
    return directory / f"_parsed_css-{app}.bin"


def _header() -> bytes:
    """The format, Python, and the exact Textual CSS code the rules came from
    (size and mtime of each file of textual.css: an upgrade changes them)."""
    import textual.css

    package = Path(textual.css.__file__).parent
    files = sorted(package.glob("*.py"))
    fields = {
        "format": FORMAT,
        "python": list(sys.version_info[:2]),
        "textual.css": [[f.name, f.stat().st_size, f.stat().st_mtime_ns] for f in files],
    }
    return json.dumps(fields, sort_keys=True).encode() + b"\n"


def _trusted(file_stat: os.stat_result) -> bool:
    code_owner = os.stat(__file__).st_uid
    return (
        stat.S_ISREG(file_stat.st_mode)
        and file_stat.st_uid == code_owner
        and not file_stat.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


# Stores read into the cache by this process (or the zygote it was forked
# from), with the cache's generation then.
_loaded: set[tuple[int, Path]] = set()
_building = False  # while build() runs the apps: they must parse, not load the old store


def load(app: str, directory: Path = HERE) -> int:
    """Fill the process's parsed-CSS cache from `app`'s store; returns how
    many sources were added (0 when there is none, it cannot be trusted, or
    this process has read it already)."""
    path = store_path(app, directory)
    if _building or not css_cache.install() or (css_cache.generation, path) in _loaded:
        return 0
    try:
        with open(path, "rb") as file:
            if not _trusted(os.fstat(file.fileno())):
                return 0
            if file.readline() != _header():
                return 0
            stored = pickle.load(file)
    except Exception:  # missing, unreadable or from another build: parse as usual
        return 0
    _loaded.add((css_cache.generation, path))
    return css_cache.add_parsed(stored)


def build(directory: Path = HERE) -> dict[str, int]:
    """Run each app headless, then write what it parsed to its store.
    Returns the number of stylesheet sources stored per app."""
    global _building
    from models.config import Settings
    from models.setup import open_portal

    stored = {}
    _building = True
    try:
        with tempfile.TemporaryDirectory(prefix="portal-css-") as tmp:
            settings = open_portal(Settings(data_dir=Path(tmp) / "data"))
            for app, run in (("kiosk", _run_kiosk), ("staff", _run_staff)):
                css_cache.uninstall()
                css_cache.install()
                first: dict = {}
                asyncio.run(run(settings, lambda: first.update(css_cache.parsed())))
                later = _without(css_cache.parsed(), first)
                _write(store_path(app, directory), first)
                stored[app] = _count(first)
                if _count(later):
                    _write(store_path(f"{app}-later", directory), later)
                    stored[f"{app}-later"] = _count(later)
    finally:
        _building = False
        css_cache.uninstall()
    return stored


def _without(parsed: dict, first: dict) -> dict:
    return {v: {k: r for k, r in entries.items() if k not in first.get(v, {})} for v, entries in parsed.items()}


def _count(parsed: dict) -> int:
    return sum(len(entries) for entries in parsed.values())


def _write(path: Path, parsed: dict) -> None:
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".parsed_css-")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(_header())
            pickle.dump(parsed, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        os.unlink(tmp_name)
        raise


async def _run_kiosk(settings, first_frame_done) -> None:
    from tui.kiosk.app import KioskApp
    from tui.kiosk.dashboard import DashboardScreen
    from tui.kiosk.forgot_password import ForgotPasswordScreen
    from tui.kiosk.idle import IdleWarningScreen
    from tui.kiosk.login import LoginScreen
    from tui.kiosk.register import RegisterScreen
    from tui.kiosk.registered import RegisteredScreen

    app = KioskApp(settings=settings, source="css-store")
    preload, app._preload_styles = app._preload_styles, lambda: None  # after the snapshot
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        first_frame_done()
        preload()  # every kiosk screen's stylesheet, as just after the first frame
        # Each screen once (empty, nobody signed in), so the default CSS of
        # every widget type they use is parsed too.
        for screen in (LoginScreen(), RegisterScreen(), RegisteredScreen("someone@example.com"),
                       ForgotPasswordScreen(), DashboardScreen(), IdleWarningScreen(30)):
            await app.push_screen(screen)
            await pilot.pause()


async def _run_staff(settings, first_frame_done) -> None:
    from tui.staff.app import StaffApp

    app = StaffApp(source="css-store")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        first_frame_done()


if __name__ == "__main__":
    # The apps use `tui.css_store`, not this `__main__` copy of the module.
    from tui import css_store

    for app, count in css_store.build().items():
        print(f"{app}: parsed CSS of {count} stylesheet source(s) written to {css_store.store_path(app)}")
