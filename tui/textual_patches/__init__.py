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
    same_size_resize  a shown screen is laid out once, not again for its own Resize,
                    nor the screen below a dialog (Screen._screen_resized)

`tui.startup.run_app` installs css_cache, terminal_input and render_rows
(same_size_resize is to join them: bench/loop_lag.py's drive installs it);
the other two are classes the apps use. tests/test_textual_patches.py fails on a private
Textual name used anywhere else in tui/.
"""
