"""Run `portal <app>` and save the first write to the terminal that contains
`text`, then exit at once (for tests/test_first_frame.py).

    python tests/first_frame_probe.py APP TEXT OUT_FILE
"""
import os
import sys

from textual.drivers import linux_driver

app_name, text, out_file = sys.argv[1:4]
_write = linux_driver.LinuxDriver.write


def write(self, data: str) -> None:
    _write(self, data)
    if text in data:
        with open(out_file, "w", encoding="utf-8") as out:
            out.write(data)
        os._exit(0)


linux_driver.LinuxDriver.write = write

from tui.cli import main  # noqa: E402  (after the driver is wrapped)

main([app_name])
