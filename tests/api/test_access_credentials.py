"""Credentials over HTTP: each way a token or a session cookie can fail is refused whole with
401, its code and a `WWW-Authenticate` header; a write carried by a session cookie needs the
session's CSRF token; a read by GET does not."""

import json
import secrets
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from itsdangerous import Signer

from access.sessions import session_signer
from access.tokens import TOKEN_PREFIX
from partnership.access import Role, ScopeKind
from partnership_graphql.credential_memory import REMEMBER_SECONDS
from partnership_graphql.signed_in import SESSION_COOKIE
from service.example_papers import LSSCC
from tests.api.access_world import DEMO, GrantOn, Someone, World, open_world, refusal_code
from tests.conftest import MovableClock

pytestmark = pytest.mark.store_agnostic

ADMIN = DEMO["admin"]
READ = "{ contracts(first: 1) { edges { node { reference } } } }"
REGISTER = (
    "mutation ($input: RegisterAuthorityInput!) { registerAuthority(input: $input) "
    "{ __typename ... on Recorded { position entry { recordedBy recordedById } } } }"
)
LEAVER = Someone(
    "leaver",
    "Lee Leaver",
    "lee.leaver@burnley.example",
    "Burnley Borough Council",
    (GrantOn(Role.AUDITOR, ScopeKind.EVERYTHING),),
)


def register(name: str) -> dict[str, Any]:
    return {
        "query": REGISTER,
        "variables": {
            "input": {
                "name": name,
                "kind": "DISTRICT",
                "effectiveDate": "2011-09-01",
                "source": "Access request",
            }
        },
    }


@pytest.fixture(scope="module")
def opened(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with open_world(tmp_path_factory.mktemp("credentials"), people=(LEAVER,)) as world:
        yield world


@pytest.fixture
def world(opened: World) -> Iterator[World]:
    # Tests move the clock to expire things; each starts from the same moment.
    yield opened
    opened.clock.now = MovableClock().now


def refused_whole(response: httpx.Response, code: str, sent: str) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == code
    # The answer never repeats the credential.
    secret = sent.removeprefix("Bearer").strip()
    assert not secret or secret not in response.text


def once_forgotten(ask: Callable[[], httpx.Response]) -> httpx.Response:
    """The first answer to `ask` that is not a 200.

    A sign-in that held is honoured from memory for up to REMEMBER_SECONDS: a revocation
    shows once that has passed. Polled with a deadline far past it, never slept out."""
    deadline = time.monotonic() + REMEMBER_SECONDS + 30
    while True:
        response = ask()
        if response.status_code != 200 or time.monotonic() > deadline:
            return response
        time.sleep(0.05)


def by_token(world: World, authorization: str) -> httpx.Response:
    return world.http(Authorization=authorization).post("/graphql", json={"query": READ})


def by_cookie(world: World, cookie: str, *, method: str = "GET") -> httpx.Response:
    """A read carried by a session cookie, as a page's query is sent: by GET."""
    client = world.http()
    client.cookies.set(SESSION_COOKIE, cookie)
    if method == "GET":
        return client.get("/graphql", params={"query": READ})
    return client.post("/graphql", json={"query": READ})


def cookie_refused(world: World, cookie: str, code: str) -> None:
    for method in ("GET", "POST"):
        refused_whole(by_cookie(world, cookie, method=method), code, cookie)


def test_a_live_token_reads(world: World) -> None:
    response = by_token(world, f"Bearer {world.tokens['admin']}")
    assert response.status_code == 200
    assert response.json()["data"]["contracts"]["edges"]


def test_an_expired_token_is_refused(world: World) -> None:
    token = world.issue_token(ADMIN, lifetime=timedelta(hours=1))
    assert by_token(world, f"Bearer {token}").status_code == 200
    world.clock.now += timedelta(hours=1)
    refused_whole(by_token(world, f"Bearer {token}"), "token_expired", token)


def test_a_revoked_token_is_refused(world: World) -> None:
    issued = world.credentials.issue_token(ADMIN.person_id, "revoked soon", now=world.clock())
    assert by_token(world, f"Bearer {issued.token}").status_code == 200
    world.credentials.revoke_token(issued.info.token_id, now=world.clock())
    answer = once_forgotten(lambda: by_token(world, f"Bearer {issued.token}"))
    refused_whole(answer, "token_revoked", issued.token)


@pytest.mark.parametrize(
    "authorization",
    ["Bearer not-a-token", "Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer " + TOKEN_PREFIX + "x" * 40],
    ids=["not-a-token", "basic", "empty", "short"],
)
def test_a_malformed_authorization_is_refused(world: World, authorization: str) -> None:
    refused_whole(by_token(world, authorization), "credentials_malformed", authorization)


def test_a_forged_token_is_refused(world: World) -> None:
    real = world.tokens["admin"]
    token_id = real[len(TOKEN_PREFIX) :].split("_", 1)[0]
    # The right shape, with an id no token has, or a real id with a guessed secret.
    made_up = f"{TOKEN_PREFIX}{secrets.token_hex(len(token_id) // 2)}_{secrets.token_urlsafe(32)}"
    guessed = f"{TOKEN_PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
    for forged in (made_up, guessed):
        assert len(forged) == len(real)
        refused_whole(by_token(world, f"Bearer {forged}"), "token_invalid", forged)


def test_the_token_of_someone_whose_grants_are_all_revoked_is_refused(world: World) -> None:
    token = world.tokens[LEAVER.key]
    assert by_token(world, f"Bearer {token}").status_code == 200
    world.record("revoke_grant", email=LEAVER.email, grant_id="1", reason="Left the authority")
    refused_whole(
        once_forgotten(lambda: by_token(world, f"Bearer {token}")), "person_unknown", token
    )


def test_a_revoked_grant_is_soon_gone(world: World) -> None:
    juggler = Someone(
        "juggler",
        "Jo Juggler",
        "jo.juggler@chorley.example",
        "Chorley Borough Council",
        (
            GrantOn(Role.BOARD_MEMBER, ScopeKind.PARTNERSHIP, LSSCC),
            GrantOn(Role.SECRETARY, ScopeKind.PARTNERSHIP, LSSCC),
        ),
    )
    world.admit(juggler)
    plan = "mutation ($input: PlanMeetingInput!) { planMeeting(input: $input) { __typename } }"

    def meeting_on(day: str) -> dict[str, Any]:
        given = {"partnership": LSSCC, "body": "Joint Committee", "meetingDate": day}
        return {"input": {**given, "effectiveDate": "2011-09-01", "source": "Forward plan"}}

    client = world.client(juggler.key)
    assert client.data(plan, meeting_on("2011-11-07"))["planMeeting"]["__typename"] == "Recorded"
    world.record("revoke_grant", email=juggler.email, grant_id="2", reason="Now a member only")
    # Allowed until the sign-in is forgotten (each try a different meeting, so each is new).
    days = iter(f"2011-12-{day:02d}" for day in range(1, 29))
    deadline = time.monotonic() + REMEMBER_SECONDS + 30
    while True:
        before = world.head()
        body = client.post(plan, meeting_on(next(days)))
        if refusal_code(body) == "not_allowed" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert refusal_code(body) == "not_allowed", body
    assert world.head() == before
    # What the remaining grant allows, the same token still does.
    assert client.data(READ)["contracts"]["edges"]


def test_a_live_session_reads(world: World) -> None:
    session = world.credentials.start_session(ADMIN.person_id, now=world.clock())
    response = by_cookie(world, session.cookie_value)
    assert response.status_code == 200
    assert response.json()["data"]["contracts"]["edges"]
    # By POST, as GraphiQL sends one, a read carries the CSRF token as a write does.
    client = world.http(**{"X-CSRF-Token": session.csrf_token})
    client.cookies.set(SESSION_COOKIE, session.cookie_value)
    posted = client.post("/graphql", json={"query": READ})
    assert posted.status_code == 200, posted.text
    assert posted.json()["data"] == response.json()["data"]


def test_an_expired_session_is_refused(world: World) -> None:
    session = world.credentials.start_session(
        ADMIN.person_id, now=world.clock(), lifetime=timedelta(hours=2)
    )
    assert by_cookie(world, session.cookie_value).status_code == 200
    world.clock.now += timedelta(hours=2, seconds=1)
    cookie_refused(world, session.cookie_value, "session_expired")


def test_an_ended_session_is_refused(world: World) -> None:
    session = world.credentials.start_session(ADMIN.person_id, now=world.clock())
    world.credentials.end_session(session.cookie_value, now=world.clock())
    cookie_refused(world, session.cookie_value, "session_ended")


def test_a_forged_session_cookie_is_refused(world: World) -> None:
    session = world.credentials.start_session(ADMIN.person_id, now=world.clock())
    session_id = session.cookie_value.rsplit(".", 1)[0]
    other_key = session_signer(b"another deployment's key, long enough to use")
    forgeries = {
        "signed with another key": other_key.sign(session_id.encode()).decode(),
        "signature changed": session.cookie_value[:-2]
        + ("AA" if session.cookie_value[-2:] != "AA" else "BB"),
        "unsigned": session_id,
        "made up": Signer(b"x" * 32).sign(b"made-up-session").decode(),
    }
    for what, forged in forgeries.items():
        assert forged != session.cookie_value, what
        cookie_refused(world, forged, "session_invalid")


def test_a_session_write_needs_the_session_s_csrf_token(world: World) -> None:
    session = world.credentials.start_session(ADMIN.person_id, now=world.clock())
    client = world.http()
    client.cookies.set(SESSION_COOKIE, session.cookie_value)
    before = world.head()

    missing = client.post("/graphql", json=register("Rossendale Borough Council"))
    assert missing.status_code == 403
    assert missing.json()["errors"][0]["extensions"]["code"] == "csrf_token_missing"
    assert world.head() == before

    wrong = client.post(
        "/graphql",
        json=register("Rossendale Borough Council"),
        headers={"X-CSRF-Token": secrets.token_urlsafe(32)},
    )
    assert wrong.status_code == 403
    assert wrong.json()["errors"][0]["extensions"]["code"] == "csrf_token_invalid"
    assert world.head() == before

    # Another session's token is no better than a made-up one.
    other = world.credentials.start_session(ADMIN.person_id, now=world.clock())
    borrowed = client.post(
        "/graphql",
        json=register("Rossendale Borough Council"),
        headers={"X-CSRF-Token": other.csrf_token},
    )
    assert borrowed.json()["errors"][0]["extensions"]["code"] == "csrf_token_invalid"
    assert world.head() == before

    right = client.post(
        "/graphql",
        json=register("Rossendale Borough Council"),
        headers={"X-CSRF-Token": session.csrf_token},
    )
    assert right.status_code == 200, right.text
    answer = right.json()["data"]["registerAuthority"]
    assert answer["__typename"] == "Recorded"
    assert answer["position"] == before + 1 == world.head()
    assert answer["entry"] == {"recordedBy": ADMIN.name, "recordedById": ADMIN.person_id}


def test_a_token_write_needs_no_csrf_token(world: World) -> None:
    response = world.client("admin").http.post(
        "/graphql", json=register("Hyndburn Borough Council")
    )
    assert response.status_code == 200
    assert response.json()["data"]["registerAuthority"]["__typename"] == "Recorded"


def test_a_session_read_by_get_needs_no_csrf_token(world: World) -> None:
    session = world.credentials.start_session(DEMO["board_member"].person_id, now=world.clock())
    client = world.http()
    client.cookies.set(SESSION_COOKIE, session.cookie_value)
    response = client.get("/graphql", params={"query": READ})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["contracts"]["edges"]
    # A mutation cannot ride on GET instead, with or without the token.
    sent = register("Wyre Borough Council")
    before = world.head()
    by_get = client.get(
        "/graphql", params={"query": sent["query"], "variables": json.dumps(sent["variables"])}
    )
    assert by_get.status_code in (400, 405), by_get.text
    assert world.head() == before


def test_a_cookie_that_is_not_a_session_is_refused_whole(world: World) -> None:
    cookie_refused(world, "not-a-session", "session_invalid")
