"""tui/textual_patches/focus_restyle.py: focus and blur restyle the widget alone unless
a rule styles its descendants by its focus."""
from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.css.stylesheet import Stylesheet
from textual.widget import Widget
from textual.widgets import Button, DataTable, Input, Label, ListItem, ListView, Static

from tui.textual_patches import focus_restyle


class Panel(VerticalScroll, can_focus=True):
    """A focusable container whose descendants a rule styles by its focus (by type)."""


class FocusApp(App):
    CSS = """
    Panel:focus Label { color: red; text-style: bold; }
    Panel:blur > Label { background: $boost; }
    DataTable, ListView { height: 3; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="plain"):  # focusable (scrolls), no rule styles its inside by its focus
            for n in range(12):
                yield Static(f"line {n}")
        with Panel():
            yield Label("a label a rule colours while the panel has the focus")
        with Vertical(id="marked") as marked:
            marked.can_focus = True
            yield Button("inside a focusable container no rule names")
        yield Input(placeholder="a field")
        table = DataTable(cursor_type="row")
        table.add_columns("Form", "State")
        table.add_rows([("PHQ-9", "Completed"), ("GAD-7", "To do")])
        yield table
        yield ListView(ListItem(Static("one")), ListItem(Static("two")))


def _styles(app: App) -> list[tuple]:
    return [(repr(node), str(node.rich_style), str(node.styles.background), str(node.styles.color))
            for node in app.screen.walk_children(with_self=True)]


async def _applied_when_focused(app: App, pilot, widget: Widget) -> list:
    """The nodes styles were applied to while the focus moved to `widget`."""
    applied: list = []
    textual_apply = Stylesheet.apply

    def apply(self, node, *args, **kwargs):
        applied.append(node)
        return textual_apply(self, node, *args, **kwargs)

    Stylesheet.apply = apply  # type: ignore[method-assign]
    try:
        widget.focus()
        await pilot.pause()
    finally:
        Stylesheet.apply = textual_apply  # type: ignore[method-assign]
    return applied


def _run(test) -> None:
    kept = Widget.watch_has_focus
    focus_restyle.install()
    try:
        asyncio.run(asyncio.wait_for(test(), 30))
    finally:
        Widget.watch_has_focus = kept  # as this test process had it


def test_every_widget_styled_as_a_full_restyle_styles_it_after_each_focus_move() -> None:
    async def go() -> None:
        app = FocusApp()
        async with app.run_test(size=(60, 40)) as pilot:
            await pilot.pause()
            for move in range(10):
                await pilot.press("tab")
                await pilot.pause()
                seen = _styles(app)
                app.stylesheet.update_nodes(app.screen.walk_children(with_self=True), animate=False)
                await pilot.pause()
                assert seen == _styles(app), f"after move {move + 1}, to {app.focused!r}"

    _run(go)


def test_a_blurred_container_no_rule_depends_on_is_restyled_alone() -> None:
    async def go() -> None:
        app = FocusApp()
        async with app.run_test(size=(60, 40)) as pilot:
            plain = app.query_one("#plain")
            plain.focus()
            await pilot.pause()
            applied = await _applied_when_focused(app, pilot, app.query_one(Input))
            assert plain in applied
            assert not [n for n in applied if isinstance(n, Static) and n.parent is plain]  # its twelve lines are left alone
            app.query_one(Panel).focus()
            await pilot.pause()
            applied = await _applied_when_focused(app, pilot, app.query_one(Input))
            assert app.query_one(Panel).query_one(Label) in applied  # a rule styles it by the Panel's focus

    _run(go)


def test_the_types_named_before_a_focus_part_or_any_for_an_id_or_a_class() -> None:
    class ByType(App):
        CSS = "Panel:focus Label { color: red; }"

        def compose(self) -> ComposeResult:
            yield Panel(Label("x"))

    class ById(ByType):
        CSS = "#box:focus > Label { color: red; }"

    class ByClass(ByType):
        CSS = ".lit:focus Button { color: yellow; }"

    async def go() -> None:
        for app_class, expect_any in ((ByType, False), (ById, True), (ByClass, True)):
            app = app_class()
            async with app.run_test() as pilot:
                await pilot.pause()
                names = focus_restyle.types_styling_descendants(app.stylesheet)
                if expect_any:
                    assert names is focus_restyle.ANY, app_class
                else:
                    assert names is not focus_restyle.ANY and "Panel" in names and "VerticalScroll" not in names

    _run(go)
