"""`portal web`: run the browser door until Ctrl+C or SIGTERM."""
from __future__ import annotations

import argparse
import logging

from tui.commands.serve import door_arguments, hold_until_stopped, run_door


def register(parser: argparse.ArgumentParser) -> None:
    door_arguments(parser, setting="web", default_port=8080, apps="tab")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from tui.web import configure_logging

    return run_door(args, configure_logging, serve_until_stopped)


async def serve_until_stopped(settings, host: str | None, port: int | None, on_ready=None, launcher=None) -> int:
    """Run the door until SIGINT/SIGTERM/SIGHUP; `on_ready(door)` once it listens.
    `launcher` None: apps forked from a zygote of the door's own."""
    from tui.web import start_web_door

    log = logging.getLogger("portal.web")
    try:
        door = await start_web_door(settings, host=host, port=port, launcher=launcher)
    except OSError as exc:
        log.error("cannot listen on %s port %s: %s", host or settings.web_host, port if port is not None else settings.web_port, exc)
        return 1
    log.info("browser door ready: %s/   (Ctrl+C stops)", door.public_url)
    return await hold_until_stopped(door, log, on_ready)
