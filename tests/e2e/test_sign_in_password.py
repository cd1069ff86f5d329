"""Signing in with a password held here, and signing out: the session cookie's flags, one
refusal for every wrong answer, no redirect off this service, and no sign-in or sign-out
forged by another site."""

from collections.abc import Iterator
from contextlib import ExitStack

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from access.errors import AuthenticationFailed
from partnership_graphql.sign_in import local_path
from tests.e2e.oidc_provider.harness import only_form, submit
from tests.e2e.oidc_provider.sign_in_site import (
    FORM_TOKEN,
    PASSWORD,
    RUTH,
    SESSION,
    Record,
    Site,
    cookie_attributes,
    opened_record,
    refusal_code,
    served_site,
    session_set,
    set_cookie_header,
)


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Record]:
    with opened_record(tmp_path_factory.mktemp("sign-in-password")) as opened:
        yield opened


@pytest.fixture(scope="module")
def site(record: Record) -> Iterator[Site]:
    with ExitStack() as running:
        yield served_site(record, running, None)


def sign_in(
    browser: httpx.Client, email: str = RUTH, password: str = PASSWORD, next_path: str = ""
) -> httpx.Response:
    """Fills in the sign-in form as a person would; answers the form's answer."""
    page = browser.get("/sign-in", params={"next": next_path} if next_path else None)
    assert page.status_code == 200
    return submit(browser, page, only_form(page), email=email, password=password)


def test_a_password_signs_in_and_signing_out_ends_the_session(site: Site, record: Record) -> None:
    with site.browser() as browser:
        signed_in = sign_in(browser, next_path="/registers?page=2")
        assert signed_in.status_code == 303
        assert signed_in.headers["location"] == "/registers?page=2"
        cookie = cookie_attributes(set_cookie_header(signed_in, SESSION))
        assert "httponly" in cookie
        assert cookie["samesite"].lower() == "lax"
        assert cookie["path"] == "/"
        assert "secure" not in cookie
        session = browser.cookies[SESSION]
        authenticated = record.authenticate(session)
        assert authenticated.principal.person_id == record.ruth_id

        signed_out = browser.post("/sign-out", data={"csrf_token": authenticated.csrf_token})
        assert signed_out.status_code == 303
        assert signed_out.headers["location"] == "/sign-in"
        assert cookie_attributes(set_cookie_header(signed_out, SESSION))["max-age"] == "0"
        assert SESSION not in browser.cookies
    with pytest.raises(AuthenticationFailed) as ended:
        record.authenticate(session)
    assert ended.value.code == "session_ended"


def test_signing_out_needs_the_sessions_csrf_token(site: Site, record: Record) -> None:
    with site.browser() as browser:
        sign_in(browser)
        session = browser.cookies[SESSION]
        for sent in ({}, {"csrf_token": "not the session's"}):
            refused = browser.post("/sign-out", data=sent)
            assert refused.status_code == 403
            assert refusal_code(refused) == "sign_out_refused"
    assert record.authenticate(session).principal.person_id == record.ruth_id


@pytest.mark.parametrize(
    ("email", "password"),
    [(RUTH, "not the right password"), ("nobody@lancashire.gov.uk", PASSWORD), (RUTH, "")],
    ids=["wrong-password", "unknown-person", "no-password"],
)
def test_every_wrong_answer_gets_the_same_refusal(site: Site, email: str, password: str) -> None:
    with site.browser() as browser:
        refused = sign_in(browser, email=email, password=password)
    assert refused.status_code == 400
    assert refusal_code(refused) == "sign_in_failed"
    assert "The email address or password is not right." in refused.text
    assert not session_set(refused)
    # The form is shown again, with the address kept and the password not.
    assert only_form(refused).fields["email"] == email
    assert only_form(refused).fields["password"] == ""


@pytest.mark.parametrize(
    "hostile",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "/\t/evil.example",
        "evil.example",
    ],
)
def test_next_never_leaves_this_service(site: Site, hostile: str) -> None:
    assert local_path(hostile) is None
    with site.browser() as browser:
        page = browser.get("/sign-in", params={"next": hostile})
        assert "next" not in only_form(page).fields
        form = only_form(page)
        # Sent in the form even so, as a crafted page might: not followed.
        signed_in = submit(browser, page, form, email=RUTH, password=PASSWORD, next=hostile)
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/"


def test_next_may_name_any_path_here() -> None:
    for path in ("/", "/registers", "/contracts/LCC%2F1?tab=timeline#renewals"):
        assert local_path(path) == path
    assert local_path("/" + "a" * 3_000) is None


def test_a_sign_in_form_from_another_site_is_refused(site: Site, record: Record) -> None:
    """Login CSRF: a page elsewhere posting the form to sign the browser in as the attacker.
    It can copy a form token it fetched itself, but cannot set the cookie it must match."""
    with site.browser() as attacker:
        page = attacker.get("/sign-in")
        stolen_token = only_form(page).fields["csrf_token"]
    attempts = [
        {"email": RUTH, "password": PASSWORD},
        {"email": RUTH, "password": PASSWORD, "csrf_token": stolen_token},
    ]
    for fields in attempts:
        with site.browser() as victim:
            refused = victim.post("/sign-in", data=fields)
        assert refused.status_code == 400
        assert refusal_code(refused) == "sign_in_form_expired"
        assert not session_set(refused)
    # A browser's own cookie beside another browser's token is refused too.
    with site.browser() as victim:
        victim.get("/sign-in")
        refused = victim.post(
            "/sign-in", data={"email": RUTH, "password": PASSWORD, "csrf_token": stolen_token}
        )
    assert refused.status_code == 400
    assert refusal_code(refused) == "sign_in_form_expired"
    # The refusal gives a fresh form, which then works.
    with site.browser() as browser:
        browser.get("/sign-in")
        refused = browser.post("/sign-in", data={"email": RUTH, "password": PASSWORD})
        again = submit(browser, refused, only_form(refused), password=PASSWORD)
    assert again.status_code == 303


def test_overlong_input_is_refused_unread(site: Site) -> None:
    with site.browser() as browser:
        refused = sign_in(browser, email="a" * 400 + "@lancashire.gov.uk")
        assert refused.status_code == 400
        assert refusal_code(refused) == "sign_in_input_too_long"
        too_large = browser.post("/sign-in", data={"email": RUTH, "password": "p" * 20_000})
        assert too_large.status_code == 413


def test_over_https_the_cookies_are_secure_and_the_form_token_host_only(record: Record) -> None:
    app = Litestar(route_handlers=[record.router(None, secure=True)])
    with TestClient(app, base_url="https://sign-in.test") as client:
        client.follow_redirects = False
        page = client.get("/sign-in")
        token_cookie = cookie_attributes(set_cookie_header(page, f"__Host-{FORM_TOKEN}"))
        assert {"secure", "httponly"} <= token_cookie.keys()
        assert token_cookie["path"] == "/"
        signed_in = submit(client, page, only_form(page), email=RUTH, password=PASSWORD)
    assert signed_in.status_code == 303
    session = cookie_attributes(set_cookie_header(signed_in, SESSION))
    assert {"secure", "httponly"} <= session.keys()
    assert session["samesite"].lower() == "lax"
