"""Attacks on the domain: login guessing, account probing, another chart's ids."""
from __future__ import annotations

import statistics
import time

import argon2
import pytest

from models import auth, passwords
from models.errors import NotAllowed
from models.records import ClientViewer, cancel_request, client_documents, client_requests, client_statement, open_document
from tests.domain.test_login_and_records import registered


def test_login_guessing_hits_the_lockout(portal):
    registered()
    outcomes = [auth.client_login("jamie@example.com", f"guess number {i}").ok for i in range(20)]
    assert not any(outcomes)
    assert not auth.client_login("jamie@example.com", "correct horse battery staple").ok  # locked now
    print("\nlogin guesses before lockout: 5; then 15 minutes per further 5")


def test_existing_and_unknown_emails_take_near_equal_time(portal):
    """Same answer and about the same time (one argon2 verify either way)."""
    passwords.use_hasher(argon2.PasswordHasher(time_cost=2, memory_cost=8192, parallelism=1))
    registered()
    known, unknown = [], []
    for i in range(12):
        for email, bucket in (("jamie@example.com", known), (f"nobody{i}@example.com", unknown)):
            started = time.perf_counter()
            result = auth.client_login(email, "wrong password entirely")
            bucket.append(time.perf_counter() - started)
            assert result.message == auth.LOGIN_FAILED
        if i == 3:  # stay under the lockout: reset the counter with a good login
            auth.client_login("jamie@example.com", "correct horse battery staple")
    gap = abs(statistics.median(known) - statistics.median(unknown))
    ratio = statistics.median(known) / statistics.median(unknown)
    print(f"\nlogin time known {statistics.median(known)*1000:.1f} ms vs unknown {statistics.median(unknown)*1000:.1f} ms (gap {gap*1000:.1f} ms)")
    assert 0.5 < ratio < 2.0


def test_every_client_read_refuses_another_chart(portal):
    from models.records import share_document

    from tests.domain.helpers import STAFF

    a, account_a = registered()
    b, account_b = registered(first="Sam", last="Lee", dob="02/02/1990", email="sam@example.com", staff=False)
    doc = share_document(STAFF, b, "Private", "text")
    viewer = ClientViewer(account_a, b.id)
    for call in (client_documents, client_requests, client_statement):
        with pytest.raises(NotAllowed):
            call(viewer)
    with pytest.raises(NotAllowed):
        open_document(ClientViewer(account_a, a.id), doc.id)
    with pytest.raises(NotAllowed):
        cancel_request(ClientViewer(account_a, a.id), 10_000)
