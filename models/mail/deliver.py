"""Delivering the outbox: claim due rows, send them over one SMTP connection.

The flow for one batch:

1. `claim()` takes up to `limit` due rows in one IMMEDIATE transaction:
   rows stuck in 'sending' for over ten minutes (a worker died) go back to
   'retrying' first; then `UPDATE ... SET status='sending', claimed_by=<a
   token unique to this batch> WHERE id IN (...) AND status IN
   ('queued','retrying') AND next_attempt_at <= now`, and the batch is
   re-read by its token. Two workers can never hold the same row.
2. Each claimed row without a Message-ID gets one, stored (one UPDATE for
   the batch) before anything is sent: every later try of
   that row, including one after a worker died mid-send, carries the same
   Message-ID. Delivery is at least once (a server that files a message but
   whose 250 never arrives gets it again), and the duplicate is
   recognisable.
3. One yagmail-managed connection is opened and logged in (yagmail owns TLS
   and login; `compose.py` writes each message's bytes and we call
   `yag.smtp.sendmail`, so yagmail's `send()` with its reconnect per
   message, its sleeps and its HTML mangling is never used).
4. Each row is settled as soon as its SMTP transaction ends:
   - accepted: 'sent', `sent_at`, `message_id`; the code of code-bearing
     kinds is removed from the stored context;
   - connection refused / timeout / disconnect / 4xx: 'retrying', after
     30 s, 60 s, 120 s ... at most an hour, with the reason kept;
   - 5xx for the message or its recipient: 'failed' with the server's reply.
   Problems that concern the whole connection (cannot connect, TLS, login
   refused, sender refused) never fail a message: they are retried, since
   they are fixed by fixing the server or the settings. A message still not
   sent two days after it was queued is failed.

The settle UPDATE is conditional on the claim token, so a worker that was
presumed dead cannot overwrite the row after it was reclaimed.

Codes leave no trace: the delivering connection turns on SQLite's
`secure_delete` (overwritten row bytes are zeroed) and, after a batch that
scrubbed a code, empties the WAL (`wal_checkpoint(TRUNCATE)`), so neither
the database file nor its -wal keeps an old copy of the row.

TLS: smtplib's `starttls()` and `SMTP_SSL` check no certificate unless given
a context, so one from `ssl.create_default_context()` is always passed
(a private CA can be trusted with SSL_CERT_FILE).

`deliver_all(lanes=N)` runs N batches side by side, each in its own thread
with its own connection; `DeliveryWorker` runs rounds in the background.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import smtplib
import socket
import ssl
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from peewee import Case

from .. import clock
from ..config import Settings, SmtpSettings
from ..db import database, is_sqlite
from ..tables import OutboxMessage
from ..text import single_line
from .compose import Composer, Outgoing, sender_address
from .render import CODE_KINDS, RenderError
from . import workers
from .state import GIVE_UP_AFTER, gave_up_error, mail_readiness, server_label

log = logging.getLogger(__name__)

BATCH_SIZE = 100
STUCK_AFTER = dt.timedelta(minutes=10)
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 60 * 60
CLAIMABLE = ("queued", "retrying")
REMOVED = "[removed after delivery]"


# Writes from this process's lanes queue here instead of meeting inside
# SQLite, whose busy handler sleeps a millisecond or more per collision.
# (Other processes still meet the database's busy timeout.)
_write_lock = threading.Lock()


class MailConfigError(RuntimeError):
    """The settings cannot work as they are (e.g. a login without a password)."""


@dataclass
class DeliveryReport:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    reclaimed: int = 0
    skipped: str = ""          # why nothing was tried (mail not set up)
    error: str = ""            # a connection-level problem for the batch
    message_ids: list[str] = field(default_factory=list)

    def add(self, other: "DeliveryReport") -> None:
        self.claimed += other.claimed
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.reclaimed += other.reclaimed
        self.message_ids.extend(other.message_ids)
        self.skipped = other.skipped or self.skipped
        self.error = other.error or self.error


# --- errors in words -----------------------------------------------------------


def _reply_text(raw: Any) -> str:
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    return single_line(" ".join(str(raw).split()))[:300]


def describe(exc: BaseException) -> str:
    """A short, exact description of an SMTP or network failure."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        for code, text in exc.recipients.values():
            return f"{code} {_reply_text(text)}".strip()
        return "recipient refused"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"login refused: {exc.smtp_code} {_reply_text(exc.smtp_error)}".strip()
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"sender {exc.sender} refused: {exc.smtp_code} {_reply_text(exc.smtp_error)}".strip()
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_reply_text(exc.smtp_error)}".strip()
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        text = _reply_text(exc)
        return f"server disconnected ({text})" if text else "server disconnected"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return "mail server name not found"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "timed out"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"server certificate not trusted ({_reply_text(exc.verify_message or exc.reason)})"
    if isinstance(exc, ssl.SSLError):
        return f"TLS error: {_reply_text(exc.reason or exc)}"
    if isinstance(exc, OSError):
        return _reply_text(exc.strerror or exc) or type(exc).__name__
    text = _reply_text(exc)
    return text or type(exc).__name__


def backoff(attempts: int) -> dt.timedelta:
    """Wait after the `attempts`-th failed try: 30 s, 60 s, 120 s, ... at most 1 h."""
    exponent = max(0, min(attempts - 1, 20))
    return dt.timedelta(seconds=min(BACKOFF_BASE_SECONDS * (2**exponent), BACKOFF_CAP_SECONDS))


# --- the connection ------------------------------------------------------------


def _stored_password(user: str) -> str:
    """The keyring's password for `user`, if keyring is installed; never prompts."""
    try:
        import keyring  # type: ignore[import-not-found]
    except Exception:
        return ""
    for service in ("client-portal-kiosk", "yagmail"):
        try:
            password = keyring.get_password(service, user)
        except Exception:
            password = None
        if password:
            return password
    return ""


def open_smtp(smtp: SmtpSettings, sender: str):
    """A connected (and, with a user, logged-in) yagmail client.

    Raises `MailConfigError` when the settings cannot work, or the network/SMTP
    exception of the failed connect or login.
    """
    import yagmail

    if smtp.security not in ("starttls", "ssl", "none"):
        raise MailConfigError(f"smtp security must be starttls, ssl or none, not {smtp.security!r}")
    skip_login = not smtp.user
    password = None
    if not skip_login:
        password = smtp.password or _stored_password(smtp.user)
        if not password:
            # yagmail would ask the keyring, then prompt on stdin: never let it.
            raise MailConfigError(
                f"the mail server login {smtp.user!r} has no password: set PORTAL_SMTP_PASSWORD"
            )
    user = smtp.user or sender
    # A plain "apikey"-style login would get "@gmail.com" appended; the
    # one-entry dict form keeps it as typed.
    yag_user: Any = user if "@" in user else {user: user}
    # smtplib's starttls()/SMTP_SSL without a context do not check the
    # server's certificate; the codes in these emails need a checked one.
    # (yagmail passes a dict as starttls(**dict), other kwargs to smtplib.)
    starttls: Any = {"context": ssl.create_default_context()} if smtp.security == "starttls" else False
    extra: dict[str, Any] = {"context": ssl.create_default_context()} if smtp.security == "ssl" else {}
    yag = yagmail.SMTP(
        yag_user,
        password=password,
        host=smtp.host,
        port=smtp.port,
        smtp_ssl=smtp.security == "ssl",
        smtp_starttls=starttls,
        smtp_skip_login=skip_login,
        timeout=smtp.timeout,
        soft_email_validation=False,  # addresses are checked when the message is built
        **extra,
    )
    yag.set_logging(None)
    try:
        yag.login()
    except BaseException:
        _close(yag)
        raise
    return yag


def _close(yag) -> None:
    if yag is None:
        return
    try:
        yag.close()
    except Exception:
        pass
    try:
        if yag.smtp is not None:
            yag.smtp.close()
    except Exception:
        pass


def _connected(yag) -> bool:
    return yag is not None and yag.smtp is not None and getattr(yag.smtp, "sock", None) is not None


# --- claiming ------------------------------------------------------------------


def new_worker_id(name: str = "worker") -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{name}"


def reclaim_stuck(now: dt.datetime) -> int:
    """Rows left in 'sending' by a worker that died go back to the queue."""
    return (
        OutboxMessage.update(
            status="retrying",
            last_error="delivery was interrupted; trying again",
            next_attempt_at=now,
        )
        .where((OutboxMessage.status == "sending") & (OutboxMessage.claimed_at < now - STUCK_AFTER))
        .execute()
    )


def claim(worker: str, limit: int = BATCH_SIZE, *, now: dt.datetime | None = None) -> tuple[str, list[OutboxMessage], int]:
    """Claim up to `limit` due rows for this batch.

    Returns (token, rows, reclaimed). Only rows this call moved to 'sending'
    come back, re-read by the batch's unique token.
    """
    now = now or clock.now()
    token = f"{worker}/{uuid.uuid4().hex[:12]}"
    due = (OutboxMessage.status.in_(CLAIMABLE)) & (OutboxMessage.next_attempt_at <= now)
    with _write_lock, database.atomic():
        reclaimed = reclaim_stuck(now)
        ids = [
            row.id
            for row in OutboxMessage.select(OutboxMessage.id)
            .where(due)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        ]
        if not ids:
            return token, [], reclaimed
        OutboxMessage.update(status="sending", claimed_by=token, claimed_at=now).where(
            OutboxMessage.id.in_(ids) & due
        ).execute()
        rows = list(
            OutboxMessage.select()
            .where((OutboxMessage.claimed_by == token) & (OutboxMessage.status == "sending"))
            .order_by(OutboxMessage.id)
        )
    return token, rows, reclaimed


# --- settling ------------------------------------------------------------------


def scrub_context(kind: str, context_json: str) -> str:
    """The stored context with every code removed (for code-bearing kinds)."""
    if kind not in CODE_KINDS:
        return context_json
    try:
        context = json.loads(context_json or "{}")
    except ValueError:
        return "{}"
    code = str(context.pop("code", "") or "")
    variants = sorted({v.lower() for v in (code, code.replace("-", "")) if len(v) >= 4}, key=len, reverse=True)

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            folded = value.lower()
            if any(v in folded for v in variants):  # rare: only then build a pattern
                pattern = re.compile("|".join(re.escape(v) for v in variants), re.IGNORECASE)
                return pattern.sub(REMOVED, value)
            return value
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        return value

    context = {k: clean(v) for k, v in context.items()}
    context["code_removed"] = True
    return json.dumps(context, default=str, sort_keys=True)


_SETTLE_SQL: dict[tuple[str, tuple[str, ...]], str] = {}


def _settle(row: OutboxMessage, token: str, **changes: Any) -> bool:
    """One UPDATE, only while this batch still holds the row.

    A single statement is its own transaction, so no BEGIN/COMMIT pair; the
    SQL text is built once per set of columns (this runs once per message).
    """
    names = tuple(sorted(changes))
    param = database.param  # part of the key: SQLite says ?, PostgreSQL %s
    sql = _SETTLE_SQL.get((param, names))
    if sql is None:
        meta = OutboxMessage._meta
        columns = ", ".join(f'"{meta.fields[name].column_name}" = {param}' for name in names)
        sql = _SETTLE_SQL[(param, names)] = (
            f'UPDATE "{meta.table_name}" SET {columns} '
            f'WHERE "id" = {param} AND "claimed_by" = {param} AND "status" = {param}'
        )
    fields = OutboxMessage._meta.fields
    values = [fields[name].db_value(changes[name]) for name in names]
    with _write_lock:
        cursor = database.execute_sql(sql, values + [row.id, token, "sending"])
        return bool(cursor.rowcount)


def _mark_sent(row: OutboxMessage, token: str, message_id: str, now: dt.datetime) -> bool:
    return _settle(
        row,
        token,
        status="sent",
        attempts=row.attempts + 1,
        sent_at=now,
        message_id=message_id,
        last_error="",
        context=scrub_context(row.kind, row.context),
    )


def _mark_failed(row: OutboxMessage, token: str, error: str, now: dt.datetime) -> bool:
    return _settle(
        row,
        token,
        status="failed",
        attempts=row.attempts + 1,
        last_error=error,
        context=scrub_context(row.kind, row.context),  # it will never be sent: drop the code
    )


def _mark_retry(row: OutboxMessage, token: str, error: str, now: dt.datetime) -> str:
    """'retrying' with backoff, or 'failed' once the message is too old. Returns the status."""
    attempts = row.attempts + 1
    if row.created_at is not None and now - row.created_at >= GIVE_UP_AFTER:
        _mark_failed(row, token, gave_up_error(attempts, GIVE_UP_AFTER.days, error), now)
        return "failed"
    _settle(
        row,
        token,
        status="retrying",
        attempts=attempts,
        last_error=error,
        next_attempt_at=now + backoff(attempts),
    )
    return "retrying"


def _fix_message_ids(rows: list[OutboxMessage], token: str, composer: Composer) -> list[OutboxMessage]:
    """Give each row that has none its Message-ID, stored before the first try.

    One UPDATE for the batch (a CASE on the id), while the batch still holds
    the rows. Returns the rows it holds: one reclaimed by another worker
    meanwhile is left to that worker.
    """
    chosen = {row.id: composer.new_message_id() for row in rows if not row.message_id}
    if not chosen:
        return rows
    ours = (
        OutboxMessage.id.in_(list(chosen))
        & (OutboxMessage.claimed_by == token)
        & (OutboxMessage.status == "sending")
    )
    with _write_lock:
        changed = (
            OutboxMessage.update(message_id=Case(OutboxMessage.id, list(chosen.items())))
            .where(ours & (OutboxMessage.message_id == ""))
            .execute()
        )
    held = set(chosen)
    if changed != len(chosen):  # rare: find which rows are still ours
        held = {
            row.id
            for row in OutboxMessage.select(OutboxMessage.id, OutboxMessage.message_id).where(ours)
            if row.message_id == chosen[row.id]
        }
    kept = []
    for row in rows:
        if row.id in chosen:
            if row.id not in held:
                continue
            row.message_id = chosen[row.id]
        kept.append(row)
    return kept


def _wipe_freed_space() -> None:
    """Make SQLite zero the bytes of overwritten rows (the codes) on this connection."""
    if is_sqlite():
        database.execute_sql("PRAGMA secure_delete = ON")


def _truncate_wal() -> None:
    """Fold the WAL into the database and empty it, so old copies of a row's page go too."""
    if is_sqlite():
        try:
            with _write_lock:
                database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        except Exception:  # busy readers: the next batch tries again
            log.debug("wal checkpoint postponed", exc_info=True)


# --- one batch -----------------------------------------------------------------


def send(yag, outgoing: Outgoing) -> None:
    """One SMTP transaction on an open connection; the envelope is given,
    not re-read from the headers."""
    yag.smtp.sendmail(outgoing.from_addr, [outgoing.to_addr], outgoing.data)


def _is_permanent(exc: BaseException) -> bool:
    """5xx about this message or its recipient (not about our connection or login)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return any(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, (smtplib.SMTPSenderRefused, smtplib.SMTPAuthenticationError)):
        return False
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return True  # e.g. a non-ASCII address and a server without SMTPUTF8
    return False


def _retry_rest(rows: list[OutboxMessage], token: str, report: DeliveryReport, now: dt.datetime) -> bool:
    """A problem with the whole batch (`report.error`): every row waits for
    another try. Returns whether a code-bearing row was given up on."""
    scrubbed = False
    for row in rows:
        status = _mark_retry(row, token, report.error, now)
        report.failed += status == "failed"
        report.retrying += status == "retrying"
        scrubbed |= status == "failed" and row.kind in CODE_KINDS
    return scrubbed


def send_batch(
    rows: list[OutboxMessage],
    token: str,
    settings: Settings,
    *,
    from_addr: str,
    from_name: str,
) -> DeliveryReport:
    """Send claimed rows over one connection and settle each one."""
    report = DeliveryReport(claimed=len(rows))
    if not rows:
        return report
    _wipe_freed_space()
    yag = None
    scrubbed = False
    try:
        try:
            composer = Composer(from_addr, from_name)
        except RenderError as exc:  # the practice's own address: fixed in settings, then sent
            report.error = str(exc)
            scrubbed = _retry_rest(rows, token, report, clock.now())
            return report
        rows = _fix_message_ids(rows, token, composer)
        for index, row in enumerate(rows):
            now = clock.now()
            if not _connected(yag):
                _close(yag)
                yag = None
                try:
                    yag = open_smtp(settings.smtp, from_addr)
                except Exception as exc:
                    report.error = describe(exc) if not isinstance(exc, MailConfigError) else str(exc)
                    scrubbed |= _retry_rest(rows[index:], token, report, now)
                    return report
            try:
                outgoing = composer.compose_row(row)
            except RenderError as exc:
                _mark_failed(row, token, str(exc), now)
                report.failed += 1
                scrubbed |= row.kind in CODE_KINDS
                continue
            try:
                send(yag, outgoing)
            except Exception as exc:
                error = describe(exc)
                if _is_permanent(exc):
                    _mark_failed(row, token, error, clock.now())
                    report.failed += 1
                    scrubbed |= row.kind in CODE_KINDS
                else:
                    status = _mark_retry(row, token, error, clock.now())
                    report.failed += status == "failed"
                    report.retrying += status == "retrying"
                    if not isinstance(exc, smtplib.SMTPResponseException):
                        _close(yag)  # the connection's state is unknown: start a fresh one
                        yag = None
                continue
            _mark_sent(row, token, outgoing.message_id, clock.now())
            report.sent += 1
            report.message_ids.append(outgoing.message_id)
            scrubbed |= row.kind in CODE_KINDS
    finally:
        _close(yag)
        if scrubbed:
            _truncate_wal()
    return report


def deliver_due(
    settings: Settings | None = None, *, worker: str | None = None, limit: int = BATCH_SIZE
) -> DeliveryReport:
    """Claim and send one batch of due messages. Needs an open database connection."""
    if settings is None:
        from .. import setup

        settings = setup.settings()
    reason = mail_readiness(settings)
    if reason:
        return DeliveryReport(skipped=reason)
    token, rows, reclaimed = claim(worker or new_worker_id(), limit)
    if not rows:
        return DeliveryReport(reclaimed=reclaimed)
    from ..practice import get_practice

    practice = get_practice()
    report = send_batch(
        rows,
        token,
        settings,
        from_addr=sender_address(settings.smtp.sender, practice.email),
        from_name=practice.name,
    )
    report.reclaimed = reclaimed
    return report


def _deliver_lane(settings: Settings, worker: str, limit: int, max_batches: int) -> DeliveryReport:
    total = DeliveryReport()
    for _ in range(max_batches):
        report = deliver_due(settings, worker=worker, limit=limit)
        total.add(report)
        if report.skipped or report.claimed < limit or report.sent == 0:
            break
    return total


def deliver_all(
    settings: Settings | None = None,
    *,
    worker: str | None = None,
    limit: int = BATCH_SIZE,
    lanes: int = 1,
    max_batches: int = 1000,
) -> DeliveryReport:
    """Deliver batches until nothing more is due now (or a batch made no progress).

    With `lanes` > 1, that many batches are sent at once, each by its own
    thread over its own connection (the claim keeps them apart): worth it
    when the server is slow to answer. Lane threads open their own database
    connections; the first lane runs in the calling thread.
    """
    if settings is None:
        from .. import setup

        settings = setup.settings()
    worker = worker or new_worker_id()
    if lanes <= 1:
        return _deliver_lane(settings, worker, limit, max_batches)
    if mail_readiness(settings):
        return DeliveryReport(skipped=mail_readiness(settings))
    reports = [DeliveryReport() for _ in range(lanes)]

    def lane(index: int) -> None:
        try:
            with database.connection_context():
                reports[index] = _deliver_lane(settings, f"{worker}#{index}", limit, max_batches)
        except Exception as exc:  # a lane's failure is reported, the others go on
            log.exception("mail delivery lane failed")
            reports[index] = DeliveryReport(error=describe(exc))

    threads = [threading.Thread(target=lane, args=(i,), name=f"mail-lane-{i}", daemon=True) for i in range(1, lanes)]
    for thread in threads:
        thread.start()
    reports[0] = _deliver_lane(settings, f"{worker}#0", limit, max_batches)
    for thread in threads:
        thread.join()
    total = DeliveryReport()
    for report in reports:
        total.add(report)
    return total


# --- sending a test message right now ------------------------------------------


def send_test_message(settings: Settings, to_addr: str, to_name: str = "") -> str:
    """Send one test message with `settings` now; returns its Message-ID.

    Raises `MailConfigError`, `RenderError`, or the SMTP/network exception.
    Needs an open database (for the practice's name and address).
    """
    if not settings.smtp.configured:
        raise MailConfigError(mail_readiness(settings) or "no mail server is set up")
    from ..practice import get_practice

    practice = get_practice()
    sender = sender_address(settings.smtp.sender, practice.email)
    outgoing = Composer(sender, practice.name).compose(
        "test",
        {"practice_name": practice.name, "practice_phone": practice.phone, "to_name": to_name or to_addr},
        to_addr=to_addr,
        to_name=to_name,
    )
    yag = open_smtp(settings.smtp, sender)
    try:
        send(yag, outgoing)
    finally:
        _close(yag)
    return outgoing.message_id


# --- a background worker -------------------------------------------------------


class DeliveryWorker:
    """Delivers the outbox in a background thread every `interval` seconds.

    `wake()` makes it look at once (e.g. right after staff send an invitation).
    It opens its own database connection per round.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        interval: float = 2.0,
        batch_size: int = BATCH_SIZE,
        lanes: int = 1,
        name: str = "delivery",
    ) -> None:
        self.settings = settings
        self.interval = interval
        self.batch_size = batch_size
        self.lanes = lanes
        self.worker_id = new_worker_id(name)
        self.last_report: DeliveryReport | None = None
        self.last_error: str = ""
        self.rounds = 0
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._idle = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> "DeliveryWorker":
        if self.running:
            return self
        if self.settings is None:
            from .. import setup

            self.settings = setup.settings()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"mail-{self.worker_id}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._thread = None

    def wake(self) -> None:
        self._wake.set()

    def run_once(self) -> DeliveryReport:
        """One round in the calling thread (which must have a connection)."""
        return deliver_all(self.settings, worker=self.worker_id, limit=self.batch_size, lanes=self.lanes)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._idle.clear()
            try:
                with database.connection_context():
                    self.last_report = self.run_once()
                    if not self.last_report.skipped:  # this process can send: say so
                        workers.beat(self.worker_id, server_label(self.settings))
                self.last_error = ""
            except Exception as exc:  # keep going; say what happened
                self.last_error = describe(exc)
                log.exception("mail delivery round failed")
            self.rounds += 1
            self._idle.set()
            self._wake.wait(self.interval)
            self._wake.clear()
        try:
            with database.connection_context():
                workers.forget(self.worker_id)
        except Exception:  # the database may be gone at shutdown; the heartbeat ages out
            pass

    def __enter__(self) -> "DeliveryWorker":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
