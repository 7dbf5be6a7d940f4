"""Logging for the SSH door: `data_dir/ssh.log` (mode 0600) and stderr.

Only the door's own logger ("portal.ssh") is routed; asyncssh's chatty INFO
lines are silenced because they contain the raw user name, and a
`register+CODE` user name carries an invitation code.
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Callable

from models.config import Settings
from models.file_modes import make_private_dirs

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOG_NAME = "ssh.log"


def door_log(settings: Settings, name: str, file_name: str, *, stderr: bool, level: int) -> tuple[logging.Logger, list[logging.Handler]]:
    """A door's own logger `name`, writing to `data_dir/file_name` (0600) and
    optionally stderr, and nowhere else; returns it and its handlers."""
    path = Path(settings.data_dir) / file_name
    make_private_dirs(path.parent)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    handlers: list[logging.Handler] = [logging.FileHandler(path, encoding="utf-8")]
    if stderr:
        handlers.append(logging.StreamHandler(sys.stderr))
    logger = logging.getLogger(name)
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    # A dictConfig run earlier in the process (import-linter's, say, in the
    # test suite) disables every logger that existed then: the door's log
    # must not go silent because of it.
    logger.disabled = False
    return logger, handlers


def configure_logging(settings: Settings, *, stderr: bool = True, level: int = logging.INFO) -> list[logging.Handler]:
    """Attach a file handler (and optionally stderr) to the "portal.ssh"
    logger; returns the handlers so an embedding command can remove them."""
    _, handlers = door_log(settings, "portal.ssh", LOG_NAME, stderr=stderr, level=level)
    logging.getLogger("asyncssh").setLevel(logging.WARNING)
    return handlers


class LogThrottle:
    """At most one log line per key (an address) per `window` seconds, so a
    flood of refusals cannot fill the disk; `take()` says how many lines were
    left out since the last one, so the log still shows the flood's size."""

    def __init__(self, clock: Callable[[], float], window: float, max_keys: int = 10_000) -> None:
        self.clock = clock
        self.window = window
        self.max_keys = max_keys
        self._last: dict[str, tuple[float, int]] = {}  # key -> (last line at, left out since)

    def take(self, key: str) -> int | None:
        """None: leave this line out. Otherwise log it, noting the count returned."""
        now = self.clock()
        last, skipped = self._last.get(key, (None, 0))
        if last is not None and now - last < self.window:
            self._last[key] = (last, skipped + 1)
            return None
        if len(self._last) >= self.max_keys:
            self._last.clear()
        self._last[key] = (now, 0)
        return skipped


def left_out(count: int) -> str:
    """' (12 more from this address not logged)' after a throttled line."""
    return f" ({count} more from this address not logged)" if count else ""
