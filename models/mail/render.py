"""Rendering a message kind's templates: subject, text and HTML.

Each kind has `mail_templates/<kind>.txt` and `<kind>.html`. The first line of
the .txt is `Subject: ...`; the rest is the plain-text body. Both parts are
rendered with StrictUndefined (a missing context key is an error, never a
blank), the HTML with autoescape on. `compose.py` puts them into one
multipart/alternative message.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..text import single_line
from ..timefmt import DEFAULT_TIME_ZONE, long_datetime

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "mail_templates"

KINDS = (
    "invitation",
    "access_granted",
    "access_revoked",
    "ownership_changed",
    "password_changed",
    "password_reset",
    "account_locked",
    "test",
    "forms_due", "forms_alert",
)
# Kinds whose context carries a raw code: scrubbed once the message leaves.
CODE_KINDS = frozenset({"invitation", "password_reset"})


class RenderError(ValueError):
    """A message that cannot be built (unknown kind, missing field, bad address)."""


# --- templates ---------------------------------------------------------------


@lru_cache(maxsize=4)
def environment(templates_dir: str | None = None) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir or str(TEMPLATES_DIR)),
        autoescape=select_autoescape(),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["local_datetime"] = long_datetime
    return env


def inline_css(html: str) -> str:
    """The layout's <style> rules copied into each element's style attribute:
    many mail clients (webmail above all) drop a <style> block. Nothing is
    fetched: the only CSS is in the message itself."""
    import logging

    from premailer import Premailer  # imported when mail is rendered, not by the apps' start

    return Premailer(
        html,
        allow_network=False,
        allow_loading_external_files=False,
        keep_style_tags=False,
        remove_classes=True,
        disable_validation=True,
        cssutils_logging_level=logging.CRITICAL,
    ).transform()


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render_parts(kind: str, context: Mapping[str, Any], *, templates_dir: str | None = None) -> Rendered:
    """Subject, text and HTML for `kind` rendered from `context`."""
    if kind not in KINDS:
        raise RenderError(f"unknown message kind {kind!r}")
    env = environment(templates_dir)
    values = dict(context)
    values.setdefault("time_zone", DEFAULT_TIME_ZONE)
    phone = str(values.get("practice_phone") or "").strip()
    values["call_us"] = f"call us at {phone}" if phone else "give our office a call"
    try:
        text = env.get_template(f"{kind}.txt").render(values)
        first, _, body = text.partition("\n")
        if not first.startswith("Subject:"):
            raise RenderError(f"{kind}.txt must start with a 'Subject:' line")
        subject = single_line(first[len("Subject:"):])
        values["subject"] = subject
        html = inline_css(env.get_template(f"{kind}.html").render(values))
    except RenderError:
        raise
    except Exception as exc:  # jinja2 UndefinedError, TemplateNotFound, bad dates
        raise RenderError(f"could not render {kind}: {exc}") from exc
    return Rendered(subject=subject, text=body.lstrip("\n"), html=html)


# --- messages ----------------------------------------------------------------


def text_part(msg) -> str:
    """The text/plain body of a message (for viewers and tests)."""
    part = msg.get_body(preferencelist=("plain",)) if hasattr(msg, "get_body") else None
    if part is None:
        return ""
    return part.get_content()


def html_part(msg) -> str:
    part = msg.get_body(preferencelist=("html",)) if hasattr(msg, "get_body") else None
    if part is None:
        return ""
    return part.get_content()
