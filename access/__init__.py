"""Credentials and authentication: API tokens, passwords and browser sessions, kept in a
database of their own, and the Authenticator that turns a request's credentials into the
person it acts for."""

from access.authentication import Authenticated, Authenticator, bearer_token
from access.credentials import CredentialStore
from access.errors import (
    AuthenticationFailed,
    FailureCode,
    PasswordTooLong,
    PasswordTooShort,
    SessionLifetimeInvalid,
    TokenLifetimeInvalid,
    TokenNotFound,
    TooManyTokens,
)
from access.passwords import PASSWORD_MAX, PASSWORD_MIN, check_password_policy
from access.sessions import DEFAULT_SESSION_LIFETIME, SessionInfo, StartedSession
from access.tokens import (
    DEFAULT_TOKEN_LIFETIME,
    MAX_TOKEN_LIFETIME,
    IssuedToken,
    TokenInfo,
)

__all__ = [
    "DEFAULT_SESSION_LIFETIME",
    "DEFAULT_TOKEN_LIFETIME",
    "MAX_TOKEN_LIFETIME",
    "PASSWORD_MAX",
    "PASSWORD_MIN",
    "Authenticated",
    "AuthenticationFailed",
    "Authenticator",
    "CredentialStore",
    "FailureCode",
    "IssuedToken",
    "PasswordTooLong",
    "PasswordTooShort",
    "SessionInfo",
    "SessionLifetimeInvalid",
    "StartedSession",
    "TokenInfo",
    "TokenLifetimeInvalid",
    "TokenNotFound",
    "TooManyTokens",
    "bearer_token",
    "check_password_policy",
]
