"""Each email's HTML part drawn by Chromium: the practice's header, the text,
and for codes and links the box and the button, with the styles inline (as a
mail client that drops <style> blocks still shows them). The PNGs go to the
test's tmp dir (set PORTAL_MAIL_SHOTS=dir to keep them for a look)."""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from models.mail.render import KINDS, render_parts
from tests.mail.conftest import CODE
from tests.mail.test_render_and_state import CONTEXTS
from tests.web.browser import VIEWPORT

pytestmark = pytest.mark.web

WEB_URL = "https://portal.riverside.example"
WITH_LINKS = {kind: CONTEXTS[kind] | {"web_url": WEB_URL} for kind in ("invitation", "password_reset")}
BRAND = "rgb(36, 86, 110)"


@pytest.fixture(scope="module")
def page(browser):
    context = browser.new_context(viewport=VIEWPORT, java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("kind", KINDS)
def test_each_email_draws_like_a_clinics(kind, page, tmp_path):
    parts = render_parts(kind, WITH_LINKS.get(kind, CONTEXTS[kind]))
    assert "<style" not in parts.html  # inlined: nothing left for a mail client to drop
    page.set_content(parts.html)
    shot = page.screenshot(full_page=True)
    folder = Path(os.environ.get("PORTAL_MAIL_SHOTS") or tmp_path)
    (folder / f"{kind}.png").write_bytes(shot)

    image = Image.open(io.BytesIO(shot)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 20, "the page looks blank"
    text = page.inner_text("body")
    assert "Riverside Counseling" in text and "Hello Maria Lopez," in text
    header = page.locator("span", has_text="Client portal").locator("xpath=..")  # the header's cell
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == BRAND
    body_font = page.locator("p").first.evaluate("e => getComputedStyle(e).fontFamily")
    assert "serif" not in body_font.replace("sans-serif", "")  # not the browser's default Times

    if "code" in CONTEXTS[kind]:
        code = page.locator("strong", has_text=CODE)
        style = code.evaluate("e => { const s = getComputedStyle(e); return [s.fontSize, s.letterSpacing, s.borderTopStyle] }")
        assert style == ["24px", "3px", "solid"]
        assert "monospace" in code.evaluate("e => getComputedStyle(e.parentElement).fontFamily")
    if kind in WITH_LINKS:
        button = page.locator(f'a[href^="{WEB_URL}/"]').first
        assert button.evaluate("e => getComputedStyle(e).backgroundColor") == BRAND
        box = button.bounding_box()
        assert box and box["height"] >= 36 and box["width"] >= 150  # a button, not a bare link


def test_old_queued_messages_without_the_link_still_render():
    for kind in WITH_LINKS:
        parts = render_parts(kind, CONTEXTS[kind])
        assert "/r/" not in parts.text and WEB_URL not in parts.html
        assert "ssh -p 2222" in parts.text


def test_the_invitation_carries_the_link_in_both_parts():
    parts = render_parts("invitation", WITH_LINKS["invitation"])
    link = f"{WEB_URL}/r/{CODE}"
    assert f"    {link}\n" in parts.text and f'href="{link}"' in parts.html
    assert "register+" + CODE in parts.text  # the ssh line stays
    reset = render_parts("password_reset", WITH_LINKS["password_reset"])
    assert f"{WEB_URL}/" in reset.text and CODE not in f"{WEB_URL}/"
