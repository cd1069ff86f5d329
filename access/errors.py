"""What can go wrong with credentials, each with a stable code a client may branch on."""

from datetime import datetime
from typing import Literal

from partnership.errors import DomainError, InvalidInput, NotFound, RuleViolation

FailureCode = Literal[
    "credentials_malformed",
    "token_invalid",
    "token_expired",
    "token_revoked",
    "session_invalid",
    "session_expired",
    "session_ended",
    "person_unknown",
]


class AuthenticationFailed(DomainError):
    """A request carried credentials that let no one in; `code` says which way they failed.

    The message is for the person holding them: what happened and what to do next. It never
    repeats the credential itself.
    """

    category = "unauthenticated"

    def __init__(self, code: FailureCode, message: str) -> None:
        super().__init__(message)
        self.code = code

    @classmethod
    def malformed(cls, what: str) -> "AuthenticationFailed":
        return cls("credentials_malformed", what)

    @classmethod
    def token_invalid(cls) -> "AuthenticationFailed":
        return cls(
            "token_invalid",
            "This API token is not recognised. Check that it was copied in full, or ask an "
            "administrator for a new one.",
        )

    @classmethod
    def token_expired(cls, at: datetime) -> "AuthenticationFailed":
        return cls(
            "token_expired",
            f"This API token expired on {_when(at)}. Ask an administrator for a new one.",
        )

    @classmethod
    def token_revoked(cls, at: datetime) -> "AuthenticationFailed":
        return cls(
            "token_revoked",
            f"This API token was revoked on {_when(at)}. Ask an administrator for a new one.",
        )

    @classmethod
    def session_invalid(cls) -> "AuthenticationFailed":
        return cls("session_invalid", "Your sign-in could not be verified. Please sign in again.")

    @classmethod
    def session_expired(cls, at: datetime) -> "AuthenticationFailed":
        return cls("session_expired", f"Your sign-in expired at {_when(at)}. Please sign in again.")

    @classmethod
    def session_ended(cls) -> "AuthenticationFailed":
        return cls("session_ended", "You have been signed out. Please sign in again.")

    @classmethod
    def person_unknown(cls) -> "AuthenticationFailed":
        return cls(
            "person_unknown",
            "These credentials belong to no one who has access to this record any more. Ask "
            "an administrator if you still need access.",
        )


class PasswordTooShort(InvalidInput):
    code = "password_too_short"


class PasswordTooLong(InvalidInput):
    code = "password_too_long"


class TokenLifetimeInvalid(InvalidInput):
    code = "token_lifetime_invalid"


class SessionLifetimeInvalid(InvalidInput):
    code = "session_lifetime_invalid"


class TokenNotFound(NotFound):
    code = "token_not_found"


class TooManyTokens(RuleViolation):
    code = "too_many_tokens"


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")
