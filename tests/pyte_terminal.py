"""A terminal emulator (pyte) that the tests write an app's updates to, and read cell by cell."""
from __future__ import annotations

import pyte


class Terminal:
    def __init__(self, size: tuple[int, int]) -> None:
        self.size = size
        self.screen = pyte.Screen(*size)
        self.stream = pyte.Stream(self.screen)

    def cells(self) -> list[tuple]:
        """Every cell: its character, colours and attributes."""
        width, height = self.size
        buffer = self.screen.buffer
        return [(x, y, c.data, c.fg, c.bg, c.bold, c.reverse, c.underscore)
                for y in range(height) for x in range(width) for c in (buffer[y][x],)]
