"""The credential store on SQLite: tokens, passwords and sessions, their secrets and bounds.

tests/integration/test_credentials_postgres.py runs the core of these on PostgreSQL.
"""

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from access import (
    AuthenticationFailed,
    CredentialStore,
    PasswordTooLong,
    PasswordTooShort,
    SessionLifetimeInvalid,
    TokenLifetimeInvalid,
    TokenNotFound,
    TooManyTokens,
)
from access.sessions import MAX_LIVE_SESSIONS_PER_PERSON
from access.storage import access_passwords, access_sessions, access_tokens
from access.tokens import MAX_LIVE_TOKENS_PER_PERSON
from partnership.errors import InvalidInput

NOW = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
KEY = b"k" * 32
ALICE = "person-alice"
BOB = "person-bob"
PASSWORD = "correct horse battery staple"


class CountingHasher(PasswordHasher):
    """Cheap parameters, so the suite stays fast, and a count of the checks it made."""

    def __init__(self, **parameters: Any) -> None:
        super().__init__(**{"time_cost": 1, "memory_cost": 8, "parallelism": 1, **parameters})
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self.verified += 1
        return super().verify(hash, password)


def open_store(url: str, hasher: PasswordHasher | None = None) -> CredentialStore:
    return CredentialStore(url, KEY, hasher=hasher or CountingHasher())


@pytest.fixture
def credentials_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'credentials.sqlite'}"


@pytest.fixture
def credentials(credentials_url: str) -> Iterator[CredentialStore]:
    store = open_store(credentials_url)
    try:
        yield store
    finally:
        store.close()


def failure(code: str, work: Any, *args: Any, **kwargs: Any) -> AuthenticationFailed:
    with pytest.raises(AuthenticationFailed) as raised:
        work(*args, **kwargs)
    assert raised.value.code == code, raised.value.message
    return raised.value


# API tokens


def test_a_token_is_shown_once_and_kept_only_as_a_digest(credentials: CredentialStore) -> None:
    issued = credentials.issue_token(ALICE, "nightly export", now=NOW)
    assert issued.token.startswith(f"ptk_{issued.info.token_id}_")
    assert issued.token not in repr(issued)
    assert issued.info.expires_at == NOW + timedelta(days=90)
    secret = issued.token.split("_", 2)[2]
    with credentials.database.reading() as conn:
        row = conn.execute(select(access_tokens)).one()
    assert secret not in " ".join(str(value) for value in row)
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    listed = credentials.list_tokens(ALICE)
    assert listed == [issued.info]
    assert not any(hasattr(info, name) for info in listed for name in ("secret_hash", "token"))


def test_a_token_names_its_person_and_notes_its_use(credentials: CredentialStore) -> None:
    issued = credentials.issue_token(ALICE, "nightly export", now=NOW)
    later = NOW + timedelta(hours=1)
    used = credentials.verify_token(issued.token, now=later)
    assert (used.person_id, used.label, used.last_used_at) == (ALICE, "nightly export", later)
    assert credentials.list_tokens(ALICE)[0].last_used_at == later
    assert credentials.list_tokens(BOB) == []


def test_last_use_is_written_at_most_once_a_minute(credentials: CredentialStore) -> None:
    issued = credentials.issue_token(ALICE, "busy script", now=NOW)
    credentials.verify_token(issued.token, now=NOW)
    credentials.verify_token(issued.token, now=NOW + timedelta(seconds=59))
    assert credentials.list_tokens()[0].last_used_at == NOW
    credentials.verify_token(issued.token, now=NOW + timedelta(seconds=60))
    assert credentials.list_tokens()[0].last_used_at == NOW + timedelta(seconds=60)


def test_forged_and_malformed_tokens_are_told_apart(credentials: CredentialStore) -> None:
    issued = credentials.issue_token(ALICE, "export", now=NOW)
    token_id = issued.info.token_id
    other_secret = "A" * 43
    failure("token_invalid", credentials.verify_token, f"ptk_{token_id}_{other_secret}", now=NOW)
    failure("token_invalid", credentials.verify_token, f"ptk_{'0' * 16}_{other_secret}", now=NOW)
    for malformed in (
        "",
        "ptk_",
        issued.token[:-1],
        issued.token + "A",
        issued.token.replace("ptk_", "xyz_"),
        issued.token.upper(),
        issued.token[:-1] + "é",
        "x" * 100_000,
    ):
        failure("credentials_malformed", credentials.verify_token, malformed, now=NOW)


def test_a_token_expires(credentials: CredentialStore) -> None:
    issued = credentials.issue_token(ALICE, "short", now=NOW, expires_in=timedelta(days=1))
    credentials.verify_token(issued.token, now=NOW + timedelta(days=1) - timedelta(seconds=1))
    failed = failure(
        "token_expired", credentials.verify_token, issued.token, now=NOW + timedelta(days=1)
    )
    assert "2024-03-02" in failed.message
    assert credentials.list_tokens()[0].status(NOW + timedelta(days=1)) == "expired"


def test_a_revoked_token_is_refused_at_once(credentials: CredentialStore) -> None:
    issued = credentials.issue_token(ALICE, "leaked", now=NOW)
    revoked = credentials.revoke_token(issued.info.token_id, now=NOW + timedelta(hours=1))
    assert revoked.revoked_at == NOW + timedelta(hours=1)
    failure("token_revoked", credentials.verify_token, issued.token, now=NOW + timedelta(hours=2))
    again = credentials.revoke_token(issued.info.token_id, now=NOW + timedelta(days=3))
    assert again.revoked_at == NOW + timedelta(hours=1)
    assert again.status(NOW) == "revoked"
    with pytest.raises(TokenNotFound):
        credentials.revoke_token("0" * 16, now=NOW)
    with pytest.raises(TokenNotFound):
        credentials.revoke_token("x" * 10_000, now=NOW)


def test_token_lifetimes_and_labels_are_bounded(credentials: CredentialStore) -> None:
    longest = credentials.issue_token(ALICE, "year", now=NOW, expires_in=timedelta(days=366))
    assert longest.info.expires_at == NOW + timedelta(days=366)
    for lifetime in (timedelta(days=367), timedelta(0), timedelta(days=-1)):
        with pytest.raises(TokenLifetimeInvalid):
            credentials.issue_token(ALICE, "bad", now=NOW, expires_in=lifetime)
    for label in ("", "   ", "x" * 101, "a\x00b"):
        with pytest.raises(InvalidInput):
            credentials.issue_token(ALICE, label, now=NOW)
    for person_id in ("", "p" * 101):
        with pytest.raises(InvalidInput):
            credentials.issue_token(person_id, "label", now=NOW)


def test_one_person_holds_a_bounded_number_of_live_tokens(credentials: CredentialStore) -> None:
    first = credentials.issue_token(ALICE, "token 0", now=NOW)
    for number in range(1, MAX_LIVE_TOKENS_PER_PERSON):
        credentials.issue_token(ALICE, f"token {number}", now=NOW)
    with pytest.raises(TooManyTokens):
        credentials.issue_token(ALICE, "one too many", now=NOW)
    credentials.issue_token(BOB, "someone else's", now=NOW)
    credentials.revoke_token(first.info.token_id, now=NOW)
    credentials.issue_token(ALICE, "in its place", now=NOW)


# Passwords


def test_a_password_verifies_and_a_wrong_one_does_not(credentials: CredentialStore) -> None:
    credentials.set_password(ALICE, PASSWORD, now=NOW)
    assert credentials.verify_password(ALICE, PASSWORD)
    assert not credentials.verify_password(ALICE, PASSWORD + "!")
    assert not credentials.verify_password(BOB, PASSWORD)
    with credentials.database.reading() as conn:
        stored = conn.execute(select(access_passwords.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    credentials.set_password(ALICE, "a different passphrase", now=NOW)
    assert not credentials.verify_password(ALICE, PASSWORD)
    assert credentials.verify_password(ALICE, "a different passphrase")


def test_an_unknown_person_costs_a_hash_like_anyone_else(credentials_url: str) -> None:
    hasher = CountingHasher()
    credentials = open_store(credentials_url, hasher)
    credentials.set_password(ALICE, PASSWORD, now=NOW)
    for person_id in (ALICE, BOB, None):
        before = hasher.verified
        credentials.verify_password(person_id, "a wrong password")
        assert hasher.verified == before + 1, person_id
    credentials.close()


def test_the_password_policy_is_coded(credentials: CredentialStore) -> None:
    with pytest.raises(PasswordTooShort) as short:
        credentials.set_password(ALICE, "x" * 11, now=NOW)
    assert short.value.code == "password_too_short"
    with pytest.raises(PasswordTooLong) as long:
        credentials.set_password(ALICE, "x" * 1_001, now=NOW)
    assert long.value.code == "password_too_long"
    credentials.set_password(ALICE, "x" * 1_000, now=NOW)
    assert not credentials.verify_password(ALICE, "x" * 1_000_000)
    assert not credentials.verify_password(ALICE, "")


def test_a_hash_is_renewed_when_the_parameters_change(credentials_url: str) -> None:
    before = open_store(credentials_url, CountingHasher(time_cost=1))
    before.set_password(ALICE, PASSWORD, now=NOW)
    before.close()
    after = open_store(credentials_url, CountingHasher(time_cost=2))
    assert not after.verify_password(ALICE, "a wrong password")
    with after.database.reading() as conn:
        assert ",t=1," in conn.execute(select(access_passwords.c.password_hash)).scalar_one()
    assert after.verify_password(ALICE, PASSWORD)
    with after.database.reading() as conn:
        assert ",t=2," in conn.execute(select(access_passwords.c.password_hash)).scalar_one()
    assert after.verify_password(ALICE, PASSWORD)
    after.close()


# Browser sessions


def test_a_session_cookie_is_signed_and_only_its_digest_kept(credentials: CredentialStore) -> None:
    started = credentials.start_session(ALICE, now=NOW)
    assert started.expires_at == NOW + timedelta(hours=12)
    assert started.cookie_value not in repr(started)
    session = credentials.check_session(started.cookie_value, now=NOW + timedelta(hours=1))
    assert (session.person_id, session.csrf_token) == (ALICE, started.csrf_token)
    session_id = started.cookie_value.rsplit(".", 1)[0]
    with credentials.database.reading() as conn:
        row = conn.execute(select(access_sessions)).one()
    assert session_id not in " ".join(str(value) for value in row)
    assert row.session_hash == hashlib.sha256(session_id.encode()).hexdigest()


def test_forged_cookies_are_invalid(credentials_url: str, credentials: CredentialStore) -> None:
    started = credentials.start_session(ALICE, now=NOW)
    session_id, signature = started.cookie_value.rsplit(".", 1)
    other_key = CredentialStore(credentials_url, b"o" * 32, hasher=CountingHasher())
    signed_elsewhere = other_key.start_session(ALICE, now=NOW).cookie_value
    other_key.close()
    for forged in (
        session_id,
        f"{session_id}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}",
        f"{'x' * len(session_id)}.{signature}",
        signed_elsewhere,
        "é" * 50,
        "x" * 100_000,
    ):
        failure("session_invalid", credentials.check_session, forged, now=NOW)


def test_a_session_expires_and_can_be_ended(credentials: CredentialStore) -> None:
    started = credentials.start_session(ALICE, now=NOW, lifetime=timedelta(hours=1))
    failure(
        "session_expired",
        credentials.check_session,
        started.cookie_value,
        now=NOW + timedelta(hours=1),
    )
    second = credentials.start_session(ALICE, now=NOW)
    assert credentials.end_session(second.cookie_value, now=NOW)
    assert not credentials.end_session(second.cookie_value, now=NOW)
    assert not credentials.end_session("not a cookie", now=NOW)
    failure("session_ended", credentials.check_session, second.cookie_value, now=NOW)


def test_a_person_can_be_signed_out_everywhere(credentials: CredentialStore) -> None:
    alices = [credentials.start_session(ALICE, now=NOW) for _ in range(3)]
    bobs = credentials.start_session(BOB, now=NOW)
    assert credentials.end_sessions_of(ALICE, now=NOW) == 3
    for started in alices:
        failure("session_ended", credentials.check_session, started.cookie_value, now=NOW)
    assert credentials.check_session(bobs.cookie_value, now=NOW).person_id == BOB


def test_sessions_are_bounded(credentials: CredentialStore) -> None:
    for lifetime in (timedelta(0), timedelta(days=32)):
        with pytest.raises(SessionLifetimeInvalid):
            credentials.start_session(ALICE, now=NOW, lifetime=lifetime)
    started = [
        credentials.start_session(ALICE, now=NOW + timedelta(seconds=number))
        for number in range(MAX_LIVE_SESSIONS_PER_PERSON + 1)
    ]
    later = NOW + timedelta(minutes=1)
    failure("session_ended", credentials.check_session, started[0].cookie_value, now=later)
    for newer in started[1:]:
        credentials.check_session(newer.cookie_value, now=later)


def test_finished_sessions_are_dropped_a_week_on(credentials: CredentialStore) -> None:
    old = credentials.start_session(ALICE, now=NOW, lifetime=timedelta(hours=1))
    credentials.start_session(ALICE, now=NOW + timedelta(days=7, hours=1))
    with credentials.database.reading() as conn:
        assert len(conn.execute(select(access_sessions)).all()) == 1
    failure("session_invalid", credentials.check_session, old.cookie_value, now=NOW)


# The store itself


def test_the_store_reopens_its_tables(credentials_url: str) -> None:
    first = open_store(credentials_url)
    issued = first.issue_token(ALICE, "kept", now=NOW)
    first.close()
    again = open_store(credentials_url)
    assert again.verify_token(issued.token, now=NOW).person_id == ALICE
    again.close()


def test_a_short_secret_key_is_refused(credentials_url: str) -> None:
    with pytest.raises(ValueError, match="secret key"):
        CredentialStore(credentials_url, b"short")
