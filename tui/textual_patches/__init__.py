"""Every reach into Textual's private names, in one place.

Each module says what it patches, the test that shows why it exists, the
figure it buys and an upstream issue text (a paragraph one could file on
Textualize/textual): drop the patch once Textual does it itself.

    css_cache       each stylesheet parsed once per process (Stylesheet._parse_rules)
    first_frame     the first frame whole (App._display / App._end_batch), kiosk and mailbox
    key_hints       footer keys in the first frame, no rebuild on every focus move (Footer)
    terminal_input  bracketed pastes whole, non-UTF-8 bytes as U+FFFD, an input thread
                    that sleeps until there is input (XTermParser, the Linux driver)
    render_rows     a partial update renders its rows, not whole widgets (Compositor._get_renders)
    detached_styles a widget not yet mounted is not restyled on each class change (DOMNode._parent)
    same_size_resize  a shown screen is laid out once, not again for its own Resize,
                    nor the screen below a dialog (Screen._screen_resized)
    dispatch_cache  a message's handlers looked up once per class (MessagePump._get_dispatch_methods)
    focus_repaint   a focus change repaints what it restyles, not the whole screen
                    (Screen.focused's Reactive._repaint)
    focus_restyle   a widget focused or blurred is restyled alone unless a rule styles its
                    inside by its focus (Widget.watch_has_focus)
    table_cells     a one-line DataTable cell drawn without Rich's generic pipeline (DataTable._render_cell)
    strip_caches    a Strip's seven caches made on first use, not with every line drawn (Strip.__init__)
    sliced_paint    a new layout painted a few widgets per loop callback, not all in the layout's
                    (Screen._refresh_layout / Screen._compositor_refresh)

`tui.startup.run_app` installs css_cache, terminal_input, render_rows,
detached_styles, same_size_resize, dispatch_cache, focus_repaint, focus_restyle, table_cells, strip_caches and sliced_paint (`install_all`; the
doors' zygote installs dispatch_cache before it forks too, DEFAULT_PRELOAD);
the other two are classes the apps use. tests/test_textual_patches.py fails on a private
Textual name used anywhere else in tui/.
"""


def install_all() -> None:
    """The patches every app runs with (tui.startup.run_app; benches that build an app
    themselves call it too, so they time what `portal staff` / `portal kiosk` run)."""
    from . import (css_cache, detached_styles, dispatch_cache, focus_repaint, focus_restyle, render_rows,
                   same_size_resize, sliced_paint, strip_caches, table_cells, terminal_input)

    css_cache.install()  # each stylesheet parsed once per process, not once per screen
    terminal_input.install()  # pastes whole and in order, stray bytes harmless, no polling at rest
    render_rows.install()  # a key's partial update renders its rows, not whole widgets
    detached_styles.install()  # a widget is styled once, when mounted, not on each class set before
    same_size_resize.install()  # a shown screen laid out once, the screen below a dialog not again
    dispatch_cache.install()  # a message's handlers found once per class, not by walking the MRO each time
    focus_repaint.install()  # a focus change repaints what it restyles, not the whole screen
    focus_restyle.install()  # a container blurred is restyled alone, not with everything inside it
    strip_caches.install()  # a line's caches made when used: fewer objects made, and for full collections to walk
    table_cells.install()  # a table's one-line cells drawn straight from their Text, not through Rich's pipeline
    sliced_paint.install()  # a new layout's paint split over loop callbacks, so no key waits for a whole screen
