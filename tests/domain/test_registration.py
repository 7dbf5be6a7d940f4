"""Registering with a code: identity match, lock, password policy, single use."""
import pytest

from models import chart_owner, codes
from models.chart_owner import OwnerStatus, owner_state
from models.auth import LOGIN_FAILED
from models.registration import RegistrationError, bad_code_message, check_code, register
from models.tables import Invitation, PortalAccount

from .helpers import GOOD_PASSWORD, STAFF, invited_chart


def test_register_consumes_code_and_activates(portal):
    client, code = invited_chart()
    done = register(code, "rivera", "2001-04-13", GOOD_PASSWORD, GOOD_PASSWORD, source="kiosk")
    assert done.email == "jamie@example.com" and not done.existing_account
    assert owner_state(client).status is OwnerStatus.ACTIVE
    with pytest.raises(RegistrationError) as err:
        register(code, "Rivera", "04/13/2001", GOOD_PASSWORD, GOOD_PASSWORD)
    assert err.value.message == bad_code_message()


def test_code_typing_is_forgiving(portal):
    _, code = invited_chart()
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert check_code(typed)


def test_last_name_compare_folds_case_accents_and_spaces(portal):
    client, code = invited_chart(last="Núñez-O'Brien")
    register(code, "  nunez obrien ", "04/13/2001", GOOD_PASSWORD, GOOD_PASSWORD)
    assert owner_state(client).status is OwnerStatus.ACTIVE


def test_every_bad_code_gets_the_same_message(portal, clock):
    client, used = invited_chart()
    register(used, "Rivera", "04/13/2001", GOOD_PASSWORD, GOOD_PASSWORD)
    from .helpers import last_code, make_chart

    other = make_chart(first="Sam", last="Lee", email="sam@example.com")
    chart_owner.activate_access(STAFF, other)
    replaced = last_code()
    chart_owner.resend_invite(STAFF, other)
    third = make_chart(first="Kim", last="Park", email="kim@example.com")
    chart_owner.activate_access(STAFF, third)
    revoked = last_code()
    chart_owner.revoke_access(STAFF, third)
    fourth = make_chart(first="Al", last="Ng", email="al@example.com")
    chart_owner.activate_access(STAFF, fourth)
    expired = last_code()
    clock.advance(days=8)
    messages = set()
    for bad in [used, replaced, revoked, expired, codes.grouped(codes.new_code()), "nonsense", "", "x" * 10_000]:
        with pytest.raises(RegistrationError) as err:
            register(bad, "Lee", "04/13/2001", GOOD_PASSWORD, GOOD_PASSWORD)
        messages.add(err.value.message)
    assert messages == {bad_code_message()}


def test_three_wrong_matches_lock_the_invitation(portal):
    client, code = invited_chart()
    for attempt, (last, dob) in enumerate([("Smith", "04/13/2001"), ("Rivera", "04/14/2001"), ("Rivera", "01/01/1990")]):
        with pytest.raises(RegistrationError) as err:
            register(code, last, dob, GOOD_PASSWORD, GOOD_PASSWORD)
        # Never says which field was wrong.
        assert "last name or date of birth" in err.value.message or err.value.locked
    assert err.value.locked
    with pytest.raises(RegistrationError):
        register(code, "Rivera", "04/13/2001", GOOD_PASSWORD, GOOD_PASSWORD)
    state = owner_state(client)
    assert state.status is OwnerStatus.EXPIRED and state.locked
    chart_owner.resend_invite(STAFF, client)
    from .helpers import last_code

    register(last_code(), "Rivera", "04/13/2001", GOOD_PASSWORD, GOOD_PASSWORD)
    assert owner_state(client).status is OwnerStatus.ACTIVE


@pytest.mark.parametrize(
    "password, confirm, reason",
    [
        ("short one", "short one", "Too short"),
        ("x" * 129, "x" * 129, "Too long"),
        ("correct horse battery staple", "correct horse battery stapel", "do not match"),
        ("passwordpassword123", "passwordpassword123", "Too common"),
        ("jamie likes long walks", "jamie likes long walks", "your name"),
        ("born 04132001 in spring time", "born 04132001 in spring time", "date of birth"),
    ],
)
def test_each_password_rule_gives_its_reason(portal, password, confirm, reason):
    client, code = invited_chart()
    with pytest.raises(RegistrationError) as err:
        register(code, "Rivera", "04/13/2001", password, confirm)
    assert err.value.field == "password"
    assert reason in err.value.message
    assert check_code(code)  # a refused password does not use up the code


def test_password_is_nfkc_normalised(portal):
    from models.auth import client_login

    _, code = invited_chart()
    fancy = "ｃｏｒｒｅｃｔ horse battery staple"  # full-width letters
    register(code, "Rivera", "04/13/2001", fancy, fancy)
    assert client_login("jamie@example.com", "correct horse battery staple").ok


def test_second_chart_links_to_existing_account_with_its_password(portal):
    from .helpers import guardian_of, last_code, make_chart, make_staff

    make_staff()
    older = make_chart(first="Ava", last="Stone", dob="01/02/2015", email="")
    younger = make_chart(first="Ben", last="Stone", dob="03/04/2017", email="")
    chart_owner.activate_access(STAFF, older, contact_id=guardian_of(older, "mom@example.com").id)
    first_code = last_code()
    chart_owner.activate_access(STAFF, younger, contact_id=guardian_of(younger, "mom@example.com").id)
    second_code = last_code()
    register(first_code, "Stone", "01/02/2015", GOOD_PASSWORD, GOOD_PASSWORD)
    other = "another good passphrase here"
    with pytest.raises(RegistrationError) as err:
        register(second_code, "Stone", "03/04/2017", other, other)
    assert err.value.message == LOGIN_FAILED  # the login's one message: nothing about the email
    assert PortalAccount.get().failed_logins == 1
    done = register(second_code, "Stone", "03/04/2017", GOOD_PASSWORD, "")
    assert done.existing_account
    assert PortalAccount.select().count() == 1
    assert len(chart_owner.charts_of_account(done.account_id)) == 2


def test_only_a_digest_of_the_code_is_stored(portal):
    _, code = invited_chart()
    inv = Invitation.get()
    assert code.replace("-", "") not in inv.code_digest
    assert inv.code_digest == codes.digest(code.replace("-", ""))
