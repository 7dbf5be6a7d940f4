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
    dispatch_cache  a message's handlers looked up once per class (MessagePump._get_dispatch_methods)

`tui.startup.run_app` installs css_cache, terminal_input and render_rows;
the SSH and browser doors' zygote installs dispatch_cache for the apps it
forks (DEFAULT_PRELOAD); the other two are classes the apps use. tests/test_textual_patches.py fails on a private
Textual name used anywhere else in tui/.
"""
