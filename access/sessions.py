"""Browser sessions: a random id in a signed cookie; the store keeps only the id's digest.

The signature (HMAC-SHA256 with the deployment's secret key) turns away a made-up cookie
before any database work; the digest means a copy of the table lets no one into a session.
Each session carries its own CSRF token, which a page echoes back with every change it asks
for. Changing the secret key signs everyone out.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from itsdangerous import BadSignature, Signer
from sqlalchemy import or_, select, update

from access.errors import AuthenticationFailed, SessionLifetimeInvalid
from access.storage import CredentialDatabase, access_sessions, check_person_id

DEFAULT_SESSION_LIFETIME = timedelta(hours=12)
MAX_SESSION_LIFETIME = timedelta(days=31)
# Browsers one person may be signed in on at once; a new sign-in beyond it ends the oldest.
MAX_LIVE_SESSIONS_PER_PERSON = 20
# Ended and expired sessions are kept this long, so that their cookie is still answered
# "ended" or "expired" rather than "invalid", then dropped when that person next signs in.
KEEP_FINISHED_SESSIONS = timedelta(days=7)
# A signed cookie is 87 characters; anything much longer is not one of ours.
SESSION_COOKIE_MAX = 200
MIN_SECRET_KEY_BYTES = 32
_SESSION_ID_BYTES = 32
_SIGNER_SALT = b"partnership-tracker browser session"


@dataclass(frozen=True)
class StartedSession:
    """A new session: the cookie to set, and the CSRF token the page sends back."""

    cookie_value: str = field(repr=False)
    csrf_token: str = field(repr=False)
    expires_at: datetime


@dataclass(frozen=True)
class SessionInfo:
    person_id: str
    csrf_token: str = field(repr=False)
    created_at: datetime
    expires_at: datetime


def session_signer(secret_key: bytes) -> Signer:
    if not isinstance(secret_key, bytes) or len(secret_key) < MIN_SECRET_KEY_BYTES:
        raise ValueError(f"the secret key must be at least {MIN_SECRET_KEY_BYTES} random bytes")
    return Signer(
        secret_key, salt=_SIGNER_SALT, key_derivation="hmac", digest_method=hashlib.sha256
    )


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("ascii")).hexdigest()


class SessionCredentials:
    """Browser sessions, in the credential database."""

    database: CredentialDatabase
    signer: Signer

    def signs_with(self, secret_key: bytes) -> bool:
        """Whether session cookies are signed with this key."""
        return isinstance(secret_key, bytes) and hmac.compare_digest(
            self.signer.secret_key, secret_key
        )

    def start_session(
        self, person_id: str, *, now: datetime, lifetime: timedelta = DEFAULT_SESSION_LIFETIME
    ) -> StartedSession:
        person_id = check_person_id(person_id)
        if not timedelta(0) < lifetime <= MAX_SESSION_LIFETIME:
            raise SessionLifetimeInvalid(
                f"A session must last more than no time and at most "
                f"{MAX_SESSION_LIFETIME.days} days; {lifetime} was asked for.",
                "lifetime",
            )
        session_id = secrets.token_urlsafe(_SESSION_ID_BYTES)
        csrf_token = secrets.token_urlsafe(_SESSION_ID_BYTES)
        expires_at = now + lifetime
        sessions = access_sessions.c
        with self.database.writing() as conn:
            conn.execute(
                access_sessions.delete().where(
                    sessions.person_id == person_id,
                    or_(
                        sessions.expires_at <= now - KEEP_FINISHED_SESSIONS,
                        sessions.ended_at <= now - KEEP_FINISHED_SESSIONS,
                    ),
                )
            )
            conn.execute(
                access_sessions.insert().values(
                    session_hash=_digest(session_id),
                    person_id=person_id,
                    csrf_token=csrf_token,
                    created_at=now,
                    expires_at=expires_at,
                )
            )
            oldest_beyond_limit = (
                select(sessions.session_hash)
                .where(
                    sessions.person_id == person_id,
                    sessions.ended_at.is_(None),
                    sessions.expires_at > now,
                )
                .order_by(sessions.created_at.desc(), sessions.session_hash)
                .offset(MAX_LIVE_SESSIONS_PER_PERSON)
            )
            beyond = list(conn.execute(oldest_beyond_limit).scalars())
            if beyond:
                conn.execute(
                    update(access_sessions)
                    .where(sessions.session_hash.in_(beyond))
                    .values(ended_at=now)
                )
        cookie_value = self.signer.sign(session_id.encode("ascii")).decode("ascii")
        return StartedSession(cookie_value, csrf_token, expires_at)

    def check_session(self, cookie_value: str, *, now: datetime) -> SessionInfo:
        """The live session the cookie names; AuthenticationFailed otherwise, with
        `session_invalid`, `session_ended` or `session_expired`."""
        session_id = self._session_id(cookie_value)
        if session_id is None:
            raise AuthenticationFailed.session_invalid()
        with self.database.reading() as conn:
            row = conn.execute(
                select(access_sessions).where(access_sessions.c.session_hash == _digest(session_id))
            ).one_or_none()
        if row is None:
            raise AuthenticationFailed.session_invalid()
        if row.ended_at is not None:
            raise AuthenticationFailed.session_ended()
        if row.expires_at <= now:
            raise AuthenticationFailed.session_expired(row.expires_at)
        return SessionInfo(row.person_id, row.csrf_token, row.created_at, row.expires_at)

    def end_session(self, cookie_value: str, *, now: datetime) -> bool:
        """Signs the cookie's session out; whether there was a live one to end."""
        session_id = self._session_id(cookie_value)
        if session_id is None:
            return False
        with self.database.writing() as conn:
            ended = conn.execute(
                update(access_sessions)
                .where(
                    access_sessions.c.session_hash == _digest(session_id),
                    access_sessions.c.ended_at.is_(None),
                )
                .values(ended_at=now)
            )
        return ended.rowcount > 0

    def end_sessions_of(self, person_id: str, *, now: datetime) -> int:
        """Signs the person out of every browser; how many sessions were live."""
        sessions = access_sessions.c
        with self.database.writing() as conn:
            ended = conn.execute(
                update(access_sessions)
                .where(
                    sessions.person_id == check_person_id(person_id),
                    sessions.ended_at.is_(None),
                    sessions.expires_at > now,
                )
                .values(ended_at=now)
            )
        return ended.rowcount

    def _session_id(self, cookie_value: str) -> str | None:
        # Bounded and plain before the signature is even computed.
        if (
            not isinstance(cookie_value, str)
            or not 0 < len(cookie_value) <= SESSION_COOKIE_MAX
            or not cookie_value.isascii()
        ):
            return None
        try:
            return self.signer.unsign(cookie_value.encode("ascii")).decode("ascii")
        except BadSignature:
            return None
