"""The sign-in pages: the form, and the page that says why a sign-in was refused.

Every refusal has a stable code, shown on the page and kept in `data-code`, so that a person
can quote it and a test or a client can branch on it.
"""

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import MediaType, Response

from access.authentication import EMAIL_MAX
from access.passwords import PASSWORD_MAX

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "sign_in_templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    auto_reload=False,
)

# Sign-in pages carry a password form and one-time codes: never cached, framed or sent on as a
# referrer, and they load nothing from anywhere.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


@dataclass(frozen=True)
class Refusal:
    code: str
    title: str
    message: str
    status: int

    def about(self, detail: str) -> "Refusal":
        """The same refusal, its message ending with what in particular went wrong."""
        return Refusal(self.code, self.title, f"{self.message} ({detail})", self.status)


SIGN_IN_FAILED = Refusal(
    "sign_in_failed",
    "Sign in",
    # One message for an unknown address and a wrong password: which addresses are registered
    # is not for a stranger to find out.
    "The email address or password is not right.",
    400,
)
SIGN_IN_FORM_EXPIRED = Refusal(
    "sign_in_form_expired",
    "Sign in",
    "The sign-in form had expired or did not come from this service. Sign in again.",
    400,
)
INPUT_TOO_LONG = Refusal(
    "sign_in_input_too_long",
    "Sign in",
    "Something you sent is longer than this service accepts.",
    400,
)
SIGN_OUT_REFUSED = Refusal(
    "sign_out_refused",
    "You are still signed in",
    "Sign out with the button on a page of this service.",
    403,
)
OIDC_UNAVAILABLE = Refusal(
    "oidc_provider_unavailable",
    "Council sign-in is not available",
    "The council sign-in service could not be reached. "
    "Try again in a few minutes, or sign in with your password.",
    502,
)
OIDC_PROVIDER_ERROR = Refusal(
    "oidc_provider_error",
    "You are not signed in",
    "The council sign-in service did not sign you in.",
    400,
)
OIDC_FLOW_EXPIRED = Refusal(
    "oidc_flow_expired",
    "You are not signed in",
    "This sign-in took too long, or was started in another browser. Start again.",
    400,
)
OIDC_STATE_MISMATCH = Refusal(
    "oidc_state_mismatch",
    "You are not signed in",
    "The answer from the council sign-in service is not for the sign-in you started. Start again.",
    400,
)
OIDC_CODE_REFUSED = Refusal(
    "oidc_code_refused",
    "You are not signed in",
    "The council sign-in service would not confirm your sign-in. Start again.",
    400,
)
OIDC_INVALID_ID_TOKEN = Refusal(
    "oidc_invalid_id_token",
    "You are not signed in",
    "The council sign-in service's statement of who you are could not be trusted.",
    400,
)
OIDC_NO_VERIFIED_EMAIL = Refusal(
    "oidc_no_verified_email",
    "You are not signed in",
    "Your council account did not give a verified email address.",
    403,
)
NOT_REGISTERED = Refusal(
    "not_registered",
    "You are not registered",
    "No one is registered here with your council account's email address. "
    "Ask an administrator to register you.",
    403,
)


def plain_word(text: object) -> str:
    """Another service's word for what went wrong, shown only if it is a plain short token:
    nothing it sends is put on a page as it stands."""
    value = str(text)
    if 0 < len(value) <= 64 and all(ch.isascii() and (ch.isalnum() or ch in "_.-") for ch in value):
        return value
    return "unexpected answer"


def sign_in_page(
    *,
    form_token: str,
    next_path: str | None,
    oidc_url: str | None,
    email: str = "",
    refusal: Refusal | None = None,
) -> Response[str]:
    html = _TEMPLATES.get_template("sign_in.html").render(
        form_token=form_token,
        next_path=next_path,
        oidc_url=oidc_url,
        email=email,
        refusal=refusal,
        email_max=EMAIL_MAX,
        password_max=PASSWORD_MAX,
    )
    return Response(
        html,
        status_code=refusal.status if refusal else 200,
        media_type=MediaType.HTML,
        headers=PAGE_HEADERS,
    )


def refusal_page(refusal: Refusal) -> Response[str]:
    html = _TEMPLATES.get_template("refused.html").render(refusal=refusal)
    return Response(
        html, status_code=refusal.status, media_type=MediaType.HTML, headers=PAGE_HEADERS
    )
