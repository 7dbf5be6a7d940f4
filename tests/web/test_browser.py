"""The browser door in Chromium, end to end with the real kiosk processes:
an invitation mailed through a local SMTP server, its link opened, the
client registered and signed in; the code gone from the URL; the link's
cookie good once; a reload starting again at Welcome; two browsers, two
sessions."""
from __future__ import annotations

import asyncio
import io
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image

from models.audit import Actor
from models.chart_owner import resend_invite
from models.config import Settings
from models.mail.deliver import deliver_all
from models.mail.local_server import LocalMailServer, ensure_maildir, local_smtp_settings
from models.mail.render import text_part
from models.seed import CLIENT_PASSWORD, seed_demo
from models.setup import open_portal
from models.tables import Client
from tests.mail.conftest import read_maildir
from tests.web.browser import TAP_FRAMES, VIEWPORT, PageScreen, open_page
from tests.web.conftest import DoorThread, free_port
from tui.web.server import LINK_COOKIE

pytestmark = pytest.mark.web

PASSWORD = "sunlit meadow paper kite"
LINK_RE = r"(http://127\.0\.0\.1:\d+/r/[0-9A-Z-]+)"
BAD_CODE = "That code can't be used"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo practice, a local mail server and the browser door whose
    public URL the emails link to."""
    port = free_port()
    data = tmp_path_factory.mktemp("web") / "data"
    settings = Settings(data_dir=data, demo=True, web_port=port, web_public_url=f"http://127.0.0.1:{port}")
    open_portal(settings)
    ensure_maildir(settings.maildir)
    seed_demo()  # at the real time: the kiosk processes read the system clock
    with LocalMailServer(settings.maildir) as mail:
        door = DoorThread(settings, port=port)
        try:
            yield settings, mail, door
        finally:
            door.close()


def mailed_link(site, last_name: str) -> str:
    """Resend `last_name`'s invitation, deliver it, and read the link from the email."""
    settings, mail, _ = site
    client = Client.get(Client.last_name == last_name)
    resend_invite(Actor("staff", "frontdesk", "test"), client.id)
    assert deliver_all(local_smtp_settings(settings, mail.port)).sent == 1
    message = read_maildir(settings.maildir)[-1]
    return re.search(LINK_RE, text_part(message)).group(1)


README_SHOT = Path(__file__).resolve().parents[2] / "docs" / "browser-registration.png"


def keep_readme_screenshot(page) -> None:
    """The README's picture of registration in a browser: rewritten with
    PORTAL_UPDATE_SCREENSHOTS=1, else checked to be there and drawn."""
    page.wait_for_timeout(300)  # xterm.js paints on the next animation frame
    shot = page.screenshot()
    if os.environ.get("PORTAL_UPDATE_SCREENSHOTS"):
        README_SHOT.write_bytes(shot)
    kept = Image.open(README_SHOT)
    assert kept.size == Image.open(io.BytesIO(shot)).size, "docs/browser-registration.png is stale: PORTAL_UPDATE_SCREENSHOTS=1"
    assert len(Image.open(io.BytesIO(shot)).convert("RGB").getcolors(1 << 20) or []) > 20, "the page looks blank"


def test_link_registers_and_signs_in(site, browser):
    link = mailed_link(site, "Avery")
    code = link.rsplit("/", 1)[1]
    context = browser.new_context(viewport=VIEWPORT)
    page, screen = open_page(context, link)

    # Registration opened with the code checked: straight to step 2.
    screen.wait_for("Last name")
    assert urlsplit(page.url).path == "/" and code not in page.url
    assert code not in "".join(page.evaluate("() => [location.href, document.referrer]"))
    assert not [c for c in context.cookies() if c["name"] == LINK_COOKIE], "the used link's cookie is deleted"

    keep_readme_screenshot(page)

    screen.type("Avery", "[Tab]", "03/14/1991", "[Tab]", PASSWORD, "[Tab]", PASSWORD, "[Enter]")
    screen.wait_for("You're registered")
    screen.type("[Enter]")
    screen.wait_for("Log in to your portal")
    screen.type(PASSWORD, "[Enter]")
    screen.wait_for(r"signed in as jordan\.avery@example\.com")
    assert re.search(r"Documents\s+Appointments\s+Balance", screen.text())

    # Log out; a reload is a new session at the Welcome screen.
    screen.type("[Control+l]")
    screen.wait_for("Welcome to the client portal")
    page.reload()
    screen = type(screen)(page)
    screen.wait_for("Welcome to the client portal")
    context.close()


def test_a_client_reads_a_document_in_the_browser(site, browser):
    context = browser.new_context(viewport=VIEWPORT)
    _, screen = open_page(context, site[2].door.public_url + "/")
    screen.wait_for("Welcome to the client portal")
    # Typing on Welcome is typing the login's email (the form opens on the first letter).
    screen.type("riley.brooks@example.com", "[Tab]", CLIENT_PASSWORD, "[Enter]")
    screen.wait_for(r"signed in as riley\.brooks@example\.com")
    screen.wait_for("form to complete")       # a PHQ-9 is due: the Forms pane comes first
    screen.type("[F3]")                       # Documents
    screen.wait_for("Treatment plan summary")
    screen.type("[Enter]")  # the documents list has the focus: its first row opens
    screen.wait_for("Use the arrow keys or Page Up/Down to read")
    context.close()


def test_the_links_cookie_works_once(site, browser):
    link = mailed_link(site, "Martinez")
    first = browser.new_context(viewport=VIEWPORT)
    answer = first.request.get(link, max_redirects=0)
    assert answer.status == 303 and answer.headers["location"] == "/"
    cookie = next(c for c in first.cookies() if c["name"] == LINK_COOKIE)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/ws"
    assert cookie["value"] not in link and link.rsplit("/", 1)[1] not in cookie["value"]

    _, screen = open_page(first, site[2].door.public_url + "/")
    screen.wait_for("Last name")

    # The same cookie again (copied to a second browser): the bad-code path.
    second = browser.new_context(viewport=VIEWPORT)
    second.add_cookies([cookie])
    _, again = open_page(second, site[2].door.public_url + "/")
    again.wait_for(BAD_CODE)
    first.close()
    second.close()


def test_a_bad_code_at_the_link_gets_the_kiosks_message(site, browser):
    context = browser.new_context(viewport=VIEWPORT)
    _, screen = open_page(context, site[2].door.public_url + "/r/ABCD-EFGH-JKMN-PQRS")
    screen.wait_for(BAD_CODE)
    assert "ABCD-EFGH-JKMN-PQRS" in screen.text()  # filled in, as at the kiosk
    context.close()


def test_pages_carry_the_safety_headers_and_load_nothing_else(site, browser):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    response = page.goto(site[2].door.public_url + "/")
    headers = response.headers
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert re.search(r"connect-src 'self' ws://127\.0\.0\.1:\d+", csp)
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"
    page.wait_for_selector("body.-first-byte")
    own = urlsplit(site[2].door.public_url).netloc
    assert all(urlsplit(url).netloc == own for url in requests), requests
    assert not problems, problems  # no CSP violation, nothing missing
    context.close()


COUNT_CONTEXTS = """
(() => {
  window.__contexts = [];
  const native = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
    window.__contexts.push(kind);
    return native.call(this, kind, ...rest);
  };
})();
"""


def test_the_terminal_draws_on_2d_canvases_and_its_hidden_caret_does_not_blink(site, browser):
    """What a tab costs Chromium without a GPU (BENCHMARKS.md, "Keystroke CPU"):
    no WebGL context (textual.js's WebGL renderer was replaced by its canvas
    one at once, but made a software context first), and no blinking caret
    in xterm.js's hidden textarea (two frames a second per focused tab)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.add_init_script(COUNT_CONTEXTS)
    page.add_init_script(TAP_FRAMES)
    page.goto(site[2].door.public_url + "/")
    PageScreen(page).wait_for("Welcome to the client portal")
    layers = page.evaluate("() => [...document.querySelectorAll('.xterm canvas')].map(c => c.className)")
    assert "xterm-text-layer" in layers, layers
    kinds = page.evaluate("() => window.__contexts")
    assert kinds and set(kinds) == {"2d"}, kinds
    textarea = page.locator(".xterm-helper-textarea")
    textarea.focus()
    assert textarea.evaluate("t => getComputedStyle(t).getPropertyValue('caret-animation')") == "manual"
    context.close()


def test_two_browsers_get_two_sessions(site, browser):
    one = browser.new_context(viewport=VIEWPORT)
    two = browser.new_context(viewport=VIEWPORT)
    _, first = open_page(one, site[2].door.public_url + "/")
    _, second = open_page(two, site[2].door.public_url + "/")
    first.wait_for("Welcome to the client portal")
    second.wait_for("Welcome to the client portal")
    assert site[2].call(_sessions(site[2].door)) == 2
    # What one types shows in its own session only.
    first.type("[F2]")   # Welcome's "I have an invitation code"
    first.wait_for("Step 1 of 2")
    assert "Step 1 of 2" not in second.text()
    pids = site[2].call(_app_pids(site[2].door))
    assert len(pids) == 2

    # Closing a tab ends its app (hung up, reaped) and frees its place.
    one.close()
    two.close()
    site[2].call(asyncio.wait_for(site[2].door.sessions_ended(), 15))  # TimeoutError: the apps outlived their tabs
    assert not any(_alive(pid) for pid in pids)


async def _sessions(door) -> int:
    return door.active_sessions


async def _app_pids(door) -> list[int]:
    return [app.pid for app in door._apps]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
