"""The page's terminal script: textual-serve's textual.js without its WebGL renderer.

textual.js (the xterm.js terminal and its websocket client, one minified
bundle) loads two renderers, WebGL and then canvas; the canvas renderer,
loaded last, replaces the WebGL one, so the WebGL renderer never draws a
frame. It still gets a WebGL context when the page opens: in a browser
without a GPU (Chromium in the benches) that context is SwiftShader's,
~0.1 s of CPU a tab (~9 % of opening one, BENCHMARKS.md "Keystroke CPU"),
and where a GPU is present a context for nothing. The WebGL renderer itself
is no option without a GPU: 65-73 ms of CPU per key echo against 11-13 for
the canvas one (4 tabs, Chromium 156, software rendering).

The bundle is textual-serve's (pinned); its one statement that loads the
WebGL addon is cut here, as served. If an upgrade changes that statement,
the bundle is served unchanged (and tests/web/test_door.py fails).
"""
from __future__ import annotations

import hashlib
import logging
from functools import lru_cache
from pathlib import Path

import textual_serve

log = logging.getLogger("portal.web")

BUNDLE = Path(textual_serve.__file__).parent / "static" / "js" / "textual.js"
# In textual-serve 1.1.3's bundle, in the terminal's constructor, just before the canvas addon.
WEBGL_LOAD = "this.webglAddon=new p.WebglAddon,this.terminal.loadAddon(this.webglAddon),"


@lru_cache(maxsize=1)
def page_script() -> tuple[bytes, str]:
    """(the script, its ETag)."""
    text = BUNDLE.read_text(encoding="utf-8")
    if text.count(WEBGL_LOAD) == 1:
        text = text.replace(WEBGL_LOAD, "")
    else:
        log.warning("textual.js changed: serving it with its WebGL renderer (see tui/web/page_script.py)")
    body = text.encode("utf-8")
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
