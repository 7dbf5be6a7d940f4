"""What every response of the browser door carries, and a log without codes."""
from __future__ import annotations

import logging
import re
from typing import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

BUNDLED_STYLE_HASHES = (
    "'sha256-03EiY9OLVCaCQVNKUgCYxdI11BJ8pKsqSKUlTlszVsE='",  # textual.js: h1, body, .textual-terminal
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # xterm.js: an empty <style>
)


def content_security_policy(public_url: str) -> str:
    """Only this site: scripts, styles, fonts, images and the app's websocket.

    `connect-src` names the websocket's own ws:/wss: origin as well as
    'self', for browsers whose 'self' does not yet cover websockets."""
    parts = urlsplit(public_url)
    ws_scheme = "wss" if parts.scheme == "https" else "ws"
    return "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            # textual.js inserts one fixed <style> (the same rules as our
            # portal.css) and xterm.js an empty one: allowed by hash, not
            # by 'unsafe-inline'.
            f"style-src 'self' {' '.join(BUNDLED_STYLE_HASHES)}",
            "font-src 'self'",
            "img-src 'self'",
            f"connect-src 'self' {ws_scheme}://{parts.netloc}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        )
    )


def security_headers(public_url: Callable[[], str], *, no_store: Callable[[str], bool]) -> Callable[[web.Request, web.StreamResponse], Awaitable[None]]:
    """A handler for `app.on_response_prepare`: the headers go on every
    response (pages, static files, errors, the websocket's handshake).
    `public_url()`: the door's address as it is now (known once it listens);
    `no_store(path)`: whether that page must never be cached (the app's)."""
    fixed = {
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Cross-Origin-Opener-Policy": "same-origin",
    }

    async def on_prepare(request: web.Request, response: web.StreamResponse) -> None:
        response.headers.update(fixed)
        response.headers["Content-Security-Policy"] = content_security_policy(public_url())
        if no_store(request.path):
            response.headers["Cache-Control"] = "no-store"

    return on_prepare


_LINK_PATH = re.compile(r"^/r/[^?]*")


def redact(path: str) -> str:
    """A request path fit for the log: an invitation link's code is a secret."""
    return _LINK_PATH.sub("/r/<code>", path)


class AccessLogger(AbstractAccessLogger):
    """One line per request, with link codes and query strings left out."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %s %d %.3fs",
            request.remote or "-",
            request.method,
            redact(request.path),
            response.status,
            time,
        )

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)
