"""The Authenticator: a request's token or session cookie, checked against the credential
store, and the person's grants as the read models hold them now."""

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from access import AuthenticationFailed, Authenticator, CredentialStore
from partnership.access import Role, ScopeKind
from partnership.commands.envelope import Envelope
from partnership.domain import Provenance
from projections.runtime import Runtime
from tests.conftest import OFFICER, MovableClock
from tests.unit.test_credentials import KEY, CountingHasher

pytestmark = pytest.mark.store_agnostic

LCC = "Lancashire County Council"
RUTH = "ruth.hawes@chorley.gov.uk"
ROB = "rob.dobson@lancashire.gov.uk"
PASSWORD = "correct horse battery staple"


def record(runtime: Runtime, clock: MovableClock, command: str, **given: Any) -> None:
    paper = Provenance(clock().date(), "Access request form")
    result = getattr(runtime.app, command)(**given, envelope=Envelope(paper, OFFICER, clock()))
    runtime.seen(result)


@pytest.fixture
def credentials(tmp_path: Path) -> Iterator[CredentialStore]:
    store = CredentialStore(
        f"sqlite:///{tmp_path / 'credentials.sqlite'}", KEY, hasher=CountingHasher()
    )
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def authenticator(
    runtime: Runtime, clock: MovableClock, credentials: CredentialStore
) -> Authenticator:
    clock.set_day(date(2011, 9, 2))
    record(runtime, clock, "register_authority", name=LCC, kind="county")
    for name, email in (("Ruth Hawes", RUTH), ("Rob Dobson", ROB)):
        record(runtime, clock, "register_person", name=name, email=email, authority=LCC)
    record(
        runtime,
        clock,
        "grant_role",
        email=RUTH,
        role=Role.AUDITOR.value,
        scope_kind=ScopeKind.EVERYTHING.value,
    )
    return Authenticator(credentials, runtime.store, KEY, clock)


def person_id(authenticator: Authenticator, email: str) -> str:
    found = authenticator.person_id_for_email(email)
    assert found is not None
    return found


def refused(code: str, authenticator: Authenticator, **sent: str | None) -> str:
    with pytest.raises(AuthenticationFailed) as raised:
        authenticator.authenticate(**{"authorization": None, "session_cookie": None, **sent})
    assert raised.value.code == code, raised.value.message
    return raised.value.message


def test_no_credentials_is_anonymous(authenticator: Authenticator) -> None:
    assert authenticator.authenticate(authorization=None, session_cookie=None) is None
    # A browser told to forget its cookie may still send it empty.
    assert authenticator.authenticate(authorization=None, session_cookie="") is None


def test_a_token_signs_its_person_in_with_their_grants(
    authenticator: Authenticator, credentials: CredentialStore, clock: MovableClock
) -> None:
    ruth = person_id(authenticator, RUTH)
    issued = credentials.issue_token(ruth, "audit script", now=clock())
    signed_in = authenticator.authenticate(
        authorization=f"Bearer {issued.token}", session_cookie=None
    )
    assert signed_in is not None
    assert (signed_in.via, signed_in.csrf_token) == ("token", None)
    principal = signed_in.principal
    assert (principal.name, principal.email, principal.authority) == ("Ruth Hawes", RUTH, LCC)
    assert principal.roles() == {Role.AUDITOR}
    assert principal.actor.person_id == ruth
    assert signed_in.csrf_matches(None)
    lower = authenticator.authenticate(authorization=f"bearer  {issued.token} ", session_cookie="")
    assert lower is not None
    assert lower.principal == principal


def test_a_session_signs_its_person_in_and_carries_its_csrf_token(
    authenticator: Authenticator, credentials: CredentialStore, clock: MovableClock
) -> None:
    started = credentials.start_session(person_id(authenticator, RUTH), now=clock())
    signed_in = authenticator.authenticate(authorization=None, session_cookie=started.cookie_value)
    assert signed_in is not None
    assert (signed_in.via, signed_in.principal.email) == ("session", RUTH)
    assert signed_in.csrf_token == started.csrf_token
    assert signed_in.csrf_matches(started.csrf_token)
    assert not signed_in.csrf_matches(None)
    assert not signed_in.csrf_matches(started.csrf_token + "x")


def test_a_bearer_token_wins_over_a_cookie(
    authenticator: Authenticator, credentials: CredentialStore, clock: MovableClock
) -> None:
    ruth = person_id(authenticator, RUTH)
    issued = credentials.issue_token(ruth, "script", now=clock())
    cookie = credentials.start_session(ruth, now=clock()).cookie_value
    signed_in = authenticator.authenticate(
        authorization=f"Bearer {issued.token}", session_cookie=cookie
    )
    assert signed_in is not None
    assert signed_in.via == "token"
    # A bad token is refused, not passed over for the cookie.
    forged = f"Bearer ptk_{'0' * 16}_{'A' * 43}"
    refused("token_invalid", authenticator, authorization=forged, session_cookie=cookie)


def test_each_failure_has_its_own_code(
    authenticator: Authenticator, credentials: CredentialStore, clock: MovableClock
) -> None:
    ruth = person_id(authenticator, RUTH)
    for header in ("Basic cnV0aDpwdw==", "Bearer", "Bearer ", "", "Bearer abc", "B" * 100_000):
        refused("credentials_malformed", authenticator, authorization=header)
    refused("token_invalid", authenticator, authorization=f"Bearer ptk_{'0' * 16}_{'A' * 43}")
    expiring = credentials.issue_token(ruth, "day", now=clock(), expires_in=timedelta(days=1))
    revoked = credentials.issue_token(ruth, "revoked", now=clock())
    credentials.revoke_token(revoked.info.token_id, now=clock())
    refused("token_revoked", authenticator, authorization=f"Bearer {revoked.token}")
    short = credentials.start_session(ruth, now=clock(), lifetime=timedelta(hours=1))
    ended = credentials.start_session(ruth, now=clock())
    credentials.end_session(ended.cookie_value, now=clock())
    refused("session_ended", authenticator, session_cookie=ended.cookie_value)
    refused("session_invalid", authenticator, session_cookie="forged.cookie")
    refused("session_invalid", authenticator, session_cookie="x" * 100_000)
    clock.now += timedelta(days=1)
    refused("token_expired", authenticator, authorization=f"Bearer {expiring.token}")
    refused("session_expired", authenticator, session_cookie=short.cookie_value)


def test_someone_with_no_record_or_no_grants_is_unknown(
    authenticator: Authenticator,
    credentials: CredentialStore,
    runtime: Runtime,
    clock: MovableClock,
) -> None:
    rob = person_id(authenticator, ROB)  # registered, granted nothing
    nobody = credentials.issue_token("no-such-person", "orphan", now=clock())
    robs = credentials.issue_token(rob, "too early", now=clock())
    refused("person_unknown", authenticator, authorization=f"Bearer {nobody.token}")
    refused("person_unknown", authenticator, authorization=f"Bearer {robs.token}")
    ruth = person_id(authenticator, RUTH)
    cookie = credentials.start_session(ruth, now=clock()).cookie_value
    assert authenticator.authenticate(authorization=None, session_cookie=cookie) is not None
    record(runtime, clock, "revoke_grant", email=RUTH, grant_id="1", reason="Left the council")
    refused("person_unknown", authenticator, session_cookie=cookie)


def test_password_sign_in(
    authenticator: Authenticator,
    credentials: CredentialStore,
    runtime: Runtime,
    clock: MovableClock,
) -> None:
    credentials.set_password(person_id(authenticator, RUTH), PASSWORD, now=clock())
    principal = authenticator.password_sign_in(RUTH.upper(), PASSWORD)
    assert principal is not None
    assert principal.email == RUTH
    assert authenticator.password_sign_in(RUTH, PASSWORD + "!") is None
    assert authenticator.password_sign_in(ROB, PASSWORD) is None
    assert authenticator.password_sign_in("nobody@chorley.gov.uk", PASSWORD) is None
    for not_an_address in ("", "x" * 100_000, "a\x00b@example.org"):
        assert authenticator.person_id_for_email(not_an_address) is None
        assert authenticator.password_sign_in(not_an_address, PASSWORD) is None
    record(runtime, clock, "revoke_grant", email=RUTH, grant_id="1", reason="Left the council")
    # Said only to someone who knows the password.
    with pytest.raises(AuthenticationFailed) as raised:
        authenticator.password_sign_in(RUTH, PASSWORD)
    assert raised.value.code == "person_unknown"
    assert authenticator.password_sign_in(RUTH, "a wrong password") is None


def test_the_authenticator_and_store_share_one_key(
    runtime: Runtime, clock: MovableClock, credentials: CredentialStore
) -> None:
    with pytest.raises(ValueError, match="another key"):
        Authenticator(credentials, runtime.store, b"another key, just as long as the first", clock)
