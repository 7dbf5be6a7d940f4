"""The browser door without a browser: links, cookies, headers, the log,
the apps' environment and the SSH door's limits."""
from __future__ import annotations

import asyncio
import logging
import re

import aiohttp
import pytest

from models.config import Settings
from tui.ssh.limits import DoorLimits
from tui.ssh import ProcessLauncher
from tui.web.apps import KioskProcess, default_launcher
from tui.web.headers import redact
from tui.web.links import STALE_LINK_CODE, PendingLinks, code_from_path
from tui.web.server import LINK_COOKIE, MSG_SESSIONS_HERE, WebDoor

CODE = "ABCD-EFGH-JKMN-PQRS"


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_link_is_good_once_and_for_ten_minutes():
    ticks = Ticks()
    links = PendingLinks(clock=ticks)
    token = links.add(CODE)
    assert CODE not in token and len(token) >= 40
    assert links.take(token) == CODE
    assert links.take(token) is None  # once
    late = links.add(CODE)
    ticks.now += 600
    assert links.take(late) is None  # expired
    assert links.take("made-up") is None


def test_waiting_links_are_capped_oldest_first():
    ticks = Ticks()
    links = PendingLinks(max_pending=3, clock=ticks)
    tokens = [links.add(f"CODE-{i}") for i in range(5)]
    assert len(links) == 3
    assert links.take(tokens[0]) is None and links.take(tokens[4]) == "CODE-4"
    ticks.now += 601
    links.add("NEW")
    assert len(links) == 1  # the expired ones are forgotten


def test_what_a_link_may_carry_to_the_kiosk():
    assert code_from_path("abcd-efgh-jkmn-pqrs") == "abcd-efgh-jkmn-pqrs"
    assert code_from_path("AB CD;rm -rf") == "ABCDrm-rf"
    assert len(code_from_path("A" * 500)) == 40
    assert code_from_path("%00") == "00" and code_from_path("..") == ""
    assert code_from_path("--help") == "help"  # never read as an option
    assert STALE_LINK_CODE and code_from_path(STALE_LINK_CODE) == STALE_LINK_CODE


def test_the_log_never_holds_a_code():
    assert redact(f"/r/{CODE}") == "/r/<code>"
    assert redact("/ws") == "/ws"


def test_the_app_gets_no_server_secrets(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_SMTP_PASSWORD", "hunter2-smtp")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-for-apps")
    monkeypatch.setenv("PORTAL_DEMO", "1")
    settings = Settings(data_dir=tmp_path, database_url="postgresql://portal:dbpass@db/portal")
    app = KioskProcess(
        settings, launcher=ProcessLauncher(), peer_ip="203.0.113.9", code=CODE, clock=Ticks(),
        write_bytes=None, write_str=None, close=None, download_manager=None,
    )
    assert app._user() == f"register+{CODE}"  # the code goes on a pipe, as over SSH
    env = app._build_environment(100, 30)
    assert "PORTAL_SMTP_PASSWORD" not in env and "AWS_SECRET_ACCESS_KEY" not in env
    assert env["PORTAL_DATABASE_URL"] == settings.database_url  # the app's own need, as over SSH
    assert env["PORTAL_SESSION_SOURCE"] == "web:203.0.113.9"
    assert env["TEXTUAL_DRIVER"] == "textual.drivers.web_driver:WebDriver"
    assert (env["COLUMNS"], env["ROWS"]) == ("100", "30")
    assert CODE not in "".join(env.values())
    zygote = default_launcher(settings).env  # Textual reads the driver's settings when imported
    assert zygote["TEXTUAL_DRIVER"] == env["TEXTUAL_DRIVER"] and "PORTAL_SMTP_PASSWORD" not in zygote
    assert "COLUMNS" not in zygote and "PORTAL_SESSION_SOURCE" not in zygote


def _door(tmp_path, **kw) -> WebDoor:
    settings = Settings(data_dir=tmp_path, **kw.pop("settings", {}))
    return WebDoor(settings, host="127.0.0.1", port=0, launcher=ProcessLauncher(), **kw)


def test_the_link_sets_a_scoped_cookie_and_logs_no_code(tmp_path, caplog):
    async def body():
        door = _door(tmp_path, settings={"web_public_url": "https://portal.example"})
        await door.start()
        try:
            url = f"http://127.0.0.1:{door.port}"
            async with aiohttp.ClientSession() as http:
                async with http.get(f"{url}/r/{CODE}", allow_redirects=False) as answer:
                    assert answer.status == 303 and answer.headers["Location"] == "/"
                    cookie = answer.headers["Set-Cookie"]
                    assert answer.headers["Referrer-Policy"] == "no-referrer"
                    assert answer.headers["Cache-Control"] == "no-store"
                async with http.get(f"{url}/") as page:
                    html = await page.text()
                    csp = page.headers["Content-Security-Policy"]
        finally:
            await door.close()
        return cookie, html, csp

    with caplog.at_level(logging.INFO, logger="portal.web"):
        cookie, html, csp = asyncio.run(body())
    for part in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/ws", "Max-Age=600"):
        assert part in cookie
    assert CODE not in cookie
    assert 'data-session-websocket-url="wss://portal.example/ws"' in html  # behind a TLS proxy
    assert "connect-src 'self' wss://portal.example" in csp
    for ref in re.findall(r'(?:src|href)="([^"]+)"', html):  # nothing from another site (no CDN font)
        assert ref.startswith(("/", "https://portal.example/")), ref
    lines = [r.getMessage() for r in caplog.records if r.name == "portal.web.access"]
    assert any("/r/<code> 303" in line for line in lines), lines
    assert not any(CODE in line or CODE.lower() in line for line in caplog.messages)


def test_another_sites_page_cannot_open_a_session(tmp_path):
    async def body():
        door = _door(tmp_path)
        await door.start()
        try:
            async with aiohttp.ClientSession() as http:
                with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                    await http.ws_connect(f"{door.public_url}/ws", origin="https://evil.example")
                return refused.value.status, door.active_sessions
        finally:
            await door.close()

    assert asyncio.run(body()) == (403, 0)


def test_one_address_holds_at_most_its_share(tmp_path):
    """The SSH door's per-address limit: the second tab from one address is
    told why, and no app starts for it."""
    async def body():
        settings = {"ssh_max_sessions_per_address": 1}
        door = _door(tmp_path, settings=settings)
        await door.start()
        try:
            async with aiohttp.ClientSession() as http:
                first = await http.ws_connect(f"{door.public_url}/ws?width=80&height=24")
                second = await http.ws_connect(f"{door.public_url}/ws?width=80&height=24")
                refusal = await second.receive(timeout=10)
                closed = await second.receive(timeout=10)
                held = door.active_sessions
                await first.close()
                await asyncio.wait_for(door.sessions_ended(), 5)
                return refusal.data, closed.type, held, door.active_sessions
        finally:
            await door.close()

    refusal, closed, held, after = asyncio.run(body())
    assert MSG_SESSIONS_HERE.format(n=1).encode() in refusal
    assert closed in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    assert (held, after) == (1, 0)  # closing the tab ends its app and frees the slot


def test_limits_are_the_ssh_doors(tmp_path):
    door = _door(tmp_path, settings={"ssh_max_sessions": 30, "ssh_idle_seconds": 60})
    assert door.limits == DoorLimits.from_settings(door.settings)
    assert (door.slots.limit, door.limits.idle_seconds) == (30, 60)
    assert LINK_COOKIE == "portal_link"


def test_the_demo_takes_the_next_free_port():
    import socket

    from tui.commands.demo import free_port_from

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        assert free_port_from("127.0.0.1", port) != port
        assert free_port_from("127.0.0.1", port, tries=1) > 0  # none in the range: any free one


def test_links_from_one_address_are_rate_limited(tmp_path):
    ticks = Ticks()

    async def body():
        door = _door(tmp_path, clock=ticks)
        await door.start()
        try:
            async with aiohttp.ClientSession() as http:
                statuses = []
                for _ in range(door.limits.connect_burst + 1):
                    async with http.get(f"{door.public_url}/r/{CODE}", allow_redirects=False) as answer:
                        statuses.append(answer.status)
                ticks.now += door.limits.connect_window
                async with http.get(f"{door.public_url}/r/{CODE}", allow_redirects=False) as answer:
                    statuses.append(answer.status)
                return statuses, len(door.links)
        finally:
            await door.close()

    statuses, held = asyncio.run(body())
    assert statuses == [303] * 10 + [429, 303]
    assert held == 11


def test_an_idle_tab_is_closed_with_a_reason(tmp_path):
    """The SSH door's idle limit: no input for idle_seconds ends the session,
    and the page's terminal says why."""
    async def body():
        settings = Settings(data_dir=tmp_path)
        limits = DoorLimits.from_settings(settings, idle_seconds=1.0, check_interval=0.05)
        door = WebDoor(settings, host="127.0.0.1", port=0, launcher=ProcessLauncher(), limits=limits)
        await door.start()
        try:
            async with aiohttp.ClientSession() as http:
                ws = await http.ws_connect(f"{door.public_url}/ws?width=80&height=24")
                said = b""
                async for message in ws:
                    if message.type == aiohttp.WSMsgType.BINARY:
                        said += message.data
                return said, ws.closed
        finally:
            await door.close()

    said, closed = asyncio.run(body())
    assert b"Session closed after 1 second without input." in said and closed


def test_the_page_loads_textual_js_without_its_webgl_renderer(tmp_path):
    """The canvas renderer, loaded last, draws; the WebGL one only cost a
    (software) WebGL context per tab. The pinned bundle still holds the
    statement cut (else it is served whole, and this fails)."""
    from tui.web.page_script import BUNDLE, WEBGL_LOAD

    assert BUNDLE.read_text(encoding="utf-8").count(WEBGL_LOAD) == 1

    async def body():
        door = _door(tmp_path)
        await door.start()
        try:
            async with aiohttp.ClientSession() as http:
                async with http.get(f"{door.public_url}/") as page:
                    html = await page.text()
                async with http.get(f"{door.public_url}/assets/textual.js") as script:
                    js, etag = await script.text(), script.headers["ETag"]
                    assert script.content_type == "application/javascript"
                async with http.get(f"{door.public_url}/assets/textual.js", headers={"If-None-Match": etag}) as again:
                    assert again.status == 304
                async with http.get(f"{door.public_url}/assets/portal.css") as css:  # the other assets still there
                    assert css.status == 200
        finally:
            await door.close()
        return html, js

    html, js = asyncio.run(body())
    assert re.findall(r'<script src="([^"]+)"', html) == ["/assets/textual.js", "/assets/portal.js"]
    assert "loadAddon(this.webglAddon)" not in js and "new p.WebglAddon," not in js
    assert "this.terminal.loadAddon(this.canvasAddon)" in js
