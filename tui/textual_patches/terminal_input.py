"""How the apps read the terminal: two fixes to Textual 8.2.8's input path.

1. A bracketed paste reaches the app whole, in order, as one Paste.
   Textual's parser (`textual._xterm_parser.XTermParser`) collects a
   bracketed paste (ESC [200~ ... ESC [201~) character by character, but an
   ESC inside the pasted text sends it into its escape-sequence reader,
   which does not add to the paste: what follows the ESC comes out as key
   presses, the ESC itself as a "^" key, and all of them before the Paste
   event, which holds only the text before the first ESC. Pasting
   "Ana\\x1b[31m María" into a field typed "^[31m María" and then "Ana"
   after it: the name was stored reordered, with a literal "^[31m" that no
   control filter can recognise. `WholePasteParser` leaves everything
   outside a paste to Textual's parser and reads a paste itself, up to the
   end marker (the fields then drop escape sequences and controls whole,
   see `tui.shared.plain_input`).

2. Bytes that are not UTF-8 arrive as U+FFFD. The Linux driver decodes the
   terminal strictly, so two stray bytes (b"\\xff\\xfe") raised in its
   input thread and the app panicked: the kiosk quit with a traceback.

What it patches: `textual._xterm_parser.XTermParser` (a private module)
as the Linux driver uses it, and the driver's strict UTF-8 decoding of the
terminal. `install()` applies both; `tui.startup.run_app` calls it before
an app runs.

Why (tests), in `tests/hardening/test_control_chars.py`:
`test_a_bracketed_paste_with_escapes_arrives_whole_and_in_order`,
`test_a_bracketed_paste_in_a_real_terminal_reaches_the_form_in_order` and
`test_bytes_that_are_not_utf8_do_not_end_the_kiosk`. Textual is pinned
exactly, so an upgrade that changes this path fails there.

What it buys: correctness, not speed: a pasted name is stored as pasted
(not reordered with a literal "^[31m" in it), and two stray bytes no longer
end a kiosk session with a traceback.

Upstream issue text (Textualize/textual):
    "1. An ESC inside a bracketed paste breaks the paste. XTermParser
    collects a bracketed paste character by character, but an ESC in the
    pasted text enters the escape-sequence reader, which does not add to
    the paste: the rest comes out as key presses (the ESC as a '^' key)
    before the Paste event, which then holds only the text before the
    first ESC. Pasting 'Ana\\x1b[31m María' gives the keys '^[31m María'
    and then a Paste('Ana'). Could the parser read a paste up to the end
    marker ESC[201~ without interpreting what is inside?
    2. Bytes that are not UTF-8 crash the Linux driver's input thread: it
    decodes strictly, so b'\\xff\\xfe' from the terminal raises
    UnicodeDecodeError there and the app exits. Could it decode with
    errors='replace' (U+FFFD), as terminals themselves do?"
"""
from __future__ import annotations

import codecs
import functools
import os
import sys
from typing import Generator

from textual import events
from textual._parser import ParseEOF, ParseError, Peek1, Read1, TokenCallback
from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser

# A paste past this is cut (the fields hold far less); its end is still found.
MAX_PASTE = 1 << 20

_DRIVERS = ("textual.drivers.linux_driver", "textual.drivers.linux_inline_driver", "textual.drivers.web_driver")


class WholePasteParser(XTermParser):
    def parse(self, token_callback: TokenCallback) -> Generator[Read1 | Peek1, str, None]:
        def forward(token) -> None:
            # Textual's parser also sees the end marker (below, so it leaves its
            # paste mode) and reports an empty paste for it: not a paste.
            if not (isinstance(token, events.Paste) and not token.text):
                token_callback(token)

        textual_parser = super().parse(forward)
        awaiting = next(textual_parser)
        recent = ""  # the last characters Textual's parser was given
        while True:
            try:
                character = yield awaiting
            except ParseError as error:  # a timeout or the end of input: Textual's parser handles both
                try:
                    awaiting = textual_parser.throw(error)
                except StopIteration:
                    return
                continue
            try:
                awaiting = textual_parser.send(character)
            except StopIteration:
                return
            recent = (recent + character)[-len(BRACKETED_PASTE_START):]
            if recent != BRACKETED_PASTE_START:
                continue
            recent = ""
            pasted = yield from self._read_paste()
            if pasted is None:
                return
            if pasted:
                token_callback(events.Paste(pasted))
            try:
                for end_character in BRACKETED_PASTE_END:
                    awaiting = textual_parser.send(end_character)
            except StopIteration:
                return

    def _read_paste(self) -> Generator[Read1, str, str | None]:
        """The pasted text, up to the end marker; None if the input ended first."""
        end = BRACKETED_PASTE_END
        buffer: list[str] = []
        while True:
            try:
                character = yield self.read1()
            except ParseEOF:
                return None
            except ParseError:  # no timeout is asked for here; nothing to do
                continue
            buffer.append(character)
            if character == end[-1] and "".join(buffer[-len(end):]) == end:
                del buffer[-len(end):]
                return "".join(buffer).replace("\x00", "")  # as Textual does (textual#1661)
            if len(buffer) > MAX_PASTE + len(end):
                del buffer[MAX_PASTE:-len(end)]  # keep the start, and enough to see the end marker


def _lenient_decoder(encoding: str):
    """What the drivers get for `codecs.getincrementaldecoder`: never raises on bad bytes."""
    return functools.partial(codecs.getincrementaldecoder(encoding), errors="replace")


def install() -> None:
    """Make the Textual drivers in this process read pastes whole and bad bytes
    as U+FFFD (idempotent)."""
    import textual._xterm_parser as xterm_parser

    xterm_parser.XTermParser = WholePasteParser  # for a driver imported later
    if os.name == "posix":
        import textual.drivers.linux_driver  # noqa: F401  (the driver the apps use; it decodes)
    for name in _DRIVERS:
        module = sys.modules.get(name)
        if module is not None:
            module.XTermParser = WholePasteParser  # type: ignore[attr-defined]
            if name != "textual.drivers.web_driver":  # the browser sends UTF-8 it has encoded
                module.getincrementaldecoder = _lenient_decoder  # type: ignore[attr-defined]
