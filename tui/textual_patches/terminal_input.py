"""How the apps read the terminal: three fixes to Textual 8.2.8's input path.

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

3. The input thread sleeps until there is input. The Linux driver's
   input thread wakes ten times a second to see whether the parser's
   timeout (a lone ESC, sent as Escape after it) has passed, whether or
   not the parser waits for one: ~1 ms of CPU a second per app doing
   nothing, 0.1 core for the SSH door's 100 sessions. `run_input_thread`
   (the driver's own, less that) waits on the terminal and a wake-up pipe,
   with a timeout only while the parser holds a timeout of its own; the
   driver's exit event (made a `WakingEvent` by `start_application_mode`
   before the thread starts) writes to the pipe when set.

What it patches: `textual._xterm_parser.XTermParser` (a private module)
as the Linux driver uses it, the driver's strict UTF-8 decoding of the
terminal, and `LinuxDriver.run_input_thread` (which reads the parser's
private `_timeout_time`) with `start_application_mode`. `install()` applies all three;
`tui.startup.run_app` calls it before an app runs.

Why (tests), in `tests/hardening/test_control_chars.py`:
`test_a_bracketed_paste_with_escapes_arrives_whole_and_in_order`,
`test_a_bracketed_paste_in_a_real_terminal_reaches_the_form_in_order` and
`test_bytes_that_are_not_utf8_do_not_end_the_kiosk`. Textual is pinned
exactly, so an upgrade that changes this path fails there.

For 3: `tests/hardening/test_control_chars.py::test_a_still_kiosk_input_thread_sleeps`
(no CPU in the input thread of a still kiosk; Textual's woke it 10 times
a second), `..._a_lone_escape_still_arrives` and the real-terminal tests
above (keys, pastes, hang-up).

What it buys: for 1 and 2, correctness, not speed: a pasted name is stored
as pasted (not reordered with a literal "^[31m" in it), and two stray
bytes no longer end a kiosk session with a traceback. For 3, an app at
rest costs ~1.1 ms of CPU a second less (BENCHMARKS.md, "Keystroke CPU").

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
    errors='replace' (U+FFFD), as terminals themselves do?
    3. The Linux driver's input thread polls: `selector.select(0.1)` wakes
    it ten times a second to call the parser's tick() even when the parser
    waits for no timeout, ~1 ms of CPU a second per idle app (it adds up
    on a server running many apps). Could it block until input, with a
    timeout only while the parser has one pending, and be woken by a pipe
    on exit?"
"""
from __future__ import annotations

import codecs
import functools
import os
import selectors
import sys
import threading
import weakref
from typing import Callable, Generator

from textual import events
from textual._parser import ParseEOF, ParseError, Peek1, Read1, TokenCallback
from textual._time import get_time
from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser

# A paste past this is cut (the fields hold far less); its end is still found.
MAX_PASTE = 1 << 20

_start_application_mode: Callable[..., None]  # Textual's, kept by install()

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


class WakingEvent(threading.Event):
    """The driver's exit event: setting it also wakes the input thread (a pipe)."""

    def __init__(self) -> None:
        super().__init__()
        self.wake_read, self.wake_write = os.pipe()
        os.set_blocking(self.wake_read, False)
        os.set_blocking(self.wake_write, False)
        weakref.finalize(self, _close, self.wake_read, self.wake_write)

    def set(self) -> None:
        super().set()
        try:
            os.write(self.wake_write, b"x")
        except OSError:  # full: the thread is being woken already
            pass


def _close(*fds: int) -> None:
    for fd in fds:
        os.close(fd)


def start_application_mode(self) -> None:
    """LinuxDriver.start_application_mode, with an exit event that wakes the
    input thread, set before the thread starts."""
    if not isinstance(self.exit_event, WakingEvent):
        self.exit_event = WakingEvent()
    _start_application_mode(self)


def run_input_thread(self) -> None:
    """LinuxDriver.run_input_thread, waiting for input without polling."""
    from textual.drivers import linux_driver

    exit_event = self.exit_event
    wake = exit_event.wake_read if isinstance(exit_event, WakingEvent) else None
    selector = selectors.SelectSelector()  # as Textual's
    fileno = self.fileno
    selector.register(fileno, selectors.EVENT_READ)
    if wake is not None:
        selector.register(wake, selectors.EVENT_READ)
    parser = linux_driver.XTermParser(self._debug)
    feed, tick = parser.feed, parser.tick
    decode = linux_driver.getincrementaldecoder("utf-8")().decode
    read = os.read

    def process(ready, final: bool = False) -> None:
        for index, (key, _mask) in enumerate(ready):
            last = index == len(ready) - 1
            if key.fd == wake:
                try:
                    read(wake, 64)
                except BlockingIOError:
                    pass
                continue
            data = decode(read(fileno, 1024 * 4), final=final and last)
            if not data:
                break
            for event in feed(data):
                self.process_message(event)
        for event in tick():
            self.process_message(event)

    def timeout() -> float | None:
        if wake is None:
            return 0.1  # nothing would wake it to exit: poll, as Textual does
        due = parser._timeout_time  # set while the parser waits to see whether an ESC starts a sequence
        return None if due is None else max(0.0, due - get_time())

    try:
        while not exit_event.is_set():
            process(selector.select(timeout()))
        selector.unregister(fileno)
        process(selector.select(0.1), final=True)  # as Textual's: what came with the exit
    finally:
        selector.close()


def install() -> None:
    """Make the Textual drivers in this process read pastes whole and bad bytes
    as U+FFFD, and their input threads sleep until there is input (idempotent)."""
    import textual._xterm_parser as xterm_parser

    xterm_parser.XTermParser = WholePasteParser  # for a driver imported later
    if os.name == "posix":
        global _start_application_mode
        from textual.drivers.linux_driver import LinuxDriver  # the driver the apps use; it decodes

        if LinuxDriver.run_input_thread is not run_input_thread:
            _start_application_mode = LinuxDriver.start_application_mode
            LinuxDriver.start_application_mode = start_application_mode  # type: ignore[method-assign]
            LinuxDriver.run_input_thread = run_input_thread  # type: ignore[method-assign]
    for name in _DRIVERS:
        module = sys.modules.get(name)
        if module is not None:
            module.XTermParser = WholePasteParser  # type: ignore[attr-defined]
            if name != "textual.drivers.web_driver":  # the browser sends UTF-8 it has encoded
                module.getincrementaldecoder = _lenient_decoder  # type: ignore[attr-defined]
