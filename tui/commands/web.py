"""`portal web`: run the browser door until Ctrl+C or SIGTERM."""
from __future__ import annotations

import argparse
import asyncio
import logging

from tui.commands.serve import STOP_SIGNALS, door_arguments, run_door


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
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    log.info("browser door ready: %s/   (Ctrl+C stops)", door.public_url)
    if on_ready is not None:
        on_ready(door)
    try:
        await stop.wait()
        log.info("stopping: closing %d session(s)", door.active_sessions)
    finally:
        await door.close()
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)
    return 0
