"""The core of the credential store's tests, again on PostgreSQL, in a database of their own
(created and dropped by the `postgres_url` fixture)."""

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from access import CredentialStore
from access.storage import access_tokens
from tests.unit.test_credentials import (
    ALICE,
    NOW,
    open_store,
    test_a_hash_is_renewed_when_the_parameters_change,
    test_a_password_verifies_and_a_wrong_one_does_not,
    test_a_person_can_be_signed_out_everywhere,
    test_a_revoked_token_is_refused_at_once,
    test_a_session_cookie_is_signed_and_only_its_digest_kept,
    test_a_session_expires_and_can_be_ended,
    test_a_token_expires,
    test_a_token_is_shown_once_and_kept_only_as_a_digest,
    test_a_token_names_its_person_and_notes_its_use,
    test_an_unknown_person_costs_a_hash_like_anyone_else,
    test_finished_sessions_are_dropped_a_week_on,
    test_forged_and_malformed_tokens_are_told_apart,
    test_forged_cookies_are_invalid,
    test_last_use_is_written_at_most_once_a_minute,
    test_one_person_holds_a_bounded_number_of_live_tokens,
    test_sessions_are_bounded,
    test_the_password_policy_is_coded,
    test_the_store_reopens_its_tables,
    test_token_lifetimes_and_labels_are_bounded,
)

pytestmark = pytest.mark.postgres

__all__ = [
    "test_a_hash_is_renewed_when_the_parameters_change",
    "test_a_password_verifies_and_a_wrong_one_does_not",
    "test_a_person_can_be_signed_out_everywhere",
    "test_a_revoked_token_is_refused_at_once",
    "test_a_session_cookie_is_signed_and_only_its_digest_kept",
    "test_a_session_expires_and_can_be_ended",
    "test_a_token_expires",
    "test_a_token_is_shown_once_and_kept_only_as_a_digest",
    "test_a_token_names_its_person_and_notes_its_use",
    "test_an_unknown_person_costs_a_hash_like_anyone_else",
    "test_finished_sessions_are_dropped_a_week_on",
    "test_forged_and_malformed_tokens_are_told_apart",
    "test_forged_cookies_are_invalid",
    "test_last_use_is_written_at_most_once_a_minute",
    "test_one_person_holds_a_bounded_number_of_live_tokens",
    "test_sessions_are_bounded",
    "test_the_password_policy_is_coded",
    "test_the_store_reopens_its_tables",
    "test_token_lifetimes_and_labels_are_bounded",
]


@pytest.fixture
def credentials_url(postgres_url: str) -> str:
    # As the settings give it: the database's own URL, with psycopg named as the driver.
    return postgres_url.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture
def credentials(credentials_url: str) -> Iterator[CredentialStore]:
    store = open_store(credentials_url)
    try:
        yield store
    finally:
        store.close()


def test_a_plain_postgresql_url_is_given_the_psycopg_driver(postgres_url: str) -> None:
    store = open_store(postgres_url)
    issued = store.issue_token(ALICE, "plain URL", now=NOW)
    assert store.verify_token(issued.token, now=NOW).person_id == ALICE
    store.close()


def test_processes_starting_at_once_create_the_tables_once(credentials_url: str) -> None:
    starting = threading.Barrier(4)

    def start() -> CredentialStore:
        starting.wait()
        return open_store(credentials_url)

    with ThreadPoolExecutor(max_workers=4) as pool:
        stores = list(pool.map(lambda _: start(), range(4)))
    issued = stores[0].issue_token(ALICE, "shared", now=NOW)
    later = NOW + timedelta(minutes=5)
    for store in stores:
        assert store.verify_token(issued.token, now=later).person_id == ALICE
    with stores[1].database.reading() as conn:
        assert conn.execute(select(access_tokens.c.last_used_at)).scalar_one() == later
    for store in stores:
        store.close()
