"""Invariants of revisions over any contract history (hypothesis): a withdrawal or correction
leaves the record as its history says with the revision applied, whether read at once or loaded
back from the log, and a refused one records nothing."""

from contextlib import suppress
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from partnership.application import PartnershipApplication
from partnership.commands.envelope import Envelope
from partnership.contracts import Contract
from partnership.domain import DomainError, Provenance
from partnership.revisions import Revision, is_withdrawn, replay
from tests.unit.test_contract_invariants import OFFICER, START, command, contract_with

NOW = datetime(2030, 1, 1, tzinfo=UTC)
LIBRARY_STATE = {"_modified_on", "_version", "_pending_events"}

revision = st.one_of(
    st.tuples(st.just("withdraw"), st.integers(min_value=1, max_value=14)),
    st.tuples(
        st.just("correct"),
        st.integers(min_value=1, max_value=14),
        st.just("effective_date"),
        st.integers(min_value=-30, max_value=30).map(lambda days: START + timedelta(days=days)),
    ),
    st.tuples(
        st.just("correct"),
        st.just(1),
        st.sampled_from(["start_date", "end_date"]),
        st.integers(min_value=-2000, max_value=4000).map(lambda days: START + timedelta(days=days)),
    ),
)


def state(contract: Contract) -> dict[str, object]:
    return {k: v for k, v in vars(contract).items() if k not in LIBRARY_STATE}


@settings(max_examples=150, deadline=None)
@given(
    options=st.lists(st.integers(min_value=1, max_value=36), max_size=3),
    steps=st.lists(command, max_size=10),
    revisions=st.lists(revision, min_size=1, max_size=4),
)
def test_a_revised_contract_reads_as_its_revised_history_says(
    options: list[int], steps: list[tuple[object, ...]], revisions: list[tuple[object, ...]]
) -> None:
    app = PartnershipApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    app.save(contract_with(options, steps))
    key = Contract.create_id("C/1")
    envelope = Envelope(Provenance(date(2029, 1, 1), "check"), OFFICER, NOW)
    for asked in revisions:
        before: Contract = app.repository.get(key)
        history = list(app.repository.event_store.get(key))
        if asked[0] == "withdraw":
            wanted = Revision(int(str(asked[1])), "in error")
        else:
            wanted = Revision(int(str(asked[1])), "wrong", str(asked[2]), asked[3])
        expected = None
        with suppress(DomainError):
            if not (wanted.withdraws and wanted.version == 1):
                expected = replay(history, wanted, Contract)[0]
        try:
            if wanted.withdraws:
                app.withdraw_fact(record=key, version=wanted.version, reason="x", envelope=envelope)
            else:
                app.correct_fact(
                    record=key,
                    version=wanted.version,
                    field=str(wanted.field),
                    value=wanted.value,
                    reason="x",
                    envelope=envelope,
                )
        except DomainError:
            # Refused: nothing recorded.
            assert app.repository.get(key).version == before.version
            continue
        after: Contract = app.repository.get(key)
        assert after.version == before.version + 1
        if is_withdrawn(after):
            assert after.status == "withdrawn"
            break
        assert expected is not None
        assert state(after) == state(expected)
        assert after.start_date <= after.end_date
