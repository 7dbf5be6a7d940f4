"""The browser door: textual-serve's Server, serving the kiosk only.

Each websocket (one browser tab) gets its own kiosk process (see
apps.KioskProcess), admitted under the SSH door's limits (tui.ssh.limits:
sessions in all, per address or IPv6 /64 with the last slots kept for
addresses holding none, a connect rate per address, the idle and absolute
session limits). Closing the tab hangs up its app.

An invitation link, `/r/CODE`, is exchanged for a single-use cookie (see
links.py) scoped to the websocket's path; the websocket hands the code to
its own app on a pipe. What the browser then shows is `/`: the code is not
in the address bar, the history, a Referer or the log.

What this leans on inside textual-serve 1.1.3 (pinned; none of it is public
API, so an upgrade must re-check it): `Server._make_app` (the aiohttp app
with its routes, to which ours are added), `Server._process_messages` (the
websocket's input loop) and `AppService._task` (to notice the app's end);
and aiohttp's `site._server` for the bound port. Upstream text: "Server:
a hook to admit a websocket and pass per-connection data (e.g. a code) to
the app it starts, and a public way to await the app's end."
"""
from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from urllib.parse import urlsplit

import textual_serve
from aiohttp import WSCloseCode, web
from textual_serve.server import Server, to_int

from models.config import Settings
from tui.ssh.limits import (
    ConnectionRateLimiter,
    DoorLimits,
    MonotonicClock,
    PerAddress,
    SlotPool,
    address_key,
    human_duration,
)
from tui.ssh.pty_bridge import Launcher, clamp_size

from .apps import KioskProcess, default_launcher
from .headers import AccessLogger, security_headers
from .links import STALE_LINK_CODE, PendingLinks, code_from_path
from .page_script import page_script

log = logging.getLogger("portal.web")

HERE = Path(__file__).parent
TEXTUAL_SERVE_STATIC = Path(textual_serve.__file__).parent / "static"  # xterm.js, textual.js, the font
LINK_COOKIE = "portal_link"
TITLE = "Client portal"

MSG_BUSY = "The portal is busy right now. Please try again in a few minutes."
MSG_SESSIONS_HERE = "Too many portal windows are open from your address ({n}). Please close one and try again."
MSG_RATE = "Too many new sessions from your address. Please wait {s} seconds and try again."
MSG_SHUTDOWN = "The portal is restarting. Please try again in a minute."
MSG_START_FAILED = "Sorry, the portal could not start just now. Please try again in a minute."
MSG_IDLE = "Session closed after {t} without input."
MSG_TIME_LIMIT = "Session closed: the {t} session limit was reached."


def terminal_text(message: str) -> bytes:
    """A message for the page's terminal, on a cleared screen."""
    return b"\x1b[?1049l\x1b[0m\x1b[2J\x1b[H\r\n  " + message.encode("utf-8") + b"\r\n"


class WebDoor(Server):
    """Create, `await start()`, read `.public_url`, `await close()`."""

    def __init__(
        self,
        settings: Settings,
        *,
        host: str | None = None,
        port: int | None = None,
        limits: DoorLimits | None = None,
        clock: MonotonicClock = time.monotonic,
        launcher: Launcher | None = None,
    ) -> None:
        super().__init__(
            "portal kiosk",
            host=host or settings.web_host,
            port=settings.web_port if port is None else port,
            title=TITLE,
            public_url=settings.web_public_url.rstrip("/") or None,
            statics_path=TEXTUAL_SERVE_STATIC,
            templates_path=HERE / "templates",
        )
        self.settings = settings
        self._owns_launcher = launcher is None
        self.launcher = launcher or default_launcher(settings)
        self._fixed_public_url = bool(settings.web_public_url)
        self.limits = limits or DoorLimits.from_settings(settings)
        self.clock = clock
        self.links = PendingLinks(clock=clock)
        self.rate = ConnectionRateLimiter(self.limits.connect_burst, self.limits.connect_window, clock)
        self.slots = SlotPool(self.limits.max_sessions)
        self.sessions_here = PerAddress(self.limits.max_sessions_per_address)
        self._sockets: set[web.WebSocketResponse] = set()
        self._apps: set[KioskProcess] = set()
        self._no_sessions = asyncio.Event()   # set while no session holds a slot
        self._no_sessions.set()
        self._closing = False
        self._runner: web.AppRunner | None = None

    @property
    def active_sessions(self) -> int:
        return self.slots.in_use

    @property
    def secure(self) -> bool:
        return self.public_url.startswith("https:")

    # --- the aiohttp application ------------------------------------------------

    async def _make_app(self) -> web.Application:
        import aiohttp_jinja2
        import jinja2

        app = web.Application()
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path), autoescape=True)
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/r/{code}", self.handle_link, name="link"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/favicon.ico", self.handle_no_icon),
                web.get("/assets/textual.js", self.handle_page_script),  # before /assets' files
                web.static("/static", self.statics_path, name="static"),
                web.static("/assets", HERE / "static", name="assets"),
            ]
        )
        app.on_response_prepare.append(
            security_headers(lambda: self.public_url, no_store=lambda path: not path.startswith(("/static/", "/assets/")))
        )
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def start(self) -> None:
        """Listen (port 0: a free one); `public_url` then names the real port."""
        if self._owns_launcher and hasattr(self.launcher, "start"):
            try:
                await self.launcher.start()  # type: ignore[attr-defined]
            except Exception as exc:  # tabs fall back to fresh processes
                log.warning("app launcher did not start: %s", exc)
        self._runner = web.AppRunner(
            await self._make_app(),
            access_log_class=AccessLogger,
            access_log=logging.getLogger("portal.web.access"),
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server
        if server is not None and server.sockets:  # type: ignore[union-attr]
            self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        if not self._fixed_public_url:
            self.public_url = f"http://{self.host}:{self.port}"

    async def close(self) -> None:
        """Hang up every app and stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()  # runs on_shutdown
            self._runner = None
        for app in list(self._apps):
            app.kill()
        if self._owns_launcher and hasattr(self.launcher, "close"):
            await self.launcher.close()  # type: ignore[attr-defined]

    async def on_shutdown(self, app: web.Application) -> None:
        self._closing = True
        await asyncio.gather(
            *(ws.close(code=WSCloseCode.GOING_AWAY, message=b"shutdown") for ws in list(self._sockets)),
            return_exceptions=True,
        )

    # --- requests ---------------------------------------------------------------

    def peer_ip(self, request: web.Request) -> str:
        """The client's address; behind a reverse proxy (web_trust_proxy) the
        address the proxy itself appended to X-Forwarded-For."""
        if self.settings.web_trust_proxy:
            forwarded = request.headers.get("X-Forwarded-For", "")
            last = forwarded.rsplit(",", 1)[-1].strip()
            if last:
                return last
        return request.remote or "-"

    def same_origin(self, request: web.Request) -> bool:
        """A websocket from a page of this site. Another site's page could open
        one in a visitor's browser (cookies aside), so its Origin must be ours."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True  # not a browser
        netloc = urlsplit(origin).netloc
        return netloc in (request.host, urlsplit(self.public_url).netloc)

    async def handle_link(self, request: web.Request) -> web.StreamResponse:
        """`/r/CODE`: keep the code for this browser's websocket, send it to `/`."""
        key = address_key(self.peer_ip(request))
        if not self.rate.allow(key):  # links are held in memory: no address fills it
            wait = max(1, int(self.rate.retry_after(key) + 0.999))
            raise web.HTTPTooManyRequests(text=MSG_RATE.format(s=wait), headers={"Retry-After": str(wait)})
        code = code_from_path(request.match_info["code"])
        response = web.HTTPSeeOther(location="/")
        if code:
            response.set_cookie(
                LINK_COOKIE,
                self.links.add(code),
                max_age=int(self.links.ttl),
                path="/ws",  # sent with the websocket only
                httponly=True,
                samesite="Strict",
                secure=self.secure,
            )
        raise response

    async def handle_no_icon(self, request: web.Request) -> web.StreamResponse:
        return web.Response(status=204)

    async def handle_page_script(self, request: web.Request) -> web.StreamResponse:
        """textual.js without its WebGL renderer (see page_script.py)."""
        body, etag = page_script()
        headers = {"ETag": etag, "Cache-Control": "no-cache"}  # kept, checked on each load
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers=headers)
        return web.Response(body=body, content_type="application/javascript", charset="utf-8", headers=headers)

    def admit(self, key: str) -> str | None:
        """Take a session slot for address `key`, or say why not."""
        if self._closing:
            return MSG_SHUTDOWN
        if not self.rate.allow(key):
            wait = max(1, int(self.rate.retry_after(key) + 0.999))
            return MSG_RATE.format(s=wait)
        held = self.sessions_here[key]
        if held >= self.sessions_here.limit:
            return MSG_SESSIONS_HERE.format(n=self.sessions_here.limit)
        if held and self.slots.in_use >= self.slots.limit - self.limits.session_reserve:
            return MSG_BUSY  # the last slots are kept for addresses that hold none yet
        if not self.slots.try_acquire():
            return MSG_BUSY
        self.sessions_here.try_acquire(key)
        self._no_sessions.clear()
        return None

    def release(self, key: str) -> None:
        self.sessions_here.release(key)
        self.slots.release()
        if self.slots.in_use == 0:
            self._no_sessions.set()

    async def sessions_ended(self) -> None:
        """Return once no session holds a slot (each tab's app stopped and reaped before its slot is freed)."""
        await self._no_sessions.wait()

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        if not self.same_origin(request):
            raise web.HTTPForbidden(text="This page belongs to another site.")
        peer = self.peer_ip(request)
        key = address_key(peer)
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=1 << 20)
        refusal = self.admit(key)
        if refusal is not None:
            log.info("refused session peer=%s: %s", peer, refusal)
            await websocket.prepare(request)
            await websocket.send_bytes(terminal_text(refusal))
            await websocket.close()
            return websocket
        try:
            code = None
            token = request.cookies.get(LINK_COOKIE)
            if token is not None:
                code = self.links.take(token) or STALE_LINK_CODE
                websocket.del_cookie(LINK_COOKIE, path="/ws")  # used: a reload starts at Welcome
            width, height = clamp_size(
                to_int(request.query.get("width", "80"), 80), to_int(request.query.get("height", "24"), 24)
            )
            await websocket.prepare(request)
            self._sockets.add(websocket)
            await self._run_app(websocket, peer, code, width, height)
        finally:
            self._sockets.discard(websocket)
            self.release(key)
        return websocket

    async def _run_app(self, websocket: web.WebSocketResponse, peer: str, code: str | None, width: int, height: int) -> None:
        ending: list[str] = []  # a message of ours to show once the app is gone

        async def app_exited() -> None:
            if not ending:  # else the message goes first, then the close
                await websocket.close()

        app = KioskProcess(
            self.settings,
            launcher=self.launcher,
            peer_ip=peer,
            code=code,
            clock=self.clock,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=app_exited,
            download_manager=self.download_manager,
        )
        try:
            await app.start(width, height)
        except Exception:
            log.exception("could not start the kiosk for peer=%s", peer)
            await websocket.send_bytes(terminal_text(MSG_START_FAILED))
            await websocket.close()
            return
        self._apps.add(app)
        started = self.clock()
        log.info("session start peer=%s link=%s size=%dx%d pid=%s", peer, code is not None, width, height, app.pid)
        reason = "client gone"
        inputs = asyncio.create_task(self._process_messages(websocket, app))
        watch = asyncio.create_task(self._watchdog(app, started))
        try:
            done, _ = await asyncio.wait({inputs, watch, app._task}, return_when=asyncio.FIRST_COMPLETED)  # type: ignore[arg-type]
            if watch in done:
                reason = watch.result()
                ending.append(
                    MSG_IDLE.format(t=human_duration(self.limits.idle_seconds))
                    if reason == "idle"
                    else MSG_TIME_LIMIT.format(t=human_duration(self.limits.max_session_seconds))
                )
            elif app._task in done:
                reason = "app exited"
        finally:
            for task in (inputs, watch):
                task.cancel()
            await asyncio.gather(inputs, watch, return_exceptions=True)
            await asyncio.shield(app.stop())
            self._apps.discard(app)
            log.info("session end peer=%s duration=%.1fs reason=%s", peer, self.clock() - started, reason)
        if ending and not websocket.closed:
            try:
                await websocket.send_bytes(terminal_text(ending[0]))
            except Exception:
                pass
        await websocket.close()

    async def _watchdog(self, app: KioskProcess, started: float) -> str:
        limits = self.limits
        while True:
            await asyncio.sleep(limits.check_interval)
            now = self.clock()
            if now - started >= limits.max_session_seconds:
                return "time limit"
            if now - app.last_input >= limits.idle_seconds:
                return "idle"


async def start_web_door(settings: Settings, **kwargs) -> WebDoor:
    door = WebDoor(settings, **kwargs)
    await door.start()
    return door
