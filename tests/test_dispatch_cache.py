"""tui/textual_patches/dispatch_cache.py: handlers looked up once per class.

Textual walks a node's whole MRO for every message it handles, reading each
class's dict; the patch keeps what it finds per (node class, handler name,
message class). These tests drive the same app with Textual's lookup and
with the cached one and compare who handled what, in which order, and
where `prevent_default()` stopped the walk; and show that a second
dispatch of the same kind reads no class dict.
"""
from __future__ import annotations

import asyncio

from textual import on
from textual.app import App, ComposeResult
from textual.message import Message
from textual.message_pump import MessagePump
from textual.widget import Widget
from textual.widgets import Button, Input

from tui.textual_patches import dispatch_cache

calls: list[str] = []


class Ping(Message):
    pass


class LoudPing(Ping):
    def __init__(self, stop_here: bool = False) -> None:
        super().__init__()
        self.stop_here = stop_here


class Base(Widget):
    def on_ping(self, message: Ping) -> None:
        calls.append("Base.on_ping")

    @on(Ping)
    def any_ping(self, message: Ping) -> None:
        calls.append("Base.@on(Ping)")


class Middle(Base):
    def _on_ping(self, message: Ping) -> None:  # the underscored name is looked up first
        calls.append("Middle._on_ping")

    @on(LoudPing)
    def middle_loud(self, message: LoudPing) -> None:
        calls.append("Middle.@on(LoudPing)")


class Leaf(Middle):
    @on(LoudPing)
    def loud(self, message: LoudPing) -> None:
        calls.append("Leaf.@on(LoudPing)")
        if message.stop_here:
            message.prevent_default()  # no class after Leaf is asked

    def on_ping(self, message: Ping) -> None:
        calls.append("Leaf.on_ping")


class Form(App):
    def compose(self) -> ComposeResult:
        yield Leaf(id="leaf")
        yield Button("OK", id="ok")
        yield Button("Cancel", id="cancel")
        yield Input(id="name")

    @on(Button.Pressed, "#ok")
    def ok(self) -> None:
        calls.append("Form.ok")

    @on(Button.Pressed, "#cancel")
    def cancel(self) -> None:
        calls.append("Form.cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        calls.append(f"Form.on_button_pressed {event.button.id}")

    @on(Input.Changed)
    def changed(self, event: Input.Changed) -> None:
        calls.append(f"Form.changed {event.value}")


def drive() -> list[str]:
    async def go() -> list[str]:
        app = Form()
        async with app.run_test(size=(40, 12)) as pilot:
            await pilot.pause()
            calls.clear()
            leaf = app.query_one(Leaf)
            for message in (Ping(), LoudPing(), LoudPing(stop_here=True), Ping()):
                leaf.post_message(message)
                await pilot.pause()
            for button in ("#ok", "#cancel", "#ok"):
                app.query_one(button, Button).press()
                await pilot.pause()
            app.query_one(Input).focus()
            await pilot.press("a", "b")
            await pilot.pause()
            return list(calls)

    return asyncio.run(asyncio.wait_for(go(), 30))


def test_the_same_handlers_in_the_same_order_as_textuals_lookup():
    dispatch_cache.uninstall()
    textual = drive()
    # the app did dispatch, and prevent_default() cut a walk short
    assert textual[:8] == ["Leaf.on_ping", "Middle._on_ping", "Base.@on(Ping)", "Base.on_ping",
                           "Leaf.@on(LoudPing)", "Middle.@on(LoudPing)", "Base.@on(Ping)", "Leaf.@on(LoudPing)"], textual
    dispatch_cache.install()
    try:
        cached = drive()
        again = drive()  # from the cache filled by the first run
    finally:
        dispatch_cache.uninstall()
    assert cached == textual
    assert again == textual


def test_a_second_dispatch_reads_no_class_dict(monkeypatch):
    looked_up: list[type] = []
    lookup = dispatch_cache._lookup

    def counting(node_class, method_name, message_class):
        looked_up.append(message_class)
        return lookup(node_class, method_name, message_class)

    monkeypatch.setattr(dispatch_cache, "_lookup", counting)
    dispatch_cache.install()
    try:
        leaf = Leaf()
        for _ in range(3):
            list(MessagePump._get_dispatch_methods(leaf, "on_ping", Ping()))
    finally:
        dispatch_cache.uninstall()
    assert looked_up == [Ping]
