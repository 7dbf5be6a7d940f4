"""tui/textual_patches/detached_styles.py: a widget built while the app runs is
not restyled before it is mounted, and is styled once mounted as Textual styles it."""
from __future__ import annotations

import asyncio

from textual.app import App
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.widgets import Button

from tui.textual_patches import detached_styles


def mounted_buttons(patched: bool, monkeypatch) -> tuple[int, list[tuple]]:
    """Stylesheet applications while three Buttons are built (not mounted), and what
    each looks like once mounted."""
    monkeypatch.setattr(
        DOMNode, "update_node_styles",
        detached_styles._update_node_styles if patched else detached_styles._textual_update_node_styles,
    )
    applied = 0
    apply = Stylesheet.apply

    def counted(self, node, *args, **kwargs):
        nonlocal applied
        applied += 1
        return apply(self, node, *args, **kwargs)

    monkeypatch.setattr(Stylesheet, "apply", counted)
    looks: list[tuple] = []

    async def scenario() -> int:
        app = App()
        async with app.run_test(size=(60, 10)) as pilot:
            before = applied
            buttons = [Button("Send", variant="primary", compact=True), Button("Withdraw", flat=True),
                       Button("Ack", variant="error")]
            built = applied - before
            await app.screen.mount_all(buttons)
            buttons[0].variant = "success"  # mounted: a class change restyles it as before
            await pilot.pause()
            for b in buttons:
                looks.append((sorted(b.classes), b.styles.height, b.styles.background, b.styles.color,
                              b.styles.border, b.rich_style, b.region))
        return built

    return asyncio.run(scenario()), looks


def test_unmounted_buttons_are_not_restyled_and_look_the_same_once_mounted(monkeypatch):
    built_textual, textual_looks = mounted_buttons(False, monkeypatch)
    built_patched, patched_looks = mounted_buttons(True, monkeypatch)
    assert built_textual >= 6  # Textual restyles each Button while it is built (variant, flat, compact)
    assert built_patched == 0
    assert patched_looks == textual_looks
    assert "-success" in patched_looks[0][0]


def test_the_app_and_mounted_widgets_are_still_restyled(monkeypatch):
    restyled = []
    monkeypatch.setattr(detached_styles, "_textual_update_node_styles", lambda node, animate=True: restyled.append(node))
    monkeypatch.setattr(DOMNode, "update_node_styles", detached_styles._update_node_styles)

    async def scenario() -> None:
        app = App()
        async with app.run_test(size=(40, 5)):
            button = Button("Send")
            await app.screen.mount(button)
            restyled.clear()
            Button("Not mounted").add_class("-x")
            app.add_class("-marked")       # the app has no parent, yet is restyled
            button.add_class("-marked")    # a mounted widget is restyled
            assert restyled == [app, button]

    asyncio.run(scenario())
