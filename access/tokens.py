"""API tokens: a random secret shown once, kept only as its SHA-256 digest.

A token reads `ptk_<id>_<secret>`: the prefix lets a secret scanner (or a person) recognise
one in a paste or a commit, and the id finds its row without comparing every digest. The secret
is 256 random bits, so a plain digest is as good as a slow hash here and costs a request
nothing.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import Row, and_, func, or_, select, update

from access.errors import AuthenticationFailed, TokenLifetimeInvalid, TokenNotFound, TooManyTokens
from access.storage import (
    LABEL_MAX,
    TOKEN_ID_LENGTH,
    CredentialDatabase,
    access_tokens,
    check_person_id,
)
from partnership.limits import check_text

TOKEN_PREFIX = "ptk_"
_SECRET_BYTES = 32
# token_urlsafe's length for that many bytes: base64 without its padding.
_SECRET_LENGTH = 43
TOKEN_LENGTH = len(TOKEN_PREFIX) + TOKEN_ID_LENGTH + 1 + _SECRET_LENGTH
_TOKEN_SHAPE = re.compile(
    rf"{TOKEN_PREFIX}([0-9a-f]{{{TOKEN_ID_LENGTH}}})_([A-Za-z0-9_-]{{{_SECRET_LENGTH}}})",
    re.ASCII,
)

DEFAULT_TOKEN_LIFETIME = timedelta(days=90)
# A token that outlives a year outlives the reason it was issued; a new one costs a minute.
MAX_TOKEN_LIFETIME = timedelta(days=366)
# Live tokens one person may hold: enough for every script they run, few enough to review.
MAX_LIVE_TOKENS_PER_PERSON = 50
# A busy script would otherwise write on every request; to the minute is all anyone reads.
LAST_USE_GRANULARITY = timedelta(minutes=1)

TokenStatus = Literal["active", "expired", "revoked"]


@dataclass(frozen=True)
class TokenInfo:
    """What may be shown of a token: never its secret nor its digest."""

    token_id: str
    person_id: str
    label: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    def status(self, now: datetime) -> TokenStatus:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= now else "active"


@dataclass(frozen=True)
class IssuedToken:
    """A new token: `token` is the only copy of its secret, to be shown once and not kept."""

    token: str = field(repr=False)
    info: TokenInfo


def parse_token(text: str) -> tuple[str, str]:
    """The id and the secret of a token's text; AuthenticationFailed if it has another shape."""
    if not isinstance(text, str) or len(text) != TOKEN_LENGTH:
        raise _malformed()
    shape = _TOKEN_SHAPE.fullmatch(text)
    if shape is None:
        raise _malformed()
    return shape.group(1), shape.group(2)


def _malformed() -> AuthenticationFailed:
    return AuthenticationFailed.malformed(
        f"This is not an API token: a token starts with {TOKEN_PREFIX!r} and is "
        f"{TOKEN_LENGTH} characters long. Check that it was copied in full."
    )


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def _info(row: Row[tuple[object, ...]]) -> TokenInfo:
    return TokenInfo(
        token_id=row.token_id,
        person_id=row.person_id,
        label=row.label,
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


_SHOWN = (
    access_tokens.c.token_id,
    access_tokens.c.person_id,
    access_tokens.c.label,
    access_tokens.c.created_at,
    access_tokens.c.expires_at,
    access_tokens.c.last_used_at,
    access_tokens.c.revoked_at,
)


class TokenCredentials:
    """API tokens for scripts and integrations, in the credential database."""

    database: CredentialDatabase

    def issue_token(
        self,
        person_id: str,
        label: str,
        *,
        now: datetime,
        expires_in: timedelta = DEFAULT_TOKEN_LIFETIME,
    ) -> IssuedToken:
        """A new token for `person_id`, valid from `now` for `expires_in` (at most
        MAX_TOKEN_LIFETIME). Its text is returned here only; the store keeps its digest."""
        person_id = check_person_id(person_id)
        label = check_text(label, "label", "The token's label", LABEL_MAX)
        if not timedelta(0) < expires_in <= MAX_TOKEN_LIFETIME:
            raise TokenLifetimeInvalid(
                f"A token must expire after more than no time and within "
                f"{MAX_TOKEN_LIFETIME.days} days; {expires_in} was asked for.",
                "expiresIn",
            )
        token_id = secrets.token_hex(TOKEN_ID_LENGTH // 2)
        secret = secrets.token_urlsafe(_SECRET_BYTES)
        info = TokenInfo(token_id, person_id, label, now, now + expires_in, None, None)
        with self.database.writing() as conn:
            live = conn.execute(
                select(func.count())
                .select_from(access_tokens)
                .where(
                    access_tokens.c.person_id == person_id,
                    access_tokens.c.revoked_at.is_(None),
                    access_tokens.c.expires_at > now,
                )
            ).scalar_one()
            if live >= MAX_LIVE_TOKENS_PER_PERSON:
                raise TooManyTokens(
                    f"This person already holds {live} live API tokens, the most one person "
                    "may hold; revoke the ones no longer used first.",
                    "personId",
                )
            conn.execute(
                access_tokens.insert().values(
                    token_id=token_id,
                    person_id=person_id,
                    label=label,
                    secret_hash=_digest(secret),
                    created_at=now,
                    expires_at=info.expires_at,
                )
            )
        return IssuedToken(f"{TOKEN_PREFIX}{token_id}_{secret}", info)

    def verify_token(self, token: str, *, now: datetime) -> TokenInfo:
        """The live token `token` names, noting its use; AuthenticationFailed otherwise, with
        `credentials_malformed`, `token_invalid`, `token_revoked` or `token_expired`."""
        token_id, secret = parse_token(token)
        with self.database.reading() as conn:
            row = conn.execute(
                select(*_SHOWN, access_tokens.c.secret_hash).where(
                    access_tokens.c.token_id == token_id
                )
            ).one_or_none()
        # The digest is compared in constant time, so a guess learns nothing from how long a
        # refusal took about how much of it was right.
        if row is None or not hmac.compare_digest(row.secret_hash, _digest(secret)):
            raise AuthenticationFailed.token_invalid()
        info = _info(row)
        if info.revoked_at is not None:
            raise AuthenticationFailed.token_revoked(info.revoked_at)
        if info.expires_at <= now:
            raise AuthenticationFailed.token_expired(info.expires_at)
        if info.last_used_at is None or now - info.last_used_at >= LAST_USE_GRANULARITY:
            self._note_use(token_id, now)
            info = TokenInfo(**{**vars(info), "last_used_at": now})
        return info

    def _note_use(self, token_id: str, now: datetime) -> None:
        # Conditional, so that of many requests in the same minute only one writes.
        last = access_tokens.c.last_used_at
        with self.database.writing() as conn:
            conn.execute(
                update(access_tokens)
                .where(
                    and_(
                        access_tokens.c.token_id == token_id,
                        or_(last.is_(None), last <= now - LAST_USE_GRANULARITY),
                    )
                )
                .values(last_used_at=now)
            )

    def revoke_token(self, token_id: str, *, now: datetime) -> TokenInfo:
        """Revokes the token at once (revoking it again changes nothing); TokenNotFound if no
        token has that id."""
        if not isinstance(token_id, str) or len(token_id) != TOKEN_ID_LENGTH:
            raise _not_found(token_id)
        with self.database.writing() as conn:
            conn.execute(
                update(access_tokens)
                .where(access_tokens.c.token_id == token_id, access_tokens.c.revoked_at.is_(None))
                .values(revoked_at=now)
            )
            row = conn.execute(
                select(*_SHOWN).where(access_tokens.c.token_id == token_id)
            ).one_or_none()
        if row is None:
            raise _not_found(token_id)
        return _info(row)

    def list_tokens(self, person_id: str | None = None) -> list[TokenInfo]:
        """Every token, or one person's, oldest first, revoked and expired ones included."""
        query = select(*_SHOWN).order_by(access_tokens.c.created_at, access_tokens.c.token_id)
        if person_id is not None:
            query = query.where(access_tokens.c.person_id == check_person_id(person_id))
        with self.database.reading() as conn:
            return [_info(row) for row in conn.execute(query)]


def _not_found(token_id: object) -> TokenNotFound:
    shown = token_id if isinstance(token_id, str) and len(token_id) <= TOKEN_ID_LENGTH else "…"
    return TokenNotFound(
        f"There is no API token with the id {shown!r}; `partnership tokens list` shows them.",
        "tokenId",
    )
