"""Signing in and out in a browser: with a password held here, or with a council's own account
through OpenID Connect (`sign_in_oidc`). Either way the browser ends up with a session cookie,
which the API then accepts like an API token.

The sign-in form is itself protected from cross-site requests ("login CSRF": another site
signing the browser in as someone else): the form carries a signed, short-lived token that must
match the one in a cookie only this service sets. Signing out needs the session's own CSRF
token, so no other site can sign a person out either.
"""

import hmac
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import quote

import anyio.to_thread
from itsdangerous import BadData, URLSafeTimedSerializer
from litestar import Request, Response, Router, get, post
from litestar.response import Redirect

from access.authentication import Authenticator
from access.credentials import CredentialStore
from access.errors import AuthenticationFailed
from access.sessions import SESSION_COOKIE_MAX
from partnership_graphql.sign_in_browser import (
    NEXT_MAX,
    CookiePolicy,
    bounded,
    form_fields,
    local_path,
)
from partnership_graphql.sign_in_oidc import OidcClientSettings, OidcProvider, OidcRefused
from partnership_graphql.sign_in_pages import (
    EMAIL_MAX,
    INPUT_TOO_LONG,
    NOT_REGISTERED,
    OIDC_FLOW_EXPIRED,
    OIDC_PROVIDER_ERROR,
    OIDC_STATE_MISMATCH,
    PASSWORD_MAX,
    SIGN_IN_FAILED,
    SIGN_IN_FORM_EXPIRED,
    SIGN_OUT_REFUSED,
    Refusal,
    plain_word,
    refusal_page,
    sign_in_page,
)

__all__ = ["CookiePolicy", "OidcClientSettings", "local_path", "sign_in_router"]

Clock = Callable[[], datetime]

SIGN_IN_PATH = "/sign-in"
AFTER_SIGN_IN = "/"
FORM_TOKEN_COOKIE = "partnership_sign_in"
FLOW_COOKIE = "partnership_oidc_flow"
FORM_TOKEN_MAX_AGE = timedelta(hours=1)
# A signed form token is about 50 characters; a longer one is not ours and is not verified.
FORM_TOKEN_MAX = 200
# Long enough to sign in at the council's provider, short enough that a stale flow is gone.
FLOW_MAX_AGE = timedelta(minutes=10)
# A provider's code and state are well under this; anything longer is not from one.
CALLBACK_VALUE_MAX = 2_048
# Room for the longest address, password and next path the form takes, url-encoded.
FORM_BODY_MAX = 16 * 1_024


def sign_in_router(
    *,
    authenticator: Authenticator,
    credentials: CredentialStore,
    clock: Clock,
    cookie: CookiePolicy,
    oidc: OidcClientSettings | None,
    secret_key: bytes,
    forget_session: Callable[[str], None] = lambda cookie: None,
) -> Router:
    """GET/POST /sign-in, POST /sign-out and, when `oidc` is given, GET /sign-in/oidc and its
    callback. `secret_key` signs the sign-in form's token and the OpenID Connect flow cookie;
    `forget_session` is told of each session cookie signed out, so that nothing still honours
    it from memory."""
    forms = URLSafeTimedSerializer(secret_key, salt="partnership sign-in form")
    flows = URLSafeTimedSerializer(secret_key, salt="partnership openid connect flow")
    provider = OidcProvider(oidc) if oidc is not None else None
    form_cookie = cookie.helper_name(FORM_TOKEN_COOKIE)
    flow_cookie = cookie.helper_name(FLOW_COOKIE)

    def form_token_holds(token: str | None) -> bool:
        if not token or len(token) > FORM_TOKEN_MAX:
            return False
        try:
            forms.loads(token, max_age=int(FORM_TOKEN_MAX_AGE.total_seconds()))
        except BadData:
            return False
        return True

    def form(
        request: Request[Any, Any, Any],
        *,
        next_path: str | None,
        email: str = "",
        refusal: Refusal | None = None,
    ) -> Response[str]:
        # A tab's form keeps working while another tab shows the form again: the token in the
        # cookie is reused while it holds.
        kept = request.cookies.get(form_cookie)
        token = (
            kept
            if kept and form_token_holds(kept) and refusal is not SIGN_IN_FORM_EXPIRED
            else None
        )
        token = token or forms.dumps(secrets.token_urlsafe(16))
        oidc_url = None
        if provider is not None:
            oidc_url = "/sign-in/oidc" + (f"?next={quote(next_path)}" if next_path else "")
        response = sign_in_page(
            form_token=token,
            next_path=next_path,
            oidc_url=oidc_url,
            email=email[:EMAIL_MAX],
            refusal=refusal,
        )
        cookie.set(response, form_cookie, token, FORM_TOKEN_MAX_AGE)
        return response

    async def start_session(person_id: str, next_path: str | None) -> Response[Any]:
        started = await anyio.to_thread.run_sync(
            partial(credentials.start_session, person_id, now=clock(), lifetime=cookie.max_age)
        )
        response: Response[Any] = Redirect(next_path or AFTER_SIGN_IN, status_code=303)
        cookie.set(response, cookie.name, started.cookie_value, cookie.max_age)
        return response

    @get(SIGN_IN_PATH, sync_to_thread=False)
    def sign_in_form(request: Request[Any, Any, Any]) -> Response[str]:
        next_path = local_path(bounded(request.query_params.get("next"), NEXT_MAX))
        return form(request, next_path=next_path)

    @post(SIGN_IN_PATH, request_max_body_size=FORM_BODY_MAX)
    async def sign_in_with_password(request: Request[Any, Any, Any]) -> Response[Any]:
        fields = await form_fields(request)
        if fields is None:
            return form(request, next_path=None, refusal=INPUT_TOO_LONG)
        next_path = local_path(fields.get("next"))
        email = fields.get("email", "").strip()
        password = fields.get("password", "")
        sent = fields.get("csrf_token", "")
        kept = request.cookies.get(form_cookie, "")
        if not (form_token_holds(sent) and hmac.compare_digest(sent.encode(), kept.encode())):
            return form(request, next_path=next_path, email=email, refusal=SIGN_IN_FORM_EXPIRED)
        if len(email) > EMAIL_MAX or len(password) > PASSWORD_MAX:
            return form(request, next_path=next_path, refusal=INPUT_TOO_LONG)
        if not email or not password:
            return form(request, next_path=next_path, email=email, refusal=SIGN_IN_FAILED)
        try:
            principal = await anyio.to_thread.run_sync(
                authenticator.password_sign_in, email, password
            )
        except AuthenticationFailed as failure:
            # Only said once the password is right: the person's access has been withdrawn.
            refusal = Refusal(failure.code, "Sign in", failure.message, 403)
            return form(request, next_path=next_path, email=email, refusal=refusal)
        if principal is None:
            return form(request, next_path=next_path, email=email, refusal=SIGN_IN_FAILED)
        response = await start_session(principal.person_id, next_path)
        cookie.forget(response, form_cookie)
        return response

    @post("/sign-out", request_max_body_size=FORM_BODY_MAX)
    async def sign_out(request: Request[Any, Any, Any]) -> Response[Any]:
        fields = await form_fields(request) or {}
        session_cookie = request.cookies.get(cookie.name, "")
        signed_out: Response[Any] = Redirect(SIGN_IN_PATH, status_code=303)
        cookie.forget(signed_out, cookie.name)
        if not session_cookie or len(session_cookie) > SESSION_COOKIE_MAX:
            return signed_out
        try:
            session = await anyio.to_thread.run_sync(
                partial(credentials.check_session, session_cookie, now=clock())
            )
        except AuthenticationFailed:
            # Ended, expired or never ours: nothing to end, only a cookie to forget.
            return signed_out
        sent = fields.get("csrf_token", "")
        if not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
            return refusal_page(SIGN_OUT_REFUSED)
        await anyio.to_thread.run_sync(
            partial(credentials.end_session, session_cookie, now=clock())
        )
        forget_session(session_cookie)
        return signed_out

    handlers: list[Any] = [sign_in_form, sign_in_with_password, sign_out]

    if provider is not None:
        issuer = provider.settings.issuer

        @get("/sign-in/oidc")
        async def begin_oidc(request: Request[Any, Any, Any]) -> Response[Any]:
            next_path = local_path(bounded(request.query_params.get("next"), NEXT_MAX))
            try:
                authorization = await provider.begin()
            except OidcRefused as refused:
                return refusal_page(refused.refusal)
            flow = flows.dumps(
                {
                    "state": authorization.state,
                    "nonce": authorization.nonce,
                    "verifier": authorization.code_verifier,
                    "next": next_path,
                }
            )
            response: Response[Any] = Redirect(authorization.url, status_code=303)
            # Lax, not Strict: the provider sends the browser back with a cross-site GET.
            cookie.set(response, flow_cookie, flow, FLOW_MAX_AGE, same_site="lax")
            return response

        @get("/sign-in/oidc/callback")
        async def finish_oidc(request: Request[Any, Any, Any]) -> Response[Any]:
            try:
                person_id, next_path = await finish(request)
            except OidcRefused as refused:
                response = refusal_page(refused.refusal)
            else:
                response = await start_session(person_id, next_path)
            # One flow, one use: whatever became of it, it cannot be finished twice.
            cookie.forget(response, flow_cookie)
            return response

        async def finish(request: Request[Any, Any, Any]) -> tuple[str, str | None]:
            query = request.query_params
            values = {name: query.get(name) for name in ("code", "state", "error", "iss")}
            if any(v is not None and len(v) > CALLBACK_VALUE_MAX for v in values.values()):
                raise OidcRefused(INPUT_TOO_LONG)
            flow = _flow(flows, request.cookies.get(flow_cookie))
            if flow is None:
                raise OidcRefused(OIDC_FLOW_EXPIRED)
            state = values["state"] or ""
            if not hmac.compare_digest(state.encode(), flow["state"].encode()):
                raise OidcRefused(OIDC_STATE_MISMATCH)
            if values["error"] is not None:
                raise OidcRefused(OIDC_PROVIDER_ERROR.about(plain_word(values["error"])))
            # A provider that names itself must be the one the flow was started with: an
            # answer meant for another provider is not taken (RFC 9207).
            if values["iss"] is not None and values["iss"] != issuer:
                raise OidcRefused(OIDC_PROVIDER_ERROR.about("answered by another provider"))
            if not values["code"]:
                raise OidcRefused(OIDC_PROVIDER_ERROR.about("no code"))
            email = await provider.email_for(
                code=values["code"], code_verifier=flow["verifier"], nonce=flow["nonce"]
            )
            person_id = await anyio.to_thread.run_sync(authenticator.person_id_for_email, email)
            if person_id is None:
                raise OidcRefused(NOT_REGISTERED)
            try:
                await anyio.to_thread.run_sync(authenticator.principal_of, person_id)
            except AuthenticationFailed as failure:
                raise OidcRefused(
                    Refusal(failure.code, "You are not signed in", failure.message, 403)
                ) from None
            return person_id, local_path(flow["next"])

        handlers += [begin_oidc, finish_oidc]

    return Router(path="/", route_handlers=handlers)


def _flow(flows: URLSafeTimedSerializer, value: str | None) -> dict[str, Any] | None:
    if not value or len(value) > 2 * CALLBACK_VALUE_MAX:
        return None
    try:
        flow = flows.loads(value, max_age=int(FLOW_MAX_AGE.total_seconds()))
    except BadData:
        return None
    if not isinstance(flow, dict) or not all(
        isinstance(flow.get(key), str) for key in ("state", "nonce", "verifier")
    ):
        return None
    return flow
