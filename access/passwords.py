"""Local passwords, hashed with argon2id.

argon2 is slow on purpose (tens of milliseconds and tens of megabytes a hash, by default), so
that a stolen table is slow to guess through. The same slowness would stall an event loop:
callers in async code run `set_password` and `verify_password` on a worker thread.
"""

from datetime import datetime
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from access.errors import PasswordTooLong, PasswordTooShort
from access.storage import (
    PERSON_ID_MAX,
    CredentialDatabase,
    access_passwords,
    check_person_id,
)

# Long enough that guessing is hopeless for a passphrase of a few words; no rules on which
# characters, which only push people towards predictable substitutions.
PASSWORD_MIN = 12
# Room for any passphrase or manager-made password, short of an attempt to make hashing slow.
PASSWORD_MAX = 1_000
# An id no person has, looked up when there is no one to look up.
_NO_ONE = "system:no one"


def check_password_policy(password: str) -> str:
    """The password, if it may be set; PasswordTooShort or PasswordTooLong otherwise."""
    if not isinstance(password, str) or len(password) < PASSWORD_MIN:
        raise PasswordTooShort(
            f"A password must be at least {PASSWORD_MIN} characters long; a few unrelated "
            "words make a good one.",
            "password",
        )
    if len(password) > PASSWORD_MAX:
        raise PasswordTooLong(
            f"A password may be at most {PASSWORD_MAX:,} characters long.", "password"
        )
    return password


class PasswordCredentials:
    """Passwords for signing in without an identity provider, in the credential database."""

    database: CredentialDatabase
    hasher: PasswordHasher

    @cached_property
    def _stand_in_hash(self) -> str:
        # Checked against when no password is held, so that a refusal takes as long for an
        # unknown person as for a wrong password and does not tell who has an account.
        return self.hasher.hash("no one's password: the time of a check, spent for nothing")

    def set_password(self, person_id: str, password: str, *, now: datetime) -> None:
        """Sets (or replaces) the person's password. Slow by design: run it off the event
        loop."""
        person_id = check_person_id(person_id)
        hashed = self.hasher.hash(check_password_policy(password))
        self._store(person_id, hashed, now)

    def has_password(self, person_id: str) -> bool:
        with self.database.reading() as conn:
            return (
                conn.execute(
                    select(access_passwords.c.person_id).where(
                        access_passwords.c.person_id == check_person_id(person_id)
                    )
                ).first()
                is not None
            )

    def verify_password(self, person_id: str | None, password: str) -> bool:
        """Whether `password` is the person's. It takes as long when the person is unknown
        (None) or holds no password, and the hash is renewed when the hasher's parameters
        have changed since it was made. Slow by design: run it off the event loop."""
        # Refused before hashing: the length says nothing about any account.
        if not isinstance(password, str) or not 0 < len(password) <= PASSWORD_MAX:
            return False
        # Looked up even for no one, so that the database's part takes as long too.
        stored = self._stored_hash(person_id if person_id is not None else _NO_ONE)
        try:
            self.hasher.verify(stored or self._stand_in_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        if stored is None or person_id is None:
            return False
        if self.hasher.check_needs_rehash(stored):
            self._renew(person_id, stored, self.hasher.hash(password))
        return True

    def remove_password(self, person_id: str) -> bool:
        """Removes the person's password (they then sign in only through the identity
        provider); whether they had one."""
        with self.database.writing() as conn:
            removed = conn.execute(
                access_passwords.delete().where(
                    access_passwords.c.person_id == check_person_id(person_id)
                )
            )
        return removed.rowcount > 0

    def _stored_hash(self, person_id: str) -> str | None:
        if not isinstance(person_id, str) or not 0 < len(person_id) <= PERSON_ID_MAX:
            return None
        with self.database.reading() as conn:
            found: str | None = conn.execute(
                select(access_passwords.c.password_hash).where(
                    access_passwords.c.person_id == person_id
                )
            ).scalar_one_or_none()
        return found

    def _store(self, person_id: str, hashed: str, now: datetime) -> None:
        dialect_insert = sqlite.insert if self.database.is_sqlite else postgresql.insert
        with self.database.writing() as conn:
            conn.execute(
                dialect_insert(access_passwords)
                .values(person_id=person_id, password_hash=hashed, set_at=now)
                .on_conflict_do_update(
                    index_elements=[access_passwords.c.person_id],
                    set_={"password_hash": hashed, "set_at": now},
                )
            )

    def _renew(self, person_id: str, old: str, new: str) -> None:
        # Only if unchanged meanwhile: a password set at the same moment must not be undone.
        # The time it was set stays: it is the same password.
        with self.database.writing() as conn:
            conn.execute(
                update(access_passwords)
                .where(
                    access_passwords.c.person_id == person_id,
                    access_passwords.c.password_hash == old,
                )
                .values(password_hash=new)
            )
