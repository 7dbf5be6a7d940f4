"""The client kiosk: registration, login and the client dashboard, locked down.

There is no way out of this app: no quit keys, no command palette, no
suspend. Each visit (from the Welcome screen until log-out) runs in its own
screen-stack mode; ending a visit switches to a fresh mode and removes the
old one whole, so nothing a client saw stays behind.

This module assembles the app: the rules live in core.py, the screens in
their own modules, and screens reach each other by name through
`KioskApp.go` / `KioskApp.open`. Only the Welcome screen is imported up
front; the others (and models.auth, argon2) are imported in a thread once
the Welcome is on screen (LATER_MODULES), so neither the first frame nor a
client's first steps wait for them.
"""
from __future__ import annotations

from typing import Any

from textual.screen import Screen

from tui.shared.key_hints import KeysAsPrinted
from tui.textual_patches.first_frame import WholeFirstFrame

from .core import ENDED_MESSAGE, IDLE_MESSAGE, LOGGED_OUT, KioskBase, KioskSession
from .welcome import WelcomeScreen

__all__ = ["ENDED_MESSAGE", "IDLE_MESSAGE", "LOGGED_OUT", "KioskApp", "KioskSession"]


def _login(**kw: Any) -> Screen[Any]:
    from .login import LoginScreen

    return LoginScreen(**kw)


def _register(**kw: Any) -> Screen[Any]:
    from .register import RegisterScreen

    return RegisterScreen(**kw)


def _registered(**kw: Any) -> Screen[Any]:
    from .registered import RegisteredScreen

    return RegisteredScreen(**kw)


def _forgot(**kw: Any) -> Screen[Any]:
    from .forgot_password import ForgotPasswordScreen

    return ForgotPasswordScreen(**kw)


def _choose_chart(**kw: Any) -> Screen[Any]:
    from .choose_chart import ChooseChartScreen

    return ChooseChartScreen(**kw)


def _dashboard(**kw: Any) -> Screen[Any]:
    from .dashboard import DashboardScreen

    return DashboardScreen(**kw)


def _document(**kw: Any) -> Screen[Any]:
    from .document import DocumentScreen

    return DocumentScreen(**kw)


def _idle(**kw: Any) -> Screen[Any]:
    from .idle import IdleWarningScreen

    return IdleWarningScreen(**kw)


def _questionnaire(**kw: Any) -> Screen[Any]:
    from .forms.question import QuestionScreen

    return QuestionScreen(**kw)


def _form_page(**kw: Any) -> Screen[Any]:
    from .forms.form_page import FormPageScreen

    return FormPageScreen(**kw)


def _form_review(**kw: Any) -> Screen[Any]:
    from .forms.review import ReviewScreen

    return ReviewScreen(**kw)


def _form_signature(**kw: Any) -> Screen[Any]:
    from .forms.signature import SignatureScreen

    return SignatureScreen(**kw)


def _form_thanks(**kw: Any) -> Screen[Any]:
    from .forms.thank_you import ThankYouScreen

    return ThankYouScreen(**kw)


def _form_completed(**kw: Any) -> Screen[Any]:
    from .forms.completed import CompletedFormScreen

    return CompletedFormScreen(**kw)


class KioskApp(KeysAsPrinted, WholeFirstFrame, KioskBase):
    CSS_PATH = "app.tcss"
    # A visit's way in and its dashboard (with models.auth and argon2, the
    # records and the forms views), imported once the Welcome is on screen.
    LATER_MODULES = (
        "tui.kiosk.login",
        "tui.kiosk.dashboard",
        "tui.kiosk.choose_chart",
        "tui.kiosk.document",
        "tui.kiosk.register",
        "tui.kiosk.forgot_password",
    )
    SCREEN_TYPES = {
        "welcome": WelcomeScreen,
        "login": _login,
        "register": _register,
        "registered": _registered,
        "forgot_password": _forgot,
        "choose_chart": _choose_chart,
        "dashboard": _dashboard,
        "document": _document,
        "idle": _idle,
        # the client's forms, imported when a form is first opened
        "questionnaire": _questionnaire,
        "form_page": _form_page,
        "form_review": _form_review,
        "form_signature": _form_signature,
        "form_thanks": _form_thanks,
        "form_completed": _form_completed,
    }
