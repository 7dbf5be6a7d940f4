"""The first frame each app writes to a real terminal is the whole screen.

Textual drops the first frame it renders during start-up and then sends only
partial updates; without tui/textual_patches/first_frame.py the kiosk's first write showed a
few labels and buttons but no box, no focused "Log in" button and no key
hints (the rest came a frame tick later); the mailbox's, now and then,
lacked its header's icon. The staff sign-in arrives whole without it, and
its test checks that stays so. These tests run the real command
on a pseudo-terminal, take the first write that shows the screen's title,
and read that one write alone on a blank 80x24 screen.
"""
from __future__ import annotations

from pathlib import Path

import pyte
import pytest

from models.practice import update_practice
from tests.first_frame_probe import first_write


def first_frame(app: str, title: str, portal, tmp_path: Path) -> list[str]:
    screen = pyte.Screen(80, 24)
    pyte.Stream(screen).feed(first_write(app, title, portal.data_dir, tmp_path))
    return [line.rstrip() for line in screen.display]


def test_the_kiosk_welcome_arrives_whole(portal, tmp_path):
    update_practice(name="Harbor Light Counseling")
    lines = first_frame("kiosk", "Welcome to the client portal", portal, tmp_path)
    text = "\n".join(lines)
    assert "Harbor Light Counseling" in text
    assert "╭" in text and "╰" in text, text  # the box around the welcome
    buttons = [line.strip(" │") for line in lines]
    assert "Log in" in buttons, text
    assert "I have an invitation code" in buttons and "Forgot password" in buttons
    assert "To log in, type your email." in text, text  # letters typed here go to the login's email
    assert lines[-1].split() == "F2 I have a code F3 Forgot password".split(), text  # key hints


def test_the_staff_sign_in_arrives_whole(portal, tmp_path):
    lines = first_frame("staff", "Staff sign in", portal, tmp_path)
    text = "\n".join(lines)
    for part in ("Client Portal · Staff", "Username", "Password", "Sign in"):
        assert part in text, text
    assert "^S Sign in" in lines[-1], text


def test_the_mailbox_arrives_whole(portal, tmp_path):
    lines = first_frame("mailbox", "No mail yet", portal, tmp_path)
    text = "\n".join(lines)
    assert "⭘" in lines[0] and "Mailbox" in lines[0], text  # the header, its icon included
    assert lines[-1].split()[-4:] == "r Refresh q Quit".split(), text  # key hints
