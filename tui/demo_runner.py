"""`make demo`: a fresh demo practice, local mail, and the SSH door, until Ctrl+C."""
from __future__ import annotations

import argparse
import asyncio
import os

from tui.commands.demo import demo_env, fresh_demo_dir, print_seed_report, seed_into

WALKTHROUGH = """\
The workflow we follow, end to end (each command in its own terminal):

  1. Staff:   {ssh} staff@{host}
     Log in as frontdesk. Open the Expired queue (or search "Avery"), open
     Jordan Avery's chart, go to Communications, expand Client Portal.
     The Chart Owner box shows Expired. Open the ⋮ menu (or press the key the
     footer shows), choose Resend Invite and confirm: the tag turns Invited.
  2. Mailbox: {ssh} mailbox@{host}
     The new invitation is at the top. Open it: it has the code and a
     one-line ssh command.
  3. Client:  run the ssh line from the email (register+CODE), or
              {ssh} kiosk@{host}  and choose "I have an invitation code".
     Last name Avery, date of birth 03/14/1991, a password of 15+ characters.
  4. Log in at the kiosk with jordan.avery@example.com and that password:
     the dashboard shows documents, appointment requests and the balance.

Ctrl+C here stops everything."""


def run(args: argparse.Namespace) -> int:
    from models.config import load_settings
    from models.mail.deliver import DeliveryWorker
    from models.mail.local_server import LocalMailServer, ensure_maildir
    from tui.commands.serve import serve_until_stopped
    from tui.ssh import configure_logging

    data_dir = fresh_demo_dir(args.data_dir)
    for key in [k for k in os.environ if k.startswith("PORTAL_")]:
        del os.environ[key]  # the demo never reads the real config, data or mail server
    mail = LocalMailServer(ensure_maildir(data_dir / "maildir")).start()
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
        },
    )
    report = seed_into(data_dir, args.host, args.port)
    settings = load_settings()
    configure_logging(settings, stderr=False)
    worker = DeliveryWorker(settings, interval=1.0).start()

    def ready(door) -> None:
        print_seed_report(report, data_dir)
        ssh = f"ssh -t -p {door.port} -o StrictHostKeyChecking=accept-new"
        print(f"\nLocal mail server on 127.0.0.1:{mail.port}, filing into {data_dir / 'maildir'}")
        print(f"SSH door on {door.host}:{door.port} (host key {door.fingerprint})\n")
        print(f"  Staff workstation:  {ssh} staff@{door.host}     login frontdesk / {STAFF_PASSWORD}")
        print(f"  Client kiosk:       {ssh} kiosk@{door.host}")
        print(f"  Demo mailbox:       {ssh} mailbox@{door.host}\n")
        print(WALKTHROUGH.format(ssh=ssh, host=door.host), flush=True)

    from models.seed import STAFF_PASSWORD

    try:
        return asyncio.run(serve_until_stopped(settings, args.host, args.port, on_ready=ready))
    except KeyboardInterrupt:
        return 130
    finally:
        worker.stop()
        mail.stop()
        print("Demo stopped.")
