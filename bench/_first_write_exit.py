"""Start an app and exit at its first terminal write that holds TEXT
(for bench/startup_instructions.py, which runs this under valgrind).

    python bench/_first_write_exit.py TEXT minimal|kiosk|staff

The minimal app is bench/startup_baseline.py's, with TEXT as its one line.
The portal's apps start as `portal kiosk` / `portal staff` do (tui.cli);
the driver's write is wrapped only once the app is built, so nothing is
imported earlier than the command imports it (Textual imported before the
command's own collector pause would be collected meanwhile).
"""
from __future__ import annotations

import os
import sys


def exit_at_first_write_of(text: str) -> None:
    from textual.drivers import linux_driver

    write = linux_driver.LinuxDriver.write

    def write_then_exit(self, data: str) -> None:
        write(self, data)
        if text in data:
            os._exit(0)

    linux_driver.LinuxDriver.write = write_then_exit  # type: ignore[method-assign]


def main(text: str, which: str) -> None:
    if which == "minimal":
        from textual.app import App
        from textual.widgets import Static

        class Minimal(App):
            def compose(self):
                yield Static(text)

        exit_at_first_write_of(text)
        Minimal().run()
        return
    import tui.startup
    from tui.cli import main as portal

    run_app = tui.startup.run_app

    def run_app_exiting(build):
        def built():
            app = build()
            exit_at_first_write_of(text)
            return app

        run_app(built)

    tui.startup.run_app = run_app_exiting
    portal([which])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
