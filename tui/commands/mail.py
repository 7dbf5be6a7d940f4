"""`portal mail status | test ADDRESS | deliver [--loop]`."""
from __future__ import annotations

import argparse
import time


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="mail_command", metavar="ACTION", required=True)
    status = sub.add_parser("status", help="how many messages are queued, retrying, failed and sent")
    status.set_defaults(run=run_status)
    test = sub.add_parser("test", help="send a test message now with the configured mail server")
    test.add_argument("address", help="where to send it")
    test.set_defaults(run=run_test)
    deliver = sub.add_parser("deliver", help="send what is due in the outbox")
    deliver.add_argument("--loop", action="store_true", help="keep delivering until interrupted")
    deliver.add_argument("--interval", type=float, default=5.0, help="seconds between rounds with --loop (default 5)")
    deliver.add_argument(
        "--lanes", type=int, default=4, help="batches sent side by side, each over its own connection (default 4)"
    )
    deliver.set_defaults(run=run_deliver)


def _open():
    from models.config import load_settings
    from models.setup import open_portal

    return open_portal(load_settings())


def run_status(args: argparse.Namespace) -> int:
    """The outbox's counts, and the settings in force where mail is sent for
    this database: a live delivery process's own (the door's host, the demo),
    else this shell's."""
    from models import clock
    from models.mail.state import mail_readiness, outbox_counts, server_label
    from models.mail.workers import active_delivery

    settings = _open()
    counts = outbox_counts()
    for status in ("queued", "sending", "retrying", "failed", "sent"):
        print(f"{status:>9}: {counts.get(status, 0)}")
    live = active_delivery()
    print()
    if live is not None:
        print(f"Being delivered now through {live.server} (last round {live.seconds_ago(clock.now())} s ago).")
    elif mail_readiness(settings):
        print(mail_readiness(settings))
    else:
        print(f"Mail server: {server_label(settings)}. No delivery process has run in the last minute: "
              "mail leaves when `portal serve` or `portal mail deliver` runs.")
    return 0


def run_test(args: argparse.Namespace) -> int:
    from models.mail.deliver import MailConfigError, describe, send_test_message
    from models.mail.render import RenderError
    from models.mail.state import server_label

    settings = _open()
    if not settings.smtp.configured:
        from models.mail.state import mail_readiness

        print(mail_readiness(settings))
        return 2
    try:
        message_id = send_test_message(settings, args.address)
    except (MailConfigError, RenderError) as exc:
        print(f"Not sent: {exc}")
        return 2
    except Exception as exc:
        print(f"Not sent via {server_label(settings)}: {describe(exc)}")
        print(f"  ({type(exc).__name__}: {exc})")
        return 1
    print(f"Sent to {args.address} via {server_label(settings)}")
    print(f"Message-ID: {message_id}")
    return 0


def _print_report(report) -> None:
    if report.skipped:
        print(report.skipped)
        return
    if not report.claimed and not report.reclaimed:
        print("Nothing is due.")
        return
    line = f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}"
    if report.reclaimed:
        line += f", {report.reclaimed} interrupted and requeued"
    print(line + (f" ({report.error})" if report.error else ""))


def run_deliver(args: argparse.Namespace) -> int:
    from models.mail.deliver import deliver_all, new_worker_id

    settings = _open()
    worker = new_worker_id("cli")
    if not args.loop:
        report = deliver_all(settings, worker=worker, lanes=max(1, args.lanes))
        _print_report(report)
        return 1 if report.skipped else 0
    try:
        while True:
            report = deliver_all(settings, worker=worker, lanes=max(1, args.lanes))
            if report.claimed or report.reclaimed or report.skipped:
                _print_report(report)
            time.sleep(max(0.5, args.interval))
    except KeyboardInterrupt:
        return 0
