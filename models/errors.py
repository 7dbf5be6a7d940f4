"""Errors the domain raises for screens to show. Messages are safe to show."""
from __future__ import annotations

from .text import InvalidInput


class DomainError(Exception):
    """A refusal with a message that is safe and useful to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(DomainError):
    """The caller may not do or see this (another chart, a revoked owner...)."""

    def __init__(self, message: str = "That is not available.") -> None:
        super().__init__(message)


class NotFound(DomainError):
    pass


class StateConflict(DomainError):
    """The action does not fit the current state (e.g. resend with no owner)."""


__all__ = ["DomainError", "NotAllowed", "NotFound", "StateConflict", "InvalidInput"]
