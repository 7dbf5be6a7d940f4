"""Each message's handlers looked up once per class, not on every dispatch.

What it patches: `textual.message_pump.MessagePump._get_dispatch_methods`
(private); it raises Textual's own `OnNoWidget` (from the private
`textual._on`, no public name) where Textual's loop does, so an `@on`
selector on a message attribute that is not a widget fails as it would. For every message a node handles, Textual walks the node's
whole MRO (a PlainInput's is 17 classes), and for each class builds the
handler's name and reads the class dict twice and the `@on` handlers
once: a key typed into the kiosk's login form dispatches ~35 messages
(the key, Changed bubbling up five nodes, the compositor's updates...),
~420 class-dict reads. Here the handlers a class and a message class
have (the `@on` ones with their selectors, then the one named for the
message) are found once and kept; each dispatch then only checks, as
Textual does, whether the message stopped its default action (before each
class) and whether the `@on` selectors match the message's widgets.

Handlers are looked up once per (node class, handler name, message class):
a class's methods are its definition, not changed while an app runs. A
test that patches a handler onto a class after it has dispatched calls
`clear()`.

Why (tests): `tests/test_dispatch_cache.py` (the same handlers, in the same
order, stopped at the same point as Textual's own lookup, for `@on`
handlers with and without selectors, inherited and overridden ones,
`prevent_default()`; and the second dispatch reads no class dict).

What it buys: see BENCHMARKS.md, "Memory and CPU per session through the
SSH door" (instructions a key in the kiosk's login form, with and
without it). Installed by the SSH door's zygote (DEFAULT_PRELOAD), where
100 sessions type on 2 cores.

Upstream issue text (Textualize/textual):
    "MessagePump._get_dispatch_methods walks the MRO on every message.
    For each message dispatched, it iterates the node class's __mro__ and,
    per class, formats f'_{method_name}', reads cls.__dict__ twice and
    looks up _decorated_handlers. The result depends only on the node's
    class, the handler name and the message's class (the selector match
    and _no_default_action are per message, and could be checked while
    iterating a cached list). A widget deep in a hierarchy (Input: 17
    classes) pays this for every key, Changed and refresh message. Could
    the per-class lookups be cached?"
"""
from __future__ import annotations

import weakref
from typing import Any, Callable, Iterable

from textual._on import OnNoWidget
from textual.css.match import match
from textual.message import Message
from textual.message_pump import MessagePump
from textual.widget import Widget

_textual_get_dispatch_methods = MessagePump._get_dispatch_methods

# node class -> (handler name, message class) -> [(class, [(@on method, selectors)], named method or None)]
_handlers: "weakref.WeakKeyDictionary[type, dict[tuple[str, type], list[tuple[type, list, Any]]]]" = weakref.WeakKeyDictionary()


def _lookup(node_class: type, method_name: str, message_class: type) -> list[tuple[type, list, Any]]:
    """What Textual's loop finds in each class of `node_class.__mro__`,
    classes that have nothing for this message left out."""
    message_mro = [t for t in message_class.__mro__ if issubclass(t, Message)]
    found = []
    for cls in node_class.__mro__:
        decorated = []
        handlers_by_message = cls.__dict__.get("_decorated_handlers")
        if handlers_by_message:
            for message_type in message_mro:
                decorated.extend(handlers_by_message.get(message_type, []))
        method = cls.__dict__.get(f"_{method_name}") or cls.__dict__.get(method_name)
        if method is not None and getattr(method, "_textual_on", None):
            method = None
        if decorated or method is not None:
            found.append((cls, decorated, method))
    return found


def _get_dispatch_methods(self: MessagePump, method_name: str, message: Message) -> Iterable[tuple[type, Callable]]:
    node_class = type(self)
    by_message = _handlers.get(node_class)
    if by_message is None:
        by_message = _handlers[node_class] = {}
    key = (method_name, type(message))
    found = by_message.get(key)
    if found is None:
        found = by_message[key] = _lookup(node_class, method_name, type(message))
    return _dispatch(self, message, found)


def _dispatch(self: MessagePump, message: Message, found: list[tuple[type, list, Any]]) -> Iterable[tuple[type, Callable]]:
    """Textual's loop (textual/message_pump.py) over the classes found."""
    methods_dispatched: set[Callable] = set()
    for cls, decorated, method in found:
        if message._no_default_action:
            break
        for handler, selectors in decorated:
            if handler in methods_dispatched:
                continue
            if not selectors:
                yield cls, handler.__get__(self, cls)
                methods_dispatched.add(handler)
            else:
                if not message._sender:
                    continue
                for attribute, selector in selectors.items():
                    node = getattr(message, attribute)
                    if node is None:
                        break
                    if not isinstance(node, Widget):
                        raise OnNoWidget(f"on decorator can't match against {attribute!r} as it is not a widget.")
                    if not match(selector, node):
                        break
                else:
                    yield cls, handler.__get__(self, cls)
                    methods_dispatched.add(handler)
        if method is not None:
            yield cls, method.__get__(self, cls)


def clear() -> None:
    """Forget what was looked up (a test that changed a class's handlers)."""
    _handlers.clear()


def install() -> bool:
    """Cache handler lookups (idempotent)."""
    MessagePump._get_dispatch_methods = _get_dispatch_methods  # type: ignore[method-assign]
    return True


def uninstall() -> None:
    MessagePump._get_dispatch_methods = _textual_get_dispatch_methods  # type: ignore[method-assign]
    clear()
