"""Count the SQL statements a block runs (for constant-query assertions)."""
from __future__ import annotations

import logging
from contextlib import contextmanager


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@contextmanager
def count_queries():
    logger = logging.getLogger("peewee")
    handler = _Counter()
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
