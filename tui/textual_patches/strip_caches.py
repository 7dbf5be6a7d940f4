"""A Strip's seven small caches are made when first used, not with every Strip.

What it patches: `textual.strip.Strip.__init__` and the seven cache slots
of `textual.strip.Strip` (`_divide_cache`, `_crop_cache`, ...). Textual
makes seven `FIFOCache`s for every Strip, i.e. for every line of every
widget each time it is drawn, and most are never asked: in the kiosk's
loop_lag drive 8.4 k strips were made (59 k caches), of which 1.7 k used
their divide and filter caches and a hundred their style and line-length
caches; none used the other three (they serve the terminal's output,
which a real terminal adds). The live ones are most of what Python's full
garbage collection walks: 12.3 k `FIFOCache`s of the 64 k objects it
scanned after the kiosk's drive. Here each slot holds nothing until a
method of the Strip reads it; the read makes the cache, as `__init__` did,
so every method of Strip works unchanged.

Why (tests): `tests/test_strip_caches.py` (a drawn screen makes no cache
for most of its strips, each cache a method asks for works and is kept,
and the screen's lines are the same as with Textual's own Strip).

What it buys: the objects a full collection walks after the loop_lag
drives, 59-63 k -> 48-50 k, and its CPU 30.0 -> 23.1 ms (staff) and
32.7 -> 29.3 ms (kiosk); in the drives themselves no quiet-time collection
was due any more (BENCHMARKS.md, "Loop lag: cells, strips and imports off
the first layouts").

Upstream issue text (Textualize/textual):
    "Strip.__init__ creates seven FIFOCache instances per strip. Strips
    are created for every rendered line, and most caches are never used
    (in one app session 8.4 k strips were created and only 1.7 k used any
    cache at all). Each FIFOCache is a GC-tracked object, so the caches
    also make full garbage collections slower (12 k of 64 k tracked
    objects in a running app). Could the caches be created on first use
    (e.g. a None slot checked in each method), or shared in one dict per
    strip made on demand?"
"""
from __future__ import annotations

from typing import Any, Iterable

from textual.cache import FIFOCache
from textual.strip import Strip

# Each slot and the size Textual gives its cache (textual/strip.py, Strip.__init__).
SIZES = {
    "_divide_cache": 4,
    "_crop_cache": 16,
    "_style_cache": 16,
    "_filter_cache": 4,
    "_line_length_cache": 4,
    "_crop_extend_cache": 4,
    "_offsets_cache": 4,
}

_textual_init = Strip.__init__
_slots = {name: Strip.__dict__[name] for name in SIZES}  # the slots' own member descriptors


class _MadeWhenRead:
    """A slot of Strip whose FIFOCache is made on first read (a data descriptor over the slot)."""

    __slots__ = ("slot", "size")

    def __init__(self, slot: Any, size: int) -> None:
        self.slot = slot
        self.size = size

    def __get__(self, strip: Strip | None, owner: type | None = None) -> Any:
        if strip is None:
            return self
        try:
            return self.slot.__get__(strip, owner)
        except AttributeError:
            cache: FIFOCache = FIFOCache(self.size)
            self.slot.__set__(strip, cache)
            return cache

    def __set__(self, strip: Strip, value: Any) -> None:
        self.slot.__set__(strip, value)


def _init(self: Strip, segments: Iterable, cell_length: int | None = None) -> None:
    # Textual's __init__ without its seven caches.
    self._segments = list(segments)
    self._cell_length = cell_length
    self._render_cache = None
    self._link_ids = None
    self._cell_count = None


# The slots this __init__ knows; another Textual's Strip keeps its own __init__.
KNOWN_SLOTS = {"_segments", "_cell_length", "_render_cache", "_link_ids", "_cell_count", *SIZES}


def install() -> None:
    if Strip.__init__ is _init or set(Strip.__slots__) != KNOWN_SLOTS:
        return
    for name, size in SIZES.items():
        setattr(Strip, name, _MadeWhenRead(_slots[name], size))
    Strip.__init__ = _init  # type: ignore[method-assign]


def uninstall() -> None:
    """Textual's __init__ again. The slots keep making a cache on first read:
    strips made meanwhile (Strip.blank keeps some) have none yet."""
    Strip.__init__ = _textual_init  # type: ignore[method-assign]
