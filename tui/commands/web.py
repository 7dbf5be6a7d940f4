"""`portal web`: run the browser door until Ctrl+C or SIGTERM."""
from __future__ import annotations

import argparse
import asyncio
import logging

from tui.commands.serve import STOP_SIGNALS, fresh_process_launcher, zygote_enabled


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=None, help="address to listen on (default: settings web_host, 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port to listen on (default: settings web_port, 8080; 0 picks a free port)")
    parser.add_argument(
        "--no-zygote",
        dest="zygote",
        action="store_false",
        help="start every tab's app as a fresh process instead of forking it from a pre-loaded one "
        "(also: PORTAL_SSH_ZYGOTE=0)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from models.config import load_settings
    from tui.web import configure_logging

    settings = load_settings()
    configure_logging(settings, stderr=True)
    from models.mail.deliver import DeliveryWorker
    from models.setup import open_portal

    open_portal(settings)
    # Like `portal serve`, the door's host sends the outbox (a password reset
    # asked for in the browser); two workers never take the same message.
    worker = DeliveryWorker(settings).start()
    try:
        launcher = None if args.zygote and zygote_enabled() else fresh_process_launcher()
        return asyncio.run(serve_until_stopped(settings, args.host, args.port, launcher=launcher))
    except KeyboardInterrupt:
        return 130
    finally:
        worker.stop()


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
