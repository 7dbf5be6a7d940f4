"""A client's forms at the kiosk over SSH: opening a form, answering an item.

Everything runs for real: `portal serve` (with its zygote) in its own
process on a seeded demo practice, one bench client with FORMS PHQ-9s sent,
an asyncssh client rendering into a pyte screen in this process, at 80x24.

- Opening a form: from Enter on the Forms list until the first item is on
  the client's screen ("Question 1 of 9" and the item's words). The first
  open of a session is also shown on its own row (the door's zygote has
  the forms screens imported already; a kiosk on a local terminal imports
  them on the first open, which this bench does not time).
- Answering an item: a digit key until the next item ("Question n+1 of 9",
  or "Last question") is on the client's screen, at a typist's pace.

`python -m bench forms_kiosk` runs it alone.
"""
from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import Table
from bench._sshkit import PASSWORD, ROOT, Client, Door, machine, portal_env, seed
from bench.startup_baseline import fmt_ms, percentile

FORMS = 6
OPEN_MS = 150
ITEM_P95_MS = 30
FIRST_ITEM = "Little interest or pleasure"
TYPIST_GAP = 0.12   # seconds between answers, about a quick reader's pace


def send_phq9s(data_dir: Path, email: str, n: int) -> None:
    """In a child process (this one keeps no database state): n PHQ-9s sent to the bench client."""
    subprocess.run(
        [sys.executable, "-m", "bench.forms_kiosk", "send", str(data_dir), email, str(n)],
        env=portal_env(data_dir), cwd=ROOT, check=True, capture_output=True, text=True,
    )


def _send_here(email: str, n: int) -> None:
    from models.audit import Actor
    from models.config import load_settings
    from models.forms.assignments import send_forms
    from models.forms.library import sync_builtin_forms
    from models.setup import open_portal
    from models.tables import ChartAccess, PortalAccount

    open_portal(load_settings())
    sync_builtin_forms()
    account = PortalAccount.get(PortalAccount.email == email)
    chart = ChartAccess.get((ChartAccess.account == account.id) & ChartAccess.ended_at.is_null()).client_id
    for _ in range(n):
        send_forms(Actor("staff", "frontdesk", "bench"), chart, ["phq9"], notify=False)


async def log_in(client: Client, email: str) -> None:
    await client.until_text("Log in", 30)
    client.type("\t\r")  # Welcome: Tab to "Log in", Enter (a letter would be typed as the email)
    await client.until_text("name@example.com", 30)
    await asyncio.sleep(0.3)
    client.type(email + "\t" + PASSWORD + "\r")
    await client.until_text(f"You have {FORMS} forms to complete", 30)
    await asyncio.sleep(0.5)  # the dashboard's other panes settle


async def one_form(client: Client, left: int) -> tuple[float, list[float]]:
    """Open the first form on the list and answer it; (open seconds, item seconds)."""
    sent = time.perf_counter()
    client.type("\r")
    shown = await client.until(lambda: client.has("Question 1 of 9") and client.has(FIRST_ITEM), 10, "the first item")
    opened = shown - sent
    items = []
    for n in range(1, 10):
        await asyncio.sleep(TYPIST_GAP)
        want = f"Question {n + 1} of 9" if n < 9 else "Last question"
        sent = time.perf_counter()
        client.type("1")
        items.append(await client.until_text(want, 10) - sent)
    await asyncio.sleep(TYPIST_GAP)
    client.type("1")
    await client.until_text("Review:", 10)
    await client.until(lambda: "Submit" in client.text(), 10, "the review's lines")
    await asyncio.sleep(0.2)
    client.type("\r")
    await client.until_text("Thank you!", 10)
    client.type("\r")
    words = f"You have {left - 1} form" if left > 1 else "You have no forms"
    await client.until_text(words, 10)
    await asyncio.sleep(0.3)
    return opened, items


async def measure(table: Table) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-forms-") as tmp:
        data = Path(tmp) / "data"
        email = seed(data, accounts=1)["accounts"][0]
        send_phq9s(data, email, FORMS)
        with Door(data, zygote=True) as door:
            client = await Client.open(door.port, "kiosk")
            try:
                await log_in(client, email)
                opens, items = [], []
                for k in range(FORMS):
                    opened, answered = await one_form(client, FORMS - k)
                    opens.append(opened)
                    items.extend(answered)
            finally:
                await client.close()
    table.add("first open of a session", fmt_ms(opens[0]))
    table.add(f"opening a form: Enter to the first item on screen ({FORMS} opens)",
              f"median {fmt_ms(statistics.median(opens))}, max {fmt_ms(max(opens))}",
              f"<= {OPEN_MS} ms", max(opens) * 1000 <= OPEN_MS)
    table.add(f"answering an item over SSH: key to the next item on screen ({len(items)} keys)",
              f"median {fmt_ms(statistics.median(items))}, p95 {fmt_ms(percentile(items, 95))}",
              f"p95 <= {ITEM_P95_MS} ms", percentile(items, 95) * 1000 <= ITEM_P95_MS)


def run() -> Table:
    table = Table(f"Forms at the kiosk over SSH, 80x24 ({machine()})")
    asyncio.run(measure(table))
    return table


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "send":
        _send_here(sys.argv[3], int(sys.argv[4]))
    elif len(sys.argv) == 1:
        print(run().format())
    else:
        print("usage: python -m bench.forms_kiosk [send DATA_DIR EMAIL N]", file=sys.stderr)
        sys.exit(2)
