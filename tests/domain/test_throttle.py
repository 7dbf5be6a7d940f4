"""Code guessing is limited per source."""
import pytest

from models import codes, throttle
from models.registration import RegistrationError, check_code, register

from .helpers import GOOD_PASSWORD, invited_chart


def test_guesses_per_hour_are_limited_per_source(portal, clock):
    _, real = invited_chart()
    refused = 0
    for _ in range(throttle.LIMIT):
        assert not check_code(codes.new_code(), source="ssh:203.0.113.9")
        refused += 1
    with pytest.raises(throttle.Throttled):
        check_code(real, source="ssh:203.0.113.9")
    with pytest.raises(RegistrationError) as err:
        register(real, "Rivera", "04/13/2001", GOOD_PASSWORD, GOOD_PASSWORD, source="ssh:203.0.113.9")
    assert "Too many codes" in err.value.message
    # another source is unaffected, and the limit lifts after the window
    assert check_code(real, source="kiosk")
    clock.advance(hours=1, seconds=1)
    assert check_code(real, source="ssh:203.0.113.9")
    print(f"\ncode guesses a source gets per hour: {refused}")
