"""The stored events' tables keep their names whatever the application class is called."""

from datetime import UTC, date, datetime

import psycopg
import pytest

from partnership.application import PartnershipApplication
from partnership.commands.base import EVENT_STORE_NAME
from partnership.commands.envelope import Envelope
from partnership.contracts import ContractTerms, contract_id
from partnership.domain import Provenance
from service.settings import Settings
from tests.authorities import register_authorities
from tests.conftest import OFFICER

TERMS = ContractTerms(
    "NAMES/1", "Telephony", "Mitel", "Burnley Borough Council", date(2011, 4, 1),
    date(2014, 3, 31), 90,
)  # fmt: skip


class RenamedApplication(PartnershipApplication):
    """What a later rename or a subclass would be: it must read the same log."""


def test_every_application_class_has_the_name_existing_databases_use() -> None:
    assert EVENT_STORE_NAME == "PartnershipApplication"
    assert PartnershipApplication.name == EVENT_STORE_NAME
    assert RenamedApplication.name == EVENT_STORE_NAME


def test_a_renamed_application_reads_the_same_events(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    writer = PartnershipApplication(env=settings.event_store_env())
    try:
        now = datetime(2011, 9, 2, 9, tzinfo=UTC)
        register_authorities(writer, now, TERMS.authority)
        writer.award_contract(
            terms=TERMS, envelope=Envelope(Provenance(date(2011, 3, 15), "Minutes"), OFFICER, now)
        )
    finally:
        writer.close()
    reader = RenamedApplication(env=settings.event_store_env())
    try:
        assert reader.head_position() >= 1
        assert reader.repository.get(contract_id("NAMES/1")).version == 1
    finally:
        reader.close()


@pytest.mark.postgres
def test_postgres_tables_are_named_as_existing_databases_have_them(postgres_url: str) -> None:
    settings = Settings(database_url=postgres_url)
    RenamedApplication(env=settings.event_store_env()).close()
    with psycopg.connect(postgres_url) as conn:
        tables = {
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            )
        }
    assert {"partnershipapplication_events", "partnershipapplication_snapshots"} <= tables
    assert not any(table.startswith("renamedapplication") for table in tables)
