"""Logging for the browser door: `data_dir/web.log` (mode 0600) and stderr.

Requests are logged by headers.AccessLogger ("portal.web.access"), which
never writes an invitation link's code or a query string.
"""
from __future__ import annotations

import logging

from models.config import Settings
from tui.ssh.logs import door_log

LOG_NAME = "web.log"


def configure_logging(settings: Settings, *, stderr: bool = True, level: int = logging.INFO) -> list[logging.Handler]:
    """Attach a file handler (and optionally stderr) to the "portal.web"
    logger; returns the handlers so an embedding command can remove them."""
    _, handlers = door_log(settings, "portal.web", LOG_NAME, stderr=stderr, level=level)
    logging.getLogger("portal.web.access").disabled = False
    # aiohttp's own loggers never see a request line (our access logger
    # writes those), but keep their chatter out.
    logging.getLogger("aiohttp").setLevel(logging.WARNING)
    return handlers
