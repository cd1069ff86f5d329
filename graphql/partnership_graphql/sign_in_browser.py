"""What passes between the sign-in pages and the browser: cookies, the form's fields and the
path to go on to, each bounded and checked where it enters."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

from litestar import Request, Response

from access.sessions import DEFAULT_SESSION_LIFETIME, MAX_SESSION_LIFETIME

NEXT_MAX = 2_048
FORM_FIELDS_MAX = 8


@dataclass(frozen=True, kw_only=True)
class CookiePolicy:
    """How the session cookie is set. `max_age` is also the session's lifetime."""

    secure: bool
    name: str = "partnership_session"
    same_site: Literal["lax", "strict"] = "lax"
    max_age: timedelta = DEFAULT_SESSION_LIFETIME

    def __post_init__(self) -> None:
        if not self.name or not all(
            ch.isascii() and (ch.isalnum() or ch in "_-") for ch in self.name
        ):
            raise ValueError(f"a cookie name is letters, digits, '_' and '-': {self.name!r}")
        if not timedelta(0) < self.max_age <= MAX_SESSION_LIFETIME:
            raise ValueError(f"a session lasts more than no time, at most {MAX_SESSION_LIFETIME}")

    def helper_name(self, name: str) -> str:
        # Over HTTPS the __Host- prefix makes the browser refuse the cookie unless this host
        # set it, Secure and for the whole site: no sibling subdomain can plant one.
        return f"__Host-{name}" if self.secure else name

    def set(
        self,
        response: Response[Any],
        name: str,
        value: str,
        max_age: timedelta,
        same_site: Literal["lax", "strict"] | None = None,
    ) -> None:
        response.set_cookie(
            name,
            value,
            max_age=int(max_age.total_seconds()),
            path="/",
            secure=self.secure,
            httponly=True,
            samesite=same_site or self.same_site,
        )

    def forget(self, response: Response[Any], name: str) -> None:
        # With the attributes it was set with: a browser ignores a Secure or __Host- cookie's
        # deletion without them.
        response.set_cookie(
            name,
            "",
            max_age=0,
            expires=0,
            path="/",
            secure=self.secure,
            httponly=True,
            samesite=self.same_site,
        )


def local_path(value: str | None) -> str | None:
    """The path to go to after signing in, if it stays on this service; None for anything
    else (another site, a scheme, a protocol-relative or backslashed URL, control characters),
    so that a link to the sign-in page cannot send a person on to a look-alike."""
    if not value or len(value) > NEXT_MAX or not value.isascii():
        return None
    if any(ch < " " or ch == "\x7f" or ch == "\\" for ch in value):
        return None
    if not value.startswith("/") or value.startswith("//"):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value


async def form_fields(request: Request[Any, Any, Any]) -> dict[str, str] | None:
    """A url-encoded form's fields, first value of each; None for one too large to read."""
    content_type, _ = request.content_type
    if content_type != "application/x-www-form-urlencoded":
        return {}
    body = await request.body()
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            max_num_fields=FORM_FIELDS_MAX,
        )
    except (UnicodeDecodeError, ValueError):
        return None
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name, value)
    return fields


def bounded(value: str | None, most: int) -> str | None:
    return value if value is None or len(value) <= most else None
