"""The credential store: API tokens, passwords and browser sessions, in one database of their
own (never the event log: a secret written there could never be removed)."""

from argon2 import PasswordHasher
from sqlalchemy.engine import URL

from access.passwords import PasswordCredentials
from access.sessions import SessionCredentials, session_signer
from access.storage import CredentialDatabase
from access.tokens import TokenCredentials


class CredentialStore(TokenCredentials, PasswordCredentials, SessionCredentials):
    """Credentials in the database at `url` (SQLite or PostgreSQL), whose tables are created
    if absent. `secret_key` signs session cookies; `hasher` hashes passwords (argon2id with
    its library's recommended parameters unless given; a stored hash made with others is
    renewed at the next sign-in).

    Every method blocks on the database, and the password methods on argon2 too: async
    callers run them on a worker thread.
    """

    def __init__(
        self, url: URL | str, secret_key: bytes, *, hasher: PasswordHasher | None = None
    ) -> None:
        self.signer = session_signer(secret_key)
        self.hasher = hasher or PasswordHasher()
        self.database = CredentialDatabase(url)

    def close(self) -> None:
        self.database.dispose()
