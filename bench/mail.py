"""Mail delivery: 1,000 queued invitations through the outbox to a local aiosmtpd.

The outbox worker (claim a batch, one logged-in yagmail connection per
batch, `send_message` per row, settle each row; `lanes` batches at once) is
compared, in the same run and against the same server, with the naive way:
for each queued row, render, `yag.send()` (which connects and logs in again
every time), mark the row sent.

Two server set-ups are measured:
- provider-like (the product's default `security = "starttls"` with a
  login): aiosmtpd requiring STARTTLS and AUTH, with a throw-away
  certificate the sender is told to trust (SSL_CERT_FILE). The targets
  apply here: this is how a practice sends mail.
- plain (the demo: no TLS, no login), for information. There the only
  per-message saving is a TCP connect and EHLO on loopback, so the shared
  cost (building MIME, aiosmtpd's own work) bounds the gain.

The server runs in its own process, as any real mail server does; in this
process its work would be billed to the sender and share its GIL.
"""
from __future__ import annotations

import mailbox
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from bench import Table

MESSAGES = 1_000
LANES = 4
NAIVE_MESSAGES = 200
ROUNDS = 3
TARGET_SECONDS = 10.0
TARGET_RATIO = 3.0
USER = "mailer@riverside.example"
PASSWORD = "bench relay password, thrown away"


def _context(i: int) -> dict:
    return {
        "practice_name": "Riverside Counseling",
        "practice_phone": "(555) 010-2000",
        "to_name": f"Client {i}",
        "client_name": f"Client {i}",
        "relationship": "self",
        "invited_by": "Fran Desk",
        "code": f"BNCH-{i:04d}-ABCD-EFGH",
        "expires_at": "2026-11-27T20:00:00",
        "time_zone": "America/New_York",
        "ssh_host": "portal.riverside.example",
        "ssh_port": 2222,
        "is_resend": False,
    }


def _count(maildir: Path) -> int:
    return len(mailbox.Maildir(maildir, create=False).keys())


@contextmanager
def mail_server_process(maildir: Path, *, tls: tuple[Path, Path] | None = None):
    """aiosmtpd in a child process; yields its port."""
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-m", "models.mail.local_server", str(maildir)]
    if tls:
        command += ["--tls", str(tls[0]), str(tls[1]), "--login", USER]
        env["LOCAL_SMTP_PASSWORD"] = PASSWORD
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, env=env, text=True)
    try:
        line = proc.stdout.readline()
        if not line.strip().isdigit():
            raise RuntimeError(f"the mail server did not start: {line!r}")
        yield int(line)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _fill(prefix: str, count: int = MESSAGES) -> None:
    from models.db import database
    from models.outbox import enqueue

    with database.atomic():
        for i in range(count):
            enqueue("invitation", f"{prefix}{i}@example.com", f"Client {i}", _context(i))


def _naive(settings, prefix: str) -> tuple[float, int]:
    """The naive delivery loop over NAIVE_MESSAGES queued rows; (seconds, sent)."""
    import json

    import yagmail

    from models.mail.render import render_parts
    from models.tables import OutboxMessage

    smtp = settings.smtp
    yag = yagmail.SMTP(
        smtp.user or "frontdesk@riverside.example",
        password=smtp.password or None,
        host=smtp.host,
        port=smtp.port,
        smtp_ssl=False,
        smtp_starttls=smtp.security == "starttls",
        smtp_skip_login=not smtp.user,
        timeout=10,
    )
    yag.set_logging(None)
    rows = list(
        OutboxMessage.select()
        .where(OutboxMessage.to_addr.startswith(prefix) & (OutboxMessage.status == "queued"))
        .limit(NAIVE_MESSAGES)
    )
    sent = 0
    started = time.perf_counter()
    for row in rows:
        parts = render_parts(row.kind, json.loads(row.context))
        if yag.send(to=row.to_addr, subject=parts.subject, contents=[parts.text, parts.html]) is not False:
            row.status = "sent"
            row.save()
            sent += 1
    seconds = time.perf_counter() - started
    yag.close()
    return seconds, sent


def _measure(table: Table, label: str, settings, *, targets: bool) -> None:
    """Best of ROUNDS for both ways (the box may be shared), plus one 1-lane run."""
    from models.mail.deliver import deliver_all
    from models.tables import OutboxMessage

    # Warm-up, not timed: templates compiled, modules imported, caches filled.
    _fill(f"{label}-warm-", 20)
    deliver_all(settings, worker=f"bench-{label}-warm")
    _fill(f"{label}-warm-naive-", 5)
    _naive(settings, f"{label}-warm-naive-")

    lanes_runs, naive_runs, sent_ok = [], [], True
    for r in range(ROUNDS):
        _fill(f"{label}-lanes{r}-")
        started = time.perf_counter()
        report = deliver_all(settings, worker=f"bench-{label}", lanes=LANES)
        lanes_runs.append(time.perf_counter() - started)
        sent_ok &= report.sent == MESSAGES and report.failed == 0

        _fill(f"{label}-naive{r}-", NAIVE_MESSAGES)
        naive_s, naive_sent = _naive(settings, f"{label}-naive{r}-")
        naive_runs.append(naive_s)
        sent_ok &= naive_sent == NAIVE_MESSAGES

    _fill(f"{label}-one-")
    started = time.perf_counter()
    one = deliver_all(settings, worker=f"bench-{label}-1")
    one_s = time.perf_counter() - started
    sent_ok &= one.sent == MESSAGES

    OutboxMessage.delete().where(
        OutboxMessage.to_addr.contains(f"{label}-naive") | OutboxMessage.to_addr.startswith(f"{label}-warm-")
    ).execute()

    lanes_s, naive_s = min(lanes_runs), min(naive_runs)
    rate, one_rate, naive_rate = MESSAGES / lanes_s, MESSAGES / one_s, NAIVE_MESSAGES / naive_s
    tick = targets or None
    table.add(
        f"[{label}] {MESSAGES:,} delivered, {LANES} lanes (worst of {ROUNDS})",
        f"{max(lanes_runs):.2f} s",
        f"< {TARGET_SECONDS:.0f} s" if targets else "",
        (max(lanes_runs) < TARGET_SECONDS) if tick else None,
    )
    table.add(f"[{label}] msgs/s, outbox, {LANES} lanes (best of {ROUNDS})", f"{rate:,.0f}/s")
    table.add(f"[{label}] msgs/s, outbox, 1 lane", f"{one_rate:,.0f}/s")
    table.add(f"[{label}] msgs/s, naive yag.send() loop (best of {ROUNDS} x {NAIVE_MESSAGES})", f"{naive_rate:,.0f}/s")
    table.add(
        f"[{label}] speed-up over naive, {LANES} lanes",
        f"{rate / naive_rate:.1f}x",
        f">= {TARGET_RATIO:.0f}x" if targets else "",
        (rate / naive_rate >= TARGET_RATIO) if tick else None,
    )
    table.add(f"[{label}] speed-up over naive, 1 lane", f"{one_rate / naive_rate:.1f}x")
    table.add(f"[{label}] every run sent all, none failed", "yes" if sent_ok else "no", "yes", sent_ok)


def run() -> Table:
    from dataclasses import replace

    from models.config import Settings, SmtpSettings
    from models.db import database
    from models.mail.local_server import local_smtp_settings, self_signed_certificate
    from models.practice import update_practice
    from models.setup import open_portal
    from models.tables import OutboxMessage

    table = Table(f"Mail delivery: {MESSAGES:,} invitations to aiosmtpd on 127.0.0.1 (its own process)")
    saved_cert_file = os.environ.get("SSL_CERT_FILE")
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as tmp:
        settings = open_portal(Settings(data_dir=Path(tmp) / "data"))
        update_practice(name="Riverside Counseling", email="frontdesk@riverside.example")
        try:
            cert, key = self_signed_certificate(Path(tmp) / "tls")
            os.environ["SSL_CERT_FILE"] = str(cert)  # the sender trusts the throw-away certificate
            with mail_server_process(Path(tmp) / "provider", tls=(cert, key)) as port:
                smtp = SmtpSettings(host="127.0.0.1", port=port, security="starttls", user=USER, password=PASSWORD)
                _measure(table, "starttls+login", replace(settings, smtp=smtp), targets=True)
                filed = _count(Path(tmp) / "provider")
            with mail_server_process(Path(tmp) / "plain") as port:
                _measure(table, "plain", local_smtp_settings(settings, port), targets=False)
                filed += _count(Path(tmp) / "plain")
            sent_rows = OutboxMessage.select().where(OutboxMessage.status == "sent").count()
            rows = (ROUNDS + 1) * MESSAGES  # per set-up; naive and warm-up rows were deleted
            expected = 2 * (rows + ROUNDS * NAIVE_MESSAGES + 25)  # 25: the warm-up
            table.add(
                "messages filed / outbox rows sent (each once)",
                f"{filed:,} / {sent_rows:,}",
                f"{expected:,} / {2 * rows:,}",
                filed == expected and sent_rows == 2 * rows,
            )
        finally:
            if saved_cert_file is None:
                os.environ.pop("SSL_CERT_FILE", None)
            else:
                os.environ["SSL_CERT_FILE"] = saved_cert_file
            database.obj.close()
    return table
