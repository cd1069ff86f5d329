"""Signing in with a council's own account: this service as an OpenID Connect relying party of
one provider, by the authorization-code flow with PKCE, state and nonce.

The provider's discovery document and keys are fetched when first needed and kept; keys are
fetched again when a token names one not yet seen (the provider has rotated them). Nothing of
a sign-in in progress is kept here: the caller keeps state, nonce and verifier in the browser
(a signed cookie), so that any replica can finish a flow another began.
"""

import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
from authlib.oauth2.rfc6749.parameters import (  # type: ignore[import-untyped]
    prepare_grant_uri,
    prepare_token_request,
)
from authlib.oauth2.rfc7636 import create_s256_code_challenge  # type: ignore[import-untyped]
from authlib.oidc.core import CodeIDToken  # type: ignore[import-untyped]
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from partnership_graphql.sign_in_pages import (
    EMAIL_MAX,
    OIDC_CODE_REFUSED,
    OIDC_INVALID_ID_TOKEN,
    OIDC_NO_VERIFIED_EMAIL,
    OIDC_UNAVAILABLE,
    Refusal,
    plain_word,
)

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
PROVIDER_TIMEOUT_SECONDS = 10.0
# Providers change their endpoints rarely; fetched again after an hour, a change is picked up
# without a restart.
DISCOVERY_MAX_AGE_SECONDS = 3_600.0
# Signatures by the provider's public keys only: an HMAC "signature" would be made with the
# client secret, which this service holds too.
ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
# For the provider's clock and ours not agreeing to the second.
CLOCK_SKEW_SECONDS = 60


def trusted_url(url: str, what: str, *, bare: bool = False) -> None:
    """HTTPS, or plain HTTP on this machine alone (a provider run beside the service); `bare`:
    with no query or fragment either, as an issuer's identifier is."""
    parts = urlsplit(url)
    if not parts.hostname or parts.fragment or (bare and parts.query):
        raise ValueError(f"{what} must be an absolute URL with no fragment: {url!r}")
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return
    raise ValueError(f"{what} must use https (plain http only on loopback): {url!r}")


@dataclass(frozen=True)
class OidcClientSettings:
    """This service as one client of one OpenID Connect provider."""

    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    redirect_url: str
    scopes: tuple[str, ...] = ("openid", "email", "profile")

    def __post_init__(self) -> None:
        trusted_url(self.issuer, "the OpenID Connect issuer", bare=True)
        trusted_url(self.redirect_url, "the OpenID Connect redirect URL")
        if not self.client_id or not self.client_secret:
            raise ValueError("the OpenID Connect client needs an id and a secret")
        if "openid" not in self.scopes:
            raise ValueError("the OpenID Connect scopes must include 'openid'")

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


class OidcRefused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.code)
        self.refusal = refusal


@dataclass(frozen=True)
class Authorization:
    """Where to send the browser, and what its return will be checked against."""

    url: str
    state: str
    nonce: str
    code_verifier: str


class OidcProvider:
    def __init__(
        self, settings: OidcClientSettings, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.settings = settings
        self._transport = transport
        self._metadata: dict[str, Any] | None = None
        self._metadata_fetched = 0.0
        self._keys: KeySet | None = None

    async def begin(self) -> Authorization:
        metadata = await self.metadata()
        state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        code_verifier = secrets.token_urlsafe(48)
        url = prepare_grant_uri(
            metadata["authorization_endpoint"],
            client_id=self.settings.client_id,
            response_type="code",
            redirect_uri=self.settings.redirect_url,
            scope=" ".join(self.settings.scopes),
            state=state,
            nonce=nonce,
            code_challenge=create_s256_code_challenge(code_verifier),
            code_challenge_method="S256",
        )
        return Authorization(url, state, nonce, code_verifier)

    async def email_for(self, *, code: str, code_verifier: str, nonce: str) -> str:
        """Exchanges the code and answers the verified e-mail address of whoever signed in."""
        metadata = await self.metadata()
        token = await self._exchange(metadata["token_endpoint"], code, code_verifier)
        id_token, access_token = token.get("id_token"), token.get("access_token")
        if not isinstance(id_token, str) or not isinstance(access_token, str):
            raise OidcRefused(OIDC_CODE_REFUSED.about("no ID token"))
        claims = await self.verified_claims(id_token, nonce=nonce, access_token=access_token)
        if "email" not in claims:
            # A provider keeping to the code flow's rules gives the profile at userinfo only.
            claims = await self._userinfo(metadata, access_token, subject=claims["sub"])
        return _verified_email(claims)

    async def _exchange(self, endpoint: str, code: str, code_verifier: str) -> dict[str, Any]:
        body = prepare_token_request(
            "authorization_code",
            redirect_uri=self.settings.redirect_url,
            code=code,
            code_verifier=code_verifier,
        )
        try:
            async with self._http() as client:
                response = await client.post(
                    endpoint,
                    content=body,
                    headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Accept": "application/json",
                    },
                    auth=httpx.BasicAuth(self.settings.client_id, self.settings.client_secret),
                )
        except httpx.HTTPError:
            raise OidcRefused(OIDC_UNAVAILABLE) from None
        if response.status_code >= 500:
            raise OidcRefused(OIDC_UNAVAILABLE)
        try:
            token = response.json()
        except ValueError:
            token = None
        if not isinstance(token, dict):
            raise OidcRefused(OIDC_CODE_REFUSED.about("unreadable token response"))
        if response.status_code != 200 or "error" in token:
            raise OidcRefused(OIDC_CODE_REFUSED.about(plain_word(token.get("error"))))
        return token

    async def verified_claims(
        self, id_token: str, *, nonce: str, access_token: str | None
    ) -> dict[str, Any]:
        """The ID token's claims, once its signature, issuer, audience, times and nonce hold."""
        metadata = await self.metadata()
        algorithms = ASYMMETRIC_ALGORITHMS.intersection(
            metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        )
        try:
            try:
                decoded = jwt.decode(id_token, await self._key_set(), algorithms=algorithms)
            except InvalidKeyIdError:
                decoded = jwt.decode(
                    id_token, await self._key_set(again=True), algorithms=algorithms
                )
            params = {"nonce": nonce, "client_id": self.settings.client_id}
            if access_token is not None:
                params["access_token"] = access_token
            claims = CodeIDToken(
                decoded.claims,
                decoded.header,
                {
                    "iss": {"essential": True, "value": self.settings.issuer},
                    "aud": {"essential": True, "value": self.settings.client_id},
                    "sub": {"essential": True},
                    "exp": {"essential": True},
                    "iat": {"essential": True},
                },
                params,
            )
            # The token's times are the provider's: they are held to the real clock, whatever
            # clock the record keeps.
            claims.validate(now=int(time.time()), leeway=CLOCK_SKEW_SECONDS)
        except (JoseError, ValueError) as error:
            raise OidcRefused(
                OIDC_INVALID_ID_TOKEN.about(plain_word(type(error).__name__))
            ) from None
        return dict(claims)

    async def metadata(self) -> dict[str, Any]:
        fresh = time.monotonic() - self._metadata_fetched < DISCOVERY_MAX_AGE_SECONDS
        if self._metadata is not None and fresh:
            return self._metadata
        metadata = await self._get_json(self.settings.discovery_url)
        # The discovery document must speak for the issuer configured, and send the browser and
        # the code only to endpoints as trusted as the issuer itself.
        try:
            if metadata.get("issuer") != self.settings.issuer:
                raise ValueError("the discovery document names another issuer")
            for endpoint in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                trusted_url(str(metadata.get(endpoint) or ""), endpoint)
        except ValueError:
            raise OidcRefused(OIDC_UNAVAILABLE) from None
        self._metadata, self._metadata_fetched = metadata, time.monotonic()
        return metadata

    async def _key_set(self, *, again: bool = False) -> KeySet:
        if self._keys is None or again:
            metadata = await self.metadata()
            try:
                jwks: Any = await self._get_json(metadata["jwks_uri"])
                self._keys = KeySet.import_key_set(jwks)
            except (JoseError, ValueError, KeyError, TypeError):
                raise OidcRefused(OIDC_UNAVAILABLE) from None
        return self._keys

    async def _userinfo(
        self, metadata: dict[str, Any], access_token: str, *, subject: str
    ) -> dict[str, Any]:
        endpoint = metadata.get("userinfo_endpoint")
        if not isinstance(endpoint, str):
            raise OidcRefused(OIDC_NO_VERIFIED_EMAIL)
        try:
            trusted_url(endpoint, "userinfo_endpoint")
        except ValueError:
            raise OidcRefused(OIDC_UNAVAILABLE) from None
        claims = await self._get_json(endpoint, bearer=access_token)
        # Userinfo answers for whoever holds the access token: it must be the ID token's person.
        if claims.get("sub") != subject:
            raise OidcRefused(OIDC_INVALID_ID_TOKEN.about("userinfo is for someone else"))
        return claims

    async def _get_json(self, url: str, *, bearer: str | None = None) -> dict[str, Any]:
        headers = {"Accept": "application/json"}
        if bearer is not None:
            headers["Authorization"] = f"Bearer {bearer}"
        try:
            async with self._http() as client:
                response = await client.get(url, headers=headers)
                response.raise_for_status()
                body = response.json()
        except (httpx.HTTPError, ValueError):
            raise OidcRefused(OIDC_UNAVAILABLE) from None
        if not isinstance(body, dict):
            raise OidcRefused(OIDC_UNAVAILABLE)
        return body

    def _http(self) -> httpx.AsyncClient:
        # Redirects are not followed: an endpoint that moves is a changed provider, to be
        # configured, not chased.
        return httpx.AsyncClient(timeout=PROVIDER_TIMEOUT_SECONDS, transport=self._transport)


def _verified_email(claims: dict[str, Any]) -> str:
    email = claims.get("email")
    # An address the provider says it has not verified could be anyone's; one it says nothing
    # about is taken as the provider's own (many council directories do not say).
    verified = claims.get("email_verified", True)
    if not isinstance(email, str) or not email.strip() or len(email) > EMAIL_MAX:
        raise OidcRefused(OIDC_NO_VERIFIED_EMAIL)
    if verified is not True and verified != "true":
        raise OidcRefused(OIDC_NO_VERIFIED_EMAIL)
    return email.strip()
