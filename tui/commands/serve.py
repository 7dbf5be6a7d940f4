"""`portal serve`: run the SSH door until Ctrl+C or SIGTERM."""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def door_arguments(parser: argparse.ArgumentParser, *, setting: str, default_port: int, apps: str) -> None:
    """--host, --port and --no-zygote, as both doors (ssh, web) take them."""
    parser.add_argument("--host", default=None, help=f"address to listen on (default: settings {setting}_host, 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None,
                        help=f"port to listen on (default: settings {setting}_port, {default_port}; 0 picks a free port)")
    parser.add_argument(
        "--no-zygote",
        dest="zygote",
        action="store_false",
        help=f"start every {apps}'s app as a fresh process instead of forking it from a pre-loaded one "
        "(also: PORTAL_SSH_ZYGOTE=0)",
    )


def register(parser: argparse.ArgumentParser) -> None:
    door_arguments(parser, setting="ssh", default_port=2222, apps="session")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from tui.ssh import configure_logging

    return run_door(args, configure_logging, serve_until_stopped)


def run_door(args: argparse.Namespace, configure_logging, serve) -> int:
    """Open the portal, send the outbox from this host too (two workers never
    take the same message), and run the door until a stop signal."""
    from models.config import load_settings

    settings = load_settings()
    configure_logging(settings, stderr=True)
    from models.mail.deliver import DeliveryWorker
    from models.setup import open_portal

    open_portal(settings)
    worker = DeliveryWorker(settings).start()
    try:
        launcher = None if args.zygote and zygote_enabled() else fresh_process_launcher()
        return asyncio.run(serve(settings, args.host, args.port, launcher=launcher))
    except KeyboardInterrupt:  # a second Ctrl+C during shutdown
        return 130
    finally:
        worker.stop()


def zygote_enabled() -> bool:
    return os.environ.get("PORTAL_SSH_ZYGOTE", "1").strip().lower() not in {"0", "false", "no", "off"}


def fresh_process_launcher():
    from tui.ssh import ProcessLauncher

    return ProcessLauncher()


async def serve_until_stopped(settings, host: str | None, port: int | None, on_ready=None, launcher=None) -> int:
    """Run the door until SIGINT/SIGTERM/SIGHUP; `on_ready(door)` is called once it listens.

    `launcher` None: the default (apps forked from a zygote, unless
    PORTAL_SSH_ZYGOTE=0)."""
    from tui.ssh import start_server

    log = logging.getLogger("portal.ssh")
    if launcher is None and not zygote_enabled():
        launcher = fresh_process_launcher()
    try:
        door = await start_server(settings, host=host, port=port, launcher=launcher)
    except OSError as exc:
        log.error("cannot listen on %s port %s: %s", host or settings.ssh_host, port if port is not None else settings.ssh_port, exc)
        return 1
    log.info("SSH door ready: ssh -t -p %d kiosk@%s   (Ctrl+C stops)", door.port, door.host)
    return await hold_until_stopped(door, log, on_ready)


async def hold_until_stopped(door, log: logging.Logger, on_ready=None) -> int:
    """Keep a started door (ssh or web) open until SIGINT/SIGTERM/SIGHUP, then close it."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
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
