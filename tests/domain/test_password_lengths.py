"""Every password length the policy allows (15 to 128) works on every path
that sets one, and 129 gets the policy's "Too long" reason.

zxcvbn 4.5 raises ValueError past 72 characters; these lengths crashed
registration, password change, password reset and adding a staff user.
"""
from __future__ import annotations

import pytest

from models import auth
from models.passwords import MAX_LENGTH, check_policy
from models.registration import RegistrationError, register
from models.text import InvalidInput

from .helpers import GOOD_PASSWORD, invited_chart, last_code

ACCEPTED = (15, 72, 73, 100, 128)
TOO_LONG = MAX_LENGTH + 1
WORDS = (
    "quiet violet tractors juggle nine brass kettles beneath orange umbrellas while "
    "sleepy walruses hum ancient shanties backwards at dawn near foggy lighthouses"
)


def passphrase(length: int, salt: str = "") -> str:
    """A strong passphrase of exactly `length` characters, not ending in a space."""
    text = (salt + WORDS)[:length]
    assert len(text) == length
    return text if not text.endswith(" ") else text[:-1] + "s"


@pytest.fixture
def database_url() -> str:
    """SQLite only: nothing here depends on the database, and each portal costs a schema."""
    return ""


def registered() -> tuple[int, str]:
    _, code = invited_chart()
    return register(code, "Rivera", "04/13/2001", GOOD_PASSWORD, GOOD_PASSWORD).account_id, "jamie@example.com"


@pytest.mark.parametrize("length", ACCEPTED)
def test_the_policy_answers_every_allowed_length(length):
    assert check_policy(passphrase(length), passphrase(length)).ok


@pytest.mark.parametrize("length", (73, 100, 128))
def test_a_long_run_of_one_letter_is_still_easy_to_guess(length):
    for weak in ("a" * length, "ab" * (length // 2) + "a" * (length % 2), "🙂" * length):
        verdict = check_policy(weak)
        assert not verdict.ok and verdict.reason.startswith("Too common or easy to guess"), weak


def test_a_strong_stretch_anywhere_in_a_long_password_is_enough():
    assert check_policy("a" * 56 + passphrase(72)).ok  # weak head, strong tail
    assert check_policy(passphrase(72) + "a" * 56).ok


def test_the_limits_count_what_is_hashed():
    """NFKC turns 'ﬃ' into 'ffi': 43 typed ligatures are 129 characters."""
    verdict = check_policy("ﬃ" * 43)
    assert not verdict.ok and verdict.reason.startswith("Too long") and "more than one" in verdict.reason


@pytest.mark.parametrize(
    "password",
    [
        "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(128)),  # 128 CJK characters (384 UTF-8 bytes)
        "".join("🙂🌲🚲🎻🦉🍋🧭🪁🌋🎈🦔🍄🛶🧩🌵🪐"[(i * 7) % 16] + "語文字"[i % 3] for i in range(64)),  # 128, emoji
    ],
    ids=["cjk", "emoji"],
)
def test_multibyte_passwords_of_128_characters(portal, password):
    assert len(password) == MAX_LENGTH
    account, email = registered()
    auth.change_password(account, GOOD_PASSWORD, password, password)
    assert auth.client_login(email, password).ok


def test_a_scorer_failure_refuses_instead_of_crashing(monkeypatch):
    import zxcvbn

    def broken(*args, **kwargs):
        raise ValueError("scorer broke")

    monkeypatch.setattr(zxcvbn, "zxcvbn", broken)
    verdict = check_policy(passphrase(40))
    assert not verdict.ok and "could not be checked" in verdict.reason


# --- every path that sets a password ------------------------------------------


@pytest.mark.parametrize("length", ACCEPTED)
def test_registration(portal, length):
    _, code = invited_chart()
    password = passphrase(length)
    register(code, "Rivera", "04/13/2001", password, password)
    assert auth.client_login("jamie@example.com", password).ok


def test_registration_too_long(portal):
    _, code = invited_chart()
    password = passphrase(TOO_LONG)
    with pytest.raises(RegistrationError) as refused:
        register(code, "Rivera", "04/13/2001", password, password)
    assert refused.value.field == "password" and refused.value.message.startswith("Too long")


@pytest.mark.parametrize("length", ACCEPTED)
def test_password_change(portal, length):
    account, email = registered()
    password = passphrase(length, salt="new ")
    auth.change_password(account, GOOD_PASSWORD, password, password)
    assert auth.client_login(email, password).ok


def test_password_change_too_long(portal):
    account, email = registered()
    password = passphrase(TOO_LONG)
    with pytest.raises(auth.AuthError) as refused:
        auth.change_password(account, GOOD_PASSWORD, password, password)
    assert refused.value.field == "new" and refused.value.message.startswith("Too long")
    assert auth.client_login(email, GOOD_PASSWORD).ok


@pytest.mark.parametrize("length", ACCEPTED)
def test_password_reset(portal, length):
    _, email = registered()
    auth.request_password_reset(email, "Rivera", "04/13/2001")
    password = passphrase(length, salt="reset ")
    assert auth.reset_password(last_code("password_reset"), password, password) == email
    assert auth.client_login(email, password).ok


def test_password_reset_too_long(portal):
    _, email = registered()
    auth.request_password_reset(email, "Rivera", "04/13/2001")
    password = passphrase(TOO_LONG)
    with pytest.raises(auth.AuthError) as refused:
        auth.reset_password(last_code("password_reset"), password, password)
    assert refused.value.field == "new" and refused.value.message.startswith("Too long")


@pytest.mark.parametrize("length", ACCEPTED)
def test_adding_a_staff_user(portal, length):
    password = passphrase(length)
    auth.add_staff_user("dana", "Dana Scully", "clinician", password)
    assert auth.staff_login("dana", password).ok


def test_adding_a_staff_user_too_long(portal):
    with pytest.raises(InvalidInput) as refused:
        auth.add_staff_user("dana", "Dana Scully", "clinician", passphrase(TOO_LONG))
    assert refused.value.field == "password" and refused.value.message.startswith("Too long")


@pytest.mark.parametrize("length", [*ACCEPTED, TOO_LONG])
def test_portal_staff_add(portal, monkeypatch, capsys, length):
    """The CLI path: a clear line and an exit status, never a traceback."""
    from tui import cli

    monkeypatch.setenv("PORTAL_DATA_DIR", str(portal.data_dir))
    monkeypatch.setenv("PORTAL_CONFIG", str(portal.data_dir / "none.toml"))
    password = passphrase(length)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": password)
    code = cli.main(["staff", "add", "--username", "dana", "--full-name", "Dana Scully", "--role", "clinician"])
    out, err = capsys.readouterr()
    if length <= MAX_LENGTH:
        assert code == 0 and "Added Dana Scully" in out, err
        assert auth.staff_login("dana", password).ok
    else:
        assert code == 1 and err.startswith("Password: Too long") and "Nothing was added" in err
        assert "Traceback" not in out + err


def test_a_password_with_bytes_that_were_not_utf8_does_not_crash_the_hash(portal):
    """Undecodable argv or terminal bytes arrive as lone surrogates, which argon2
    cannot encode: like every control, they are not part of what is hashed."""
    password = passphrase(40) + "\udcff"
    assert check_policy(password).ok
    auth.add_staff_user("dana", "Dana Scully", "clinician", password)
    assert auth.staff_login("dana", passphrase(40)).ok


def test_a_password_set_at_the_cli_is_the_one_the_fields_let_people_type(portal):
    """The fields drop invisible characters and controls (tui.shared.plain_input); getpass does not."""
    import asyncio

    from textual import events
    from textual.app import App

    from tui.shared.plain_input import PlainInput

    typed_at_cli = passphrase(40) + "\u200d\u202e\x1b[31m"
    auth.add_staff_user("dana", "Dana Scully", "clinician", typed_at_cli)

    class SignIn(App):
        def compose(self):
            yield PlainInput(password=True)

    async def paste() -> str:
        app = SignIn()
        async with app.run_test() as pilot:
            app.post_message(events.Paste(typed_at_cli))
            await pilot.pause()
            return app.query_one(PlainInput).value

    held = asyncio.run(paste())
    assert held == passphrase(40)
    assert auth.staff_login("dana", held).ok
