"""Signing in in a browser: with a password, and with a council account through a real OpenID
Connect provider (panva's oidc-provider, run on loopback by tests/e2e/oidc_provider).

The people are registered and granted roles through the application's own commands; what a
sign-in leaves behind is checked the way the API checks every request, with the Authenticator.
"""

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import httpx
import pytest
from itsdangerous import URLSafeTimedSerializer

from tests.e2e.oidc_provider.harness import follow, only_form, page_of, submit
from tests.e2e.oidc_provider.sign_in_site import (
    FLOW,
    RUTH,
    SECRET_KEY,
    SESSION,
    ProviderKind,
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
    with opened_record(tmp_path_factory.mktemp("sign-in-oidc")) as opened:
        yield opened


@pytest.fixture(scope="module")
def sites(record: Record) -> Iterator[Callable[[ProviderKind], Site]]:
    """Apps with the sign-in router, each trusting a provider of its own, started when a test
    first asks for that kind."""
    made: dict[ProviderKind, Site] = {}
    with ExitStack() as running:

        def site(kind: ProviderKind) -> Site:
            if kind not in made:
                made[kind] = served_site(record, running, kind)
            return made[kind]

        yield site


@pytest.fixture
def site(sites: Callable[[ProviderKind], Site]) -> Site:
    return sites("userinfo")


def to_provider_login(browser: httpx.Client, site: Site, next_path: str = "") -> httpx.Response:
    query = f"?{urlencode({'next': next_path})}" if next_path else ""
    login_page = follow(browser, browser.get(f"/sign-in/oidc{query}"))
    assert login_page.status_code == 200
    assert str(login_page.url).startswith(f"{site.issuer}/interaction/")
    return login_page


def at_provider(
    browser: httpx.Client, site: Site, login: str, next_path: str = ""
) -> httpx.Response:
    """Signs in at the provider as `login` and consents; answers the provider's redirect
    back to the app's callback, not yet followed."""
    login_page = to_provider_login(browser, site, next_path)
    consent = follow(
        browser, submit(browser, login_page, only_form(login_page), login=login, password="any")
    )
    assert consent.status_code == 200, consent.text
    back = follow(
        browser,
        submit(browser, consent, only_form(consent)),
        stop_before=f"{site.url}/sign-in/oidc/callback",
    )
    assert back.is_redirect, back.text
    return back


def callback_url(back: httpx.Response) -> str:
    return back.headers["location"]


# OpenID Connect


@pytest.mark.parametrize("kind", ["userinfo", "id_token"])
def test_a_council_account_signs_in_a_registered_person(
    sites: Callable[[ProviderKind], Site], record: Record, kind: ProviderKind
) -> None:
    site = sites(kind)
    with site.browser() as browser:
        # The address as the council's directory spells it, in other letter case.
        back = at_provider(browser, site, RUTH.title(), next_path="/registers?page=2")
        callback = callback_url(back)
        assert set(parse_qs(urlsplit(callback).query)) >= {"code", "state", "iss"}
        signed_in = browser.get(callback)

    assert signed_in.status_code == 303, signed_in.text
    assert signed_in.headers["location"] == "/registers?page=2"
    cookie = cookie_attributes(set_cookie_header(signed_in, SESSION))
    assert "httponly" in cookie
    assert cookie["samesite"].lower() == "lax"
    assert cookie["path"] == "/"
    authenticated = record.authenticate(signed_in.cookies[SESSION])
    assert authenticated.via == "session"
    assert authenticated.principal.person_id == record.ruth_id
    assert authenticated.principal.email == RUTH


def test_an_unregistered_address_is_refused(site: Site) -> None:
    with site.browser() as browser:
        refused = browser.get(callback_url(at_provider(browser, site, "someone@elsewhere.gov.uk")))
    assert refused.status_code == 403
    assert refusal_code(refused) == "not_registered"
    assert not session_set(refused)


def test_an_address_the_provider_has_not_verified_is_refused(site: Site) -> None:
    with site.browser() as browser:
        refused = browser.get(callback_url(at_provider(browser, site, f"unverified:{RUTH}")))
    assert refused.status_code == 403
    assert refusal_code(refused) == "oidc_no_verified_email"
    assert not session_set(refused)


def test_a_tampered_state_is_refused_and_the_flow_is_then_spent(site: Site) -> None:
    with site.browser() as browser:
        callback = urlsplit(callback_url(at_provider(browser, site, RUTH)))
        query = parse_qs(callback.query)
        state = query["state"][0]
        # Another first character, whatever the provider's random state begins with.
        query["state"] = [("y" if state[0] == "x" else "x") + state[1:]]
        tampered = urlunsplit(callback._replace(query=urlencode(query, doseq=True)))
        refused = browser.get(tampered)
        assert refused.status_code == 400
        assert refusal_code(refused) == "oidc_state_mismatch"
        assert not session_set(refused)
        # The genuine answer, sent after, finds the flow gone.
        late = browser.get(urlunsplit(callback))
    assert late.status_code == 400
    assert refusal_code(late) == "oidc_flow_expired"
    assert not session_set(late)


def test_an_id_token_for_another_sign_in_is_refused(site: Site) -> None:
    """A flow cookie re-signed (with the real key) to expect another nonce: the provider's
    genuine ID token then does not match it, and is refused."""
    flows = URLSafeTimedSerializer(SECRET_KEY, salt="partnership openid connect flow")
    with site.browser() as browser:
        back = at_provider(browser, site, RUTH)
        flow = flows.loads(browser.cookies[FLOW])
        browser.cookies.set(FLOW, flows.dumps({**flow, "nonce": "another"}), "127.0.0.1")
        refused = browser.get(callback_url(back))
    assert refused.status_code == 400
    assert refusal_code(refused) == "oidc_invalid_id_token"
    assert not session_set(refused)


def test_a_sign_in_cancelled_at_the_provider_is_refused(site: Site) -> None:
    with site.browser() as browser:
        login_page = to_provider_login(browser, site)
        cancel = dict(page_of(login_page).links)["[ Cancel ]"]
        back = follow(
            browser,
            browser.get(urljoin(str(login_page.url), cancel)),
            stop_before=f"{site.url}/sign-in/oidc/callback",
        )
        assert parse_qs(urlsplit(callback_url(back)).query)["error"] == ["access_denied"]
        refused = browser.get(callback_url(back))
    assert refused.status_code == 400
    assert refusal_code(refused) == "oidc_provider_error"
    assert "access_denied" in refused.text
    assert not session_set(refused)


def test_an_overlong_callback_is_refused_unread(site: Site) -> None:
    with site.browser() as browser:
        refused = browser.get("/sign-in/oidc/callback", params={"code": "c" * 5_000, "state": "s"})
    assert refused.status_code == 400
    assert refusal_code(refused) == "sign_in_input_too_long"


def test_the_sign_in_page_offers_the_council_account(site: Site) -> None:
    with site.browser() as browser:
        page = browser.get("/sign-in", params={"next": "/registers"})
    assert page.status_code == 200
    links = dict(page_of(page).links)
    assert links["Sign in with your council account"] == "/sign-in/oidc?next=/registers"
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
