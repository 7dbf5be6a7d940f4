"""KeyHints: the keys show in the first compose, and are rebuilt only when
the keys to show change (Textual's Footer rebuilds on every focus change)."""
from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Input

from tui.textual_patches.key_hints import KeyHints


class CountingHints(KeyHints):
    composed = 0

    def compose(self):
        CountingHints.composed += 1
        yield from super().compose()


class NotesInput(Input):
    BINDINGS = [Binding("ctrl+e", "expand", "Expand")]

    def action_expand(self) -> None:
        pass


class Form(App):
    BINDINGS = [Binding("ctrl+s", "save", "Save")]

    def compose(self) -> ComposeResult:
        yield Input(id="first")
        yield Input(id="second")
        yield NotesInput(id="notes")
        yield CountingHints(show_command_palette=False)

    def action_save(self) -> None:
        pass


def shown(app: App) -> list[str]:
    return [key.description for key in app.query("FooterKey")]


def test_keys_show_at_once_and_focus_moves_rebuild_only_on_change():
    asyncio.run(asyncio.wait_for(focus_moves(), 60))


async def focus_moves():
    CountingHints.composed = 0
    app = Form()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert shown(app) == ["Save"]
        assert CountingHints.composed == 1

        app.query_one("#second").focus()  # same keys: nothing rebuilt
        await pilot.pause()
        assert CountingHints.composed == 1

        app.query_one("#notes").focus()  # a key of its own: rebuilt, and shown
        await pilot.pause()
        assert CountingHints.composed == 2
        assert shown(app) == ["Expand", "Save"]

        app.query_one("#first").focus()  # gone again
        await pilot.pause()
        assert CountingHints.composed == 3
        assert shown(app) == ["Save"]


def test_function_and_control_keys_are_written_as_the_keyboard_prints_them():
    from textual.app import App
    from textual.binding import Binding

    from tui.shared.key_hints import KeysAsPrinted

    class Keys(KeysAsPrinted, App):
        pass

    app = Keys()
    shown = {key: app.get_key_display(Binding(key, "x", "y")) for key in ("f3", "f12", "ctrl+q", "e", "escape")}
    assert shown == {"f3": "F3", "f12": "F12", "ctrl+q": "^Q", "e": "e", "escape": "esc"}
    assert app.get_key_display(Binding("f1", "x", "y", key_display="Help")) == "Help"  # a chosen display stays
