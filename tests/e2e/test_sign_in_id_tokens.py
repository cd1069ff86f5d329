"""What the relying party trusts of a provider's answers: ID tokens made here, with keys of the
test's own, and served to it as a provider would serve them."""

import asyncio
import time
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey

from partnership_graphql.sign_in_oidc import OidcClientSettings, OidcProvider, OidcRefused

ISSUER = "https://id.council.example"
CLIENT_ID = "partnership-tracker"
CLIENT_SECRET = "a client secret of thirty-two bytes or more"
NONCE = "the nonce of this sign-in"
SETTINGS = OidcClientSettings(
    issuer=ISSUER,
    client_id=CLIENT_ID,
    client_secret=CLIENT_SECRET,
    redirect_url="https://record.council.example/sign-in/oidc/callback",
)


def rsa_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig"})


class Provider:
    """Discovery, keys, token endpoint and userinfo, answered from this test's own values."""

    def __init__(self) -> None:
        self.keys = [rsa_key("first")]
        self.metadata: dict[str, Any] = {
            "issuer": ISSUER,
            "authorization_endpoint": f"{ISSUER}/auth",
            "token_endpoint": f"{ISSUER}/token",
            "jwks_uri": f"{ISSUER}/jwks",
            "userinfo_endpoint": f"{ISSUER}/me",
            "id_token_signing_alg_values_supported": ["RS256", "HS256", "none"],
        }
        self.token_answer: dict[str, Any] = {}
        self.userinfo: dict[str, Any] = {}
        self.jwks_fetches = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/.well-known/openid-configuration":
            return httpx.Response(200, json=self.metadata)
        if path == "/jwks":
            self.jwks_fetches += 1
            return httpx.Response(200, json=KeySet(list(self.keys)).as_dict(private=False))
        if path == "/token":
            return httpx.Response(200, json=self.token_answer)
        if path == "/me":
            return httpx.Response(200, json=self.userinfo)
        return httpx.Response(404)

    def client(self) -> OidcProvider:
        return OidcProvider(SETTINGS, transport=httpx.MockTransport(self.handle))


def claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    made = {
        "iss": ISSUER,
        "sub": "ruth",
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 300,
        "nonce": NONCE,
        "email": "ruth.hawes@lancashire.gov.uk",
        "email_verified": True,
    }
    made.update(changes)
    return {name: value for name, value in made.items() if value is not None}


def signed(key: RSAKey | OctKey, alg: str = "RS256", **changes: Any) -> str:
    return jwt.encode({"alg": alg, "kid": key.kid}, claims(**changes), key)


def run(work: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    return asyncio.run(work())


def refused_code(work: Callable[[], Coroutine[Any, Any, Any]]) -> str:
    with pytest.raises(OidcRefused) as refused:
        run(work)
    return refused.value.refusal.code


def test_a_token_the_provider_signed_for_this_sign_in_is_taken() -> None:
    provider = Provider()
    client = provider.client()
    token = signed(provider.keys[0])
    taken = run(lambda: client.verified_claims(token, nonce=NONCE, access_token=None))
    assert taken["email"] == "ruth.hawes@lancashire.gov.uk"


@pytest.mark.parametrize(
    "changes",
    [
        {"iss": "https://another.example"},
        {"aud": "another-client"},
        {"aud": ["another-client"]},
        {"nonce": "another nonce"},
        {"nonce": None},
        {"exp": int(time.time()) - 3_600},
        {"exp": None},
        {"sub": None},
        {"iat": None},
    ],
    ids=lambda changes: ",".join(f"{k}={v}" for k, v in changes.items()),
)
def test_a_token_for_another_issuer_client_sign_in_or_time_is_refused(
    changes: dict[str, Any],
) -> None:
    provider = Provider()
    client = provider.client()
    token = signed(provider.keys[0], **changes)
    code = refused_code(lambda: client.verified_claims(token, nonce=NONCE, access_token=None))
    assert code == "oidc_invalid_id_token"


def test_a_token_signed_by_another_key_is_refused() -> None:
    provider = Provider()
    client = provider.client()
    forged = signed(rsa_key("first"))
    code = refused_code(lambda: client.verified_claims(forged, nonce=NONCE, access_token=None))
    assert code == "oidc_invalid_id_token"


def test_a_token_signed_with_the_client_secret_or_unsigned_is_refused() -> None:
    """HS256 would be keyed with the client secret, which this service holds too; "none" is no
    signature at all. The provider listing them changes nothing."""
    provider = Provider()
    client = provider.client()
    secret = OctKey.import_key(CLIENT_SECRET, parameters={"kid": "first"})
    with_secret = signed(secret, alg="HS256")
    code = refused_code(lambda: client.verified_claims(with_secret, nonce=NONCE, access_token=None))
    assert code == "oidc_invalid_id_token"
    payload = signed(provider.keys[0]).split(".")[1]
    unsigned = f"eyJhbGciOiJub25lIn0.{payload}."
    code = refused_code(lambda: client.verified_claims(unsigned, nonce=NONCE, access_token=None))
    assert code == "oidc_invalid_id_token"


def test_keys_are_fetched_again_when_the_provider_rotates_them() -> None:
    provider = Provider()
    client = provider.client()
    run(lambda: client.verified_claims(signed(provider.keys[0]), nonce=NONCE, access_token=None))
    provider.keys = [rsa_key("second")]
    rotated = signed(provider.keys[0])
    taken = run(lambda: client.verified_claims(rotated, nonce=NONCE, access_token=None))
    assert taken["sub"] == "ruth"
    assert provider.jwks_fetches == 2


def test_the_address_comes_from_userinfo_only_for_the_same_person() -> None:
    provider = Provider()
    client = provider.client()
    provider.token_answer = {
        "access_token": "an access token",
        "token_type": "Bearer",
        "id_token": signed(provider.keys[0], email=None, email_verified=None),
    }
    provider.userinfo = {"sub": "ruth", "email": "ruth.hawes@lancashire.gov.uk"}
    email = run(lambda: client.email_for(code="c", code_verifier="v", nonce=NONCE))
    assert email == "ruth.hawes@lancashire.gov.uk"
    provider.userinfo = {"sub": "someone else", "email": "ruth.hawes@lancashire.gov.uk"}
    code = refused_code(lambda: client.email_for(code="c", code_verifier="v", nonce=NONCE))
    assert code == "oidc_invalid_id_token"


@pytest.mark.parametrize(
    "changes",
    [{"email_verified": False}, {"email_verified": "false"}, {"email": 42}, {"email": ""}],
)
def test_an_unverified_or_unusable_address_is_refused(changes: dict[str, Any]) -> None:
    provider = Provider()
    client = provider.client()
    provider.token_answer = {
        "access_token": "an access token",
        "id_token": signed(provider.keys[0], **changes),
    }
    code = refused_code(lambda: client.email_for(code="c", code_verifier="v", nonce=NONCE))
    assert code == "oidc_no_verified_email"


def test_a_refused_code_is_refused_with_the_providers_word_for_it() -> None:
    provider = Provider()
    client = provider.client()
    provider.token_answer = {"error": "invalid_grant", "error_description": "<script>"}
    with pytest.raises(OidcRefused) as refused:
        run(lambda: client.email_for(code="c", code_verifier="v", nonce=NONCE))
    assert refused.value.refusal.code == "oidc_code_refused"
    assert "invalid_grant" in refused.value.refusal.message
    assert "<script>" not in refused.value.refusal.message


def test_a_discovery_document_for_another_issuer_is_not_used() -> None:
    provider = Provider()
    provider.metadata["issuer"] = "https://another.example"
    assert refused_code(provider.client().begin) == "oidc_provider_unavailable"


@pytest.mark.parametrize(
    "issuer",
    ["http://id.council.example", "https://id.council.example?tenant=1", "ftp://127.0.0.1"],
)
def test_an_issuer_is_https_except_on_loopback(issuer: str) -> None:
    with pytest.raises(ValueError, match="issuer"):
        OidcClientSettings(
            issuer=issuer,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            redirect_url=SETTINGS.redirect_url,
        )
    OidcClientSettings(
        issuer="http://127.0.0.1:9000",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_url="http://127.0.0.1:8000/sign-in/oidc/callback",
    )


def test_a_provider_that_cannot_be_reached_is_said_to_be_unavailable() -> None:
    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client = OidcProvider(SETTINGS, transport=httpx.MockTransport(unreachable))
    assert refused_code(client.begin) == "oidc_provider_unavailable"
