"""`portal demo seed` and `portal demo run` (`make demo`): the demo practice in its own data dir,
and for `run` a local mail server and the SSH door, until Ctrl+C."""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
from pathlib import Path

DEFAULT_DIR = Path("demo-data")
KEEP = {"ssh_host_ed25519_key", "ssh_host_ed25519_key.pub"}  # same fingerprint across demo runs


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="demo_command", metavar="ACTION", required=True)
    seed = sub.add_parser("seed", help="create a fresh demo database and seed the demo practice")
    seed.add_argument("--data-dir", type=Path, default=DEFAULT_DIR, help="demo data dir (default: ./demo-data)")
    seed.set_defaults(run=run_seed)
    run = sub.add_parser("run", help="seed, then run the local mail server and the SSH door")
    run.add_argument("--data-dir", type=Path, default=DEFAULT_DIR, help="demo data dir (default: ./demo-data)")
    run.add_argument("--host", default="127.0.0.1", help="address the SSH door listens on")
    run.add_argument("--port", type=int, default=2222, help="SSH port (default 2222)")
    run.add_argument("--web-port", type=int, default=8080, help="browser door's port (default 8080, or the next free one)")
    run.set_defaults(run=run_demo)
    code = sub.add_parser("code", help="the two-factor code a demo staff user's authenticator app would show now")
    code.add_argument("username", help="frontdesk, drlee or admin")
    code.add_argument("--data-dir", type=Path, default=DEFAULT_DIR, help="demo data dir (default: ./demo-data)")
    code.set_defaults(run=run_code)


def fresh_demo_dir(path: Path) -> Path:
    """Empty the demo dir (never the real data dir), keeping the SSH host key."""
    path = path.resolve()
    path.mkdir(parents=True, exist_ok=True)
    for child in path.iterdir():
        if child.name in KEEP:
            continue
        shutil.rmtree(child) if child.is_dir() else child.unlink()
    os.chmod(path, 0o700)
    return path


def demo_env(data_dir: Path, ssh_port: int, extra: dict[str, str] | None = None) -> None:
    """Point this process, and every app the SSH door starts, at the demo."""
    os.environ.update(
        {
            "PORTAL_DATA_DIR": str(data_dir),
            "PORTAL_DEMO": "1",
            "PORTAL_SSH_PORT": str(ssh_port),
            **(extra or {}),
        }
    )
    os.environ.pop("PORTAL_DATABASE_URL", None)
    os.environ.pop("PORTAL_CONFIG", None)


def seed_into(data_dir: Path, host: str, port: int):
    from models.config import load_settings
    from models.seed import seed_demo
    from models.setup import open_portal

    open_portal(load_settings(config_path=Path("/nonexistent")))
    return seed_demo(portal_host=host, portal_port=port)


def print_seed_report(report, data_dir: Path) -> None:
    from models.seed import CLIENT_PASSWORD, STAFF_PASSWORD

    print(f"Demo practice seeded in {data_dir}")
    print(f"  {report.charts} charts: " + ", ".join(f"{n} {label}" for label, n in sorted(report.by_state.items())))
    print(f"  Staff logins (password: {STAFF_PASSWORD}): " + ", ".join(report.staff))
    print("  Staff over SSH also type a two-factor code: `.venv/bin/portal demo code frontdesk` shows it")
    print("  (frontdesk and drlee are set up; admin sets it up at the first sign-in).")
    print(f"  Client logins (password: {CLIENT_PASSWORD}):")
    for email, who in report.logins:
        print(f"    {email:32} {who}")


def run_code(args: argparse.Namespace) -> int:
    from models.config import load_settings
    from models.errors import DomainError
    from models.setup import open_portal
    from models.two_factor import demo_code

    demo_env(args.data_dir.resolve(), 2222)
    open_portal(load_settings(config_path=Path("/nonexistent")), migrate=False)
    try:
        print(demo_code(args.username))
    except DomainError as exc:
        print(exc.message)
        return 1
    return 0


def run_seed(args: argparse.Namespace) -> int:
    data_dir = fresh_demo_dir(args.data_dir)
    demo_env(data_dir, 2222)
    print_seed_report(seed_into(data_dir, "127.0.0.1", 2222), data_dir)
    return 0


WALKTHROUGH = """\
The workflow we follow, end to end (each command in its own terminal):

  1. Staff:   {ssh} staff@{host}
     Log in as frontdesk; staff over SSH also type a two-factor code:
     `.venv/bin/portal demo code frontdesk` in another terminal shows the
     one an authenticator app would. Type "avery" (anywhere on the client list) and
     press Enter: Jordan Avery's chart opens (or F4 for the Expired
     invitations queue). Press F3 for Comms: the Chart Owner box shows
     Expired. Ctrl+O opens the ⋮ menu; choose Resend Invite. The dialog
     opens on Cancel: Tab, then Enter, to resend. The tag turns Invited.
  2. Mailbox: {ssh} mailbox@{host}
     The new invitation is at the top. Open it: it has the code, a
     one-line ssh command and the fingerprint of this door's host key.
  3. Client:  run the ssh line from the email (register+CODE), or
              {ssh} kiosk@{host}  and press F2 (I have an invitation code).
     Last name Avery, date of birth 03/14/1991, a password of 15+ characters.
  4. Log in at the kiosk: on the Welcome screen just type
     jordan.avery@example.com, Tab, the password, Enter. The intake forms
     sent with the invitation come first (Forms, F7): a PHQ-9 one question
     to a screen (digits answer), the consents with a typed signature.
     F3-F6: documents, appointment requests, balance, account.
  5. Staff again: Riley Brooks' chart, F8 Forms: six months of PHQ-9 and
     GAD-7 with their trend, and a risk alert to acknowledge with a note;
     F5 on the client list is the work queue. Sign in as drlee for the
     clinician's view, as admin (F9) for the staff users.

Ctrl+C here stops everything."""


def free_port_from(host: str, port: int, tries: int = 20) -> int:
    """`port`, or the next one up that is free on `host`, else any free one."""
    import socket

    for candidate in [*range(port, port + tries), 0]:
        with socket.socket() as probe:
            try:
                probe.bind((host, candidate))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise OSError(f"no free port on {host}")


def run_demo(args: argparse.Namespace) -> int:
    """Seed, then run local mail, the delivery worker and the SSH door until Ctrl+C."""
    from models.config import load_settings
    from models.mail.deliver import DeliveryWorker
    from models.mail.local_server import LocalMailServer, ensure_maildir
    from tui.commands.serve import serve_until_stopped
    from tui.ssh import configure_logging
    from tui.web import configure_logging as configure_web_logging
    from tui.web import start_web_door

    data_dir = fresh_demo_dir(args.data_dir)
    for key in [k for k in os.environ if k.startswith("PORTAL_")]:
        del os.environ[key]  # the demo never reads the real config, data or mail server
    mail = LocalMailServer(ensure_maildir(data_dir / "maildir")).start()
    # The browser door's port is known before seeding: the invitations link to it.
    web_port = free_port_from(args.host, args.web_port)
    demo_env(
        data_dir,
        args.port,
        {
            "PORTAL_CONFIG": str(data_dir / "no-config.toml"),
            "PORTAL_SMTP_HOST": "127.0.0.1",
            "PORTAL_SMTP_PORT": str(mail.port),
            "PORTAL_SMTP_SECURITY": "none",
            "PORTAL_SSH_HOST": args.host,
            # Every demo terminal comes from 127.0.0.1 (staff, kiosk, mailbox,
            # a registration): more than a real address needs at once.
            "PORTAL_SSH_MAX_SESSIONS_PER_ADDRESS": "16",
            "PORTAL_SSH_MAX_CONNECTIONS_PER_ADDRESS": "16",
            "PORTAL_WEB_HOST": args.host,
            "PORTAL_WEB_PORT": str(web_port),
            "PORTAL_WEB_PUBLIC_URL": f"http://{args.host}:{web_port}",
        },
    )
    report = seed_into(data_dir, args.host, args.port)
    settings = load_settings()
    configure_logging(settings, stderr=False)
    configure_web_logging(settings, stderr=False)
    worker = DeliveryWorker(settings, interval=1.0).start()
    web = None

    def ready(door) -> None:
        print_seed_report(report, data_dir)
        ssh = f"ssh -t -p {door.port} -o StrictHostKeyChecking=accept-new"
        print(f"\nLocal mail server on 127.0.0.1:{mail.port}, filing into {data_dir / 'maildir'}")
        print(f"SSH door on {door.host}:{door.port} (host key {door.fingerprint})\n")
        print(f"  Staff workstation:  {ssh} staff@{door.host}     login frontdesk / {STAFF_PASSWORD}")
        print(f"  Client kiosk:       {ssh} kiosk@{door.host}")
        print(f"  Demo mailbox:       {ssh} mailbox@{door.host}")
        print(f"  Browser door:       {web.public_url}/   (the invitation's link opens here)\n")
        print(WALKTHROUGH.format(ssh=ssh, host=door.host), flush=True)

    from models.seed import STAFF_PASSWORD

    async def serve_both() -> int:
        nonlocal web
        web = await start_web_door(settings, host=args.host, port=web_port)
        try:
            return await serve_until_stopped(settings, args.host, args.port, on_ready=ready)
        finally:
            await web.close()

    try:
        return asyncio.run(serve_both())
    except KeyboardInterrupt:
        return 130
    finally:
        worker.stop()
        mail.stop()
        print("Demo stopped.")
