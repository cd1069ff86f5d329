"""Invariants over any sequence of contract commands (hypothesis)."""

from contextlib import suppress
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from partnership.application import PartnershipApplication
from partnership.contracts import Contract, ContractTerms
from partnership.domain import Actor, DomainError, Provenance

OFFICER = Actor("Auditor", "Lancashire County Council", "auditor-lcc")
START = date(2005, 1, 1)

command = st.one_of(
    st.tuples(st.just("extend")),
    st.tuples(st.just("novate"), st.sampled_from(["SX3", "Northgate", "Capita"])),
    st.tuples(
        st.just("vary"),
        st.one_of(st.none(), st.integers(min_value=-400, max_value=4000)),
        st.one_of(st.none(), st.decimals(min_value=0, max_value=10**7, places=2)),
    ),
    st.tuples(st.just("terminate")),
)


def apply(contract: Contract, step: tuple[object, ...], day: date) -> None:
    provenance = Provenance(day, "paper")
    kind = step[0]
    if kind == "extend":
        contract.extend(provenance, OFFICER)
    elif kind == "novate":
        contract.novate(str(step[1]), provenance, OFFICER)
    elif kind == "vary":
        offset, value = step[1], step[2]
        new_end = None if offset is None else START + timedelta(days=int(str(offset)))
        contract.vary("change", provenance, OFFICER, new_end, value)  # type: ignore[arg-type]
    else:
        contract.terminate("ended", provenance, OFFICER)


def contract_with(options: list[int], steps: list[tuple[object, ...]]) -> Contract:
    contract = Contract.award(
        ContractTerms(
            "C/1", "CRM", "SX3", "LCC", START, date(2010, 1, 1), 90, Decimal("1"), tuple(options)
        ),
        Provenance(START, "paper"),
        OFFICER,
    )
    for index, step in enumerate(steps):
        # A refused command must leave no trace; the invariants below check that it does not.
        with suppress(DomainError):
            apply(contract, step, START + timedelta(days=index + 1))
    return contract


@settings(max_examples=150, deadline=None)
@given(
    options=st.lists(st.integers(min_value=1, max_value=36), max_size=3),
    steps=st.lists(command, max_size=12),
)
def test_replaying_the_stored_events_rebuilds_the_same_state(
    options: list[int], steps: list[tuple[object, ...]]
) -> None:
    app = PartnershipApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    contract = contract_with(options, steps)
    app.save(contract)
    replayed = app.repository.get(contract.id)
    assert replayed.__dict__ == contract.__dict__


@settings(max_examples=150, deadline=None)
@given(
    options=st.lists(st.integers(min_value=1, max_value=36), max_size=3),
    steps=st.lists(command, max_size=12),
)
def test_the_end_date_moves_only_by_exercised_options_or_variations(
    options: list[int], steps: list[tuple[object, ...]]
) -> None:
    contract = contract_with(options, steps)
    end = date(2010, 1, 1)
    used = 0
    for event in contract.collect_events()[1:]:
        if isinstance(event, Contract.Extended):
            assert event.months == options[used]
            used += 1
            end = event.new_end_date
        elif isinstance(event, Contract.Varied) and event.new_end_date is not None:
            end = event.new_end_date
        assert end >= START
    assert contract.end_date == end
    assert contract.extension_options_left == options[used:]
