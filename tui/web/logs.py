"""Logging for the browser door: `data_dir/web.log` (mode 0600) and stderr.

Requests are logged by headers.AccessLogger ("portal.web.access"), which
never writes an invitation link's code or a query string.
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from models.config import Settings
from models.file_modes import make_private_dirs
from tui.ssh.logs import FORMAT

LOG_NAME = "web.log"


def configure_logging(settings: Settings, *, stderr: bool = True, level: int = logging.INFO) -> list[logging.Handler]:
    """Attach a file handler (and optionally stderr) to the "portal.web"
    logger; returns the handlers so an embedding command can remove them."""
    path = Path(settings.data_dir) / LOG_NAME
    make_private_dirs(path.parent)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    handlers: list[logging.Handler] = [logging.FileHandler(path, encoding="utf-8")]
    if stderr:
        handlers.append(logging.StreamHandler(sys.stderr))
    logger = logging.getLogger("portal.web")
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    logger.disabled = False
    logging.getLogger("portal.web.access").disabled = False
    # aiohttp's own loggers never see a request line (our access logger
    # writes those), but keep their chatter out.
    logging.getLogger("aiohttp").setLevel(logging.WARNING)
    return handlers
