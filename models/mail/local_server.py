"""A local mail server for the demo: aiosmtpd on 127.0.0.1 filing into a Maildir.

    server = LocalMailServer(settings.maildir).start()
    worker = DeliveryWorker(local_smtp_settings(settings, server.port)).start()
    ...
    worker.stop(); server.stop()

It listens on loopback only and accepts mail for any address: every message
lands in the one Maildir the `portal mailbox` viewer shows.
"""
from __future__ import annotations

import itertools
import logging
import os
import socket
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from ..config import Settings

# aiosmtpd logs every line of every message at DEBUG, codes included; the
# portal's logs must never hold a code, whatever level they are set to.
# aiosmtpd 1.4 also warns on every login about an attribute it sets itself.
_aiosmtpd_log = logging.getLogger("mail.log")
_aiosmtpd_log.setLevel(logging.WARNING)
_aiosmtpd_log.addFilter(lambda record: "login_data is deprecated" not in record.getMessage())
from ..text import single_line

LOOPBACK = "127.0.0.1"
# Given explicitly, so aiosmtpd never calls socket.getfqdn() (a DNS lookup)
# for each connection.
SERVER_NAME = "portal-mail.localhost"


class _Controller(Controller):
    """A Controller that can bind port 0.

    aiosmtpd's readiness probe dials `self.port`; with port 0 it would dial
    port 0. Read the real port from the bound socket first.
    """

    def _trigger_server(self) -> None:
        if self.server is not None and self.server.sockets:
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class MaildirHandler:
    """Files each accepted message in a Maildir: written to tmp/, renamed into new/.

    Unlike aiosmtpd's `Mailbox` handler it keeps the bytes as received (no
    parse and re-serialise) and does not fsync each message: this is the
    demo's mailbox, and readers only ever see complete files (the rename).
    Trace headers say who sent it and to whom, as aiosmtpd's handler does.
    """

    def __init__(self, maildir: Path | str) -> None:
        self.maildir = ensure_maildir(maildir)
        self._seq = itertools.count(1)
        self._host = socket.gethostname().replace("/", "\\057").replace(":", "\\072") or "localhost"
        self.received = 0

    def _name(self) -> str:
        now_ns = time.time_ns()  # a unique file name, not a domain time
        seconds, micro = divmod(now_ns // 1000, 1_000_000)
        return f"{seconds}.M{micro}P{os.getpid()}Q{next(self._seq)}.{self._host}"

    async def handle_DATA(self, server, session, envelope) -> str:
        content = envelope.original_content or envelope.content or b""
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        trace = (
            f"X-Peer: {single_line(str(session.peer))}\r\n"
            f"X-MailFrom: {single_line(str(envelope.mail_from or ''))}\r\n"
            f"X-RcptTo: {single_line(', '.join(envelope.rcpt_tos))}\r\n"
        ).encode("utf-8")
        data = (trace + content).replace(b"\r\n", b"\n")
        name = self._name()
        tmp = self.maildir / "tmp" / name
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.rename(tmp, self.maildir / "new" / name)
        self.received += 1
        return "250 OK"


class LocalMailServer:
    """aiosmtpd on `host:port` (port 0 picks a free one) filing into `maildir`.

    `handler` replaces the Maildir handler (tests use it to refuse mail);
    other keywords go to aiosmtpd's SMTP (e.g. `tls_context`,
    `require_starttls`, `authenticator` to act like a provider's server).
    """

    def __init__(
        self,
        maildir: Path | str,
        *,
        host: str = LOOPBACK,
        port: int = 0,
        handler: Any = None,
        **smtp_options: Any,
    ) -> None:
        self.maildir = Path(maildir)
        self.host = host
        self.requested_port = port
        self.handler = handler
        self.smtp_options = smtp_options
        self._controller: _Controller | None = None

    @property
    def port(self) -> int:
        if self._controller is None:
            raise RuntimeError("The local mail server is not running.")
        return self._controller.port

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> "LocalMailServer":
        if self._controller is not None:
            return self
        handler = self.handler
        if handler is None:
            handler = self.handler = MaildirHandler(self.maildir)
        controller = _Controller(
            handler,
            hostname=self.host,
            port=self.requested_port,
            server_hostname=SERVER_NAME,
            **self.smtp_options,
        )
        try:
            controller.start()
        except BaseException:
            controller.stop(no_assert=True)
            raise
        self._controller = controller
        return self

    def stop(self) -> None:
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop(no_assert=True)

    def __enter__(self) -> "LocalMailServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def ensure_maildir(path: Path | str) -> Path:
    """Create a private Maildir (tmp/, new/, cur/) if it is not complete."""
    path = Path(path)
    for sub in ("", "tmp", "new", "cur"):
        (path / sub).mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def self_signed_certificate(directory: Path | str, host: str = LOOPBACK) -> tuple[Path, Path]:
    """A throw-away certificate for `host` (cert.pem, key.pem in `directory`).

    For a local server that behaves like a provider's (STARTTLS + login) in
    tests and the bench; clients trust it through SSL_CERT_FILE.
    """
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.timezone.utc)
    try:
        alt: x509.GeneralName = x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        alt = x509.DNSName(host)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([alt]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    os.chmod(key_path, 0o600)
    return cert_path, key_path


def provider_options(cert: Path, key: Path, user: str, password: str) -> dict[str, Any]:
    """LocalMailServer options for STARTTLS required and one login, like a mail provider."""
    import ssl

    from aiosmtpd.smtp import AuthResult, LoginPassword

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    expected = LoginPassword(user.encode(), password.encode())

    def authenticator(server, session, envelope, mechanism, auth_data):
        # handled=False: aiosmtpd answers 535 itself (by default it says nothing).
        return AuthResult(success=auth_data == expected, handled=False)

    return {
        "tls_context": context,
        "require_starttls": True,
        "authenticator": authenticator,
        "auth_require_tls": True,
    }


def local_smtp_settings(settings: Settings, port: int, *, host: str = LOOPBACK) -> Settings:
    """`settings` with delivery pointed at the local server: plain SMTP, no login."""
    smtp = replace(settings.smtp, host=host, port=int(port), security="none", user="", password="")
    return replace(settings, smtp=smtp)


def main(argv: list[str] | None = None) -> int:
    """`python -m models.mail.local_server [--port N] MAILDIR`: run the server alone.

    Prints the bound port on the first line of stdout, then serves until
    SIGTERM or SIGINT. (The bench uses it to keep the server's work out of
    the measured process, as with any real mail server.)
    """
    import argparse
    import signal
    import threading

    parser = argparse.ArgumentParser(prog="python -m models.mail.local_server")
    parser.add_argument("maildir", type=Path)
    parser.add_argument("--host", default=LOOPBACK)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"), help="require STARTTLS with this certificate")
    parser.add_argument(
        "--login", metavar="USER", help="require this login (with --tls); the password is $LOCAL_SMTP_PASSWORD"
    )
    args = parser.parse_args(argv)
    options: dict[str, Any] = {}
    if args.tls:
        options = provider_options(
            Path(args.tls[0]), Path(args.tls[1]), args.login or "", os.environ.get("LOCAL_SMTP_PASSWORD", "")
        )
        if not args.login:
            options.pop("authenticator")
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    with LocalMailServer(args.maildir, host=args.host, port=args.port, **options) as server:
        print(server.port, flush=True)
        done.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
