"""What a hostile caller sends is refused with a code before anything is recorded, on both
stores; values at the very limits are recorded and every read model keeps up with them."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from partnership.addresses import SupplierMeetingAddress
from partnership.application import PartnershipApplication
from partnership.commands.envelope import Envelope
from partnership.contracts import ContractTerms
from partnership.domain import DomainError, Provenance
from partnership.limits import (
    DAYS_MAX,
    LATEST_DATE,
    NAME_MAX,
    REFERENCE_MAX,
    SOURCE_MAX,
    TEXT_MAX,
    TITLE_MAX,
)
from partnership.voting import DecisionRule
from projections.read import (
    check_date_range,
    contract_by_id,
    contracts_due_for_renewal,
    list_contracts,
)
from projections.runtime import Runtime
from tests.authorities import register_authorities
from tests.conftest import OFFICER, MovableClock

AWARDED_ON = date(2004, 12, 1)


def paper(day: date = AWARDED_ON, source: str = "Executive minutes") -> Provenance:
    return Provenance(day, source)


def terms(**changes: Any) -> ContractTerms:
    base: dict[str, Any] = {
        "reference": "LCC/CRM/1",
        "title": "CRM",
        "supplier": "SX3",
        "authority": "Lancashire County Council",
        "start_date": AWARDED_ON,
        "end_date": date(2011, 11, 30),
        "notice_period_days": 180,
        "value": Decimal("1250000.50"),
    }
    base.update(changes)
    return ContractTerms(**base)


Command = Callable[[PartnershipApplication, MovableClock], Any]


@pytest.fixture(autouse=True)
def authority_registered(runtime: Runtime, clock: MovableClock) -> None:
    """The contracting authority the contracts below are awarded to."""
    register_authorities(runtime.app, clock(), terms().authority)


def award(**changes: Any) -> Command:
    return lambda app, clock: app.award_contract(
        terms=terms(**changes), envelope=Envelope(paper(), OFFICER, clock())
    )


# Each finding: what was sent, and the field and code it is refused with.
HOSTILE: dict[str, tuple[Command, str, str]] = {
    "notice period of 2147483647 days": (
        award(notice_period_days=2_147_483_647),
        "noticePeriodDays",
        "invalid_input",
    ),
    "300-character supplier": (award(supplier="S" * 300), "supplier", "invalid_input"),
    "NUL byte in a title": (award(title="CRM\x00"), "title", "invalid_input"),
    "1,000-character reference": (award(reference="R" * 1_000), "reference", "invalid_input"),
    "value longer than 40 characters": (
        award(value=Decimal("1" * 41)),
        "value",
        "invalid_input",
    ),
    "award in year 76 with 2,226,430 days' notice": (
        award(start_date=date(76, 1, 1), notice_period_days=2_226_430),
        "startDate",
        "invalid_input",
    ),
    "contract ending 9999-12-31": (
        award(end_date=date(9999, 12, 31), extension_options_months=(12,)),
        "endDate",
        "invalid_input",
    ),
    "options running past the record's last date": (
        award(end_date=LATEST_DATE, extension_options_months=(1,)),
        "extensionOptionsMonths",
        "beyond_recorded_dates",
    ),
    "value NaN": (award(value=Decimal("NaN")), "value", "invalid_input"),
    "value Infinity": (award(value=Decimal("Infinity")), "value", "invalid_input"),
    "value 1E+400": (award(value=Decimal("1E+400")), "value", "invalid_input"),
    "value of 50 digits": (award(value=Decimal("9" * 50)), "value", "invalid_input"),
    "source of 501 characters": (
        lambda app, clock: app.award_contract(
            terms=terms(), envelope=Envelope(paper(source="P" * (SOURCE_MAX + 1)), OFFICER, clock())
        ),
        "source",
        "invalid_input",
    ),
    "effective date in year 1": (
        lambda app, clock: app.award_contract(
            terms=terms(), envelope=Envelope(paper(date(1, 1, 1)), OFFICER, clock())
        ),
        "effectiveDate",
        "invalid_input",
    ),
    "partnership name of 300 characters": (
        lambda app, clock: app.form_partnership(
            name="P" * 300, purpose="Shared services", envelope=Envelope(paper(), OFFICER, clock())
        ),
        "name",
        "invalid_input",
    ),
    "inquiry title with a control character": (
        lambda app, clock: app.open_inquiry(
            body="Scrutiny", title="Title\x1b[2J", envelope=Envelope(paper(), OFFICER, clock())
        ),
        "title",
        "invalid_input",
    ),
    "inquiry with 201 terms of reference": (
        lambda app, clock: app.open_inquiry(
            body="Scrutiny",
            title="CRM",
            terms_of_reference=["T"] * 201,
            envelope=Envelope(paper(), OFFICER, clock()),
        ),
        "termsOfReference",
        "invalid_input",
    ),
    "supplier meeting in year 1": (
        lambda app, clock: app.record_supplier_meeting(
            meeting=SupplierMeetingAddress("Northgate", date(1, 1, 1), "Weekly"),
            authority_attendees=[],
            supplier_attendees=[],
            topics=[],
            envelope=Envelope(paper(date(1, 1, 1)), OFFICER, clock()),
        ),
        "effectiveDate",
        "invalid_input",
    ),
}


@pytest.mark.parametrize("finding", list(HOSTILE))
def test_a_hostile_input_is_refused_with_a_code_and_nothing_is_recorded(
    runtime: Runtime, clock: MovableClock, finding: str
) -> None:
    command, field, code = HOSTILE[finding]
    head = runtime.app.head_position()
    with pytest.raises(DomainError) as refused:
        command(runtime.app, clock)
    assert (refused.value.field, refused.value.code) == (field, code)
    assert runtime.app.head_position() == head
    # The record carries on: an ordinary change is recorded and read back.
    runtime.seen(
        runtime.app.award_contract(terms=terms(), envelope=Envelope(paper(), OFFICER, clock()))
    )
    with runtime.store.reader.connect() as conn:
        assert [row["reference"] for row in list_contracts(conn)] == ["LCC/CRM/1"]


def test_extending_a_contract_to_the_last_date_is_recorded_and_beyond_it_refused(
    runtime: Runtime, clock: MovableClock
) -> None:
    app = runtime.app
    runtime.seen(
        app.award_contract(
            terms=terms(end_date=date(2199, 6, 30), extension_options_months=(6,)),
            envelope=Envelope(paper(), OFFICER, clock()),
        )
    )
    runtime.seen(
        app.extend_contract(
            reference="LCC/CRM/1", envelope=Envelope(paper(date(2010, 1, 1)), OFFICER, clock())
        )
    )
    head = app.head_position()
    with pytest.raises(DomainError) as refused:
        app.vary_contract(
            reference="LCC/CRM/1",
            description="Later",
            new_end_date=date(2200, 1, 1),
            envelope=Envelope(paper(date(2010, 2, 1)), OFFICER, clock()),
        )
    assert (refused.value.field, refused.value.code) == ("newEndDate", "invalid_input")
    assert app.head_position() == head


def test_values_at_the_limits_are_recorded_and_projected(
    runtime: Runtime, clock: MovableClock
) -> None:
    """The largest values the domain accepts reach every read model on both stores."""
    app = runtime.app
    reference = "R" * REFERENCE_MAX
    widest = terms(
        reference=reference,
        title="T" * TITLE_MAX,
        supplier="S" * NAME_MAX,
        authority="A" * NAME_MAX,
        start_date=date(1900, 1, 1),
        end_date=date(2199, 11, 30),
        notice_period_days=DAYS_MAX,
        value=Decimal("999999999999999.99"),
        extension_options_months=(1,),
        auto_renews=True,
    )
    source = "P" * SOURCE_MAX
    register_authorities(app, clock(), widest.authority)
    runtime.seen(
        app.award_contract(terms=widest, envelope=Envelope(paper(source=source), OFFICER, clock()))
    )
    runtime.seen(
        app.novate_contract(
            reference=reference,
            new_supplier="N" * NAME_MAX,
            envelope=Envelope(paper(), OFFICER, clock()),
        )
    )
    long_text = "\n".join(["Line of a long variation. " * 10] * 38)[:TEXT_MAX]
    runtime.seen(
        app.vary_contract(
            reference=reference,
            description=long_text,
            new_value=Decimal("0.01"),
            envelope=Envelope(paper(), OFFICER, clock()),
        )
    )
    runtime.seen(
        app.extend_contract(reference=reference, envelope=Envelope(paper(), OFFICER, clock()))
    )
    with runtime.store.reader.connect() as conn:
        (row,) = list_contracts(conn)
        assert row["end_date"] == date(2199, 12, 30)
        assert row["notice_period_days"] == DAYS_MAX
        assert contract_by_id(conn, row["contract_id"]) is not None
    assert all(status.lag_events == 0 for status in runtime.runner.status())


def test_query_dates_and_horizons_outside_the_record_are_refused(runtime: Runtime) -> None:
    with runtime.store.reader.connect() as conn:
        for as_of, horizon, field in [
            (date(9999, 12, 31), 180, "asOf"),
            (date(1, 1, 1), 180, "asOf"),
            (date(2011, 1, 1), 2_147_483_647, "withinDays"),
            (date(2011, 1, 1), -1, "withinDays"),
        ]:
            with pytest.raises(DomainError) as refused:
                contracts_due_for_renewal(conn, as_of, horizon)
            assert (refused.value.field, refused.value.code) == (field, "invalid_input")
        assert contracts_due_for_renewal(conn, LATEST_DATE, DAYS_MAX) == []
    for start, end, field in [(date(1, 1, 1), None, "from"), (None, date(9999, 12, 31), "to")]:
        with pytest.raises(DomainError) as refused:
            check_date_range(start, end)
        assert refused.value.field == field


def test_a_decision_rule_beyond_the_limits_is_refused(
    runtime: Runtime, clock: MovableClock
) -> None:
    app = runtime.app
    runtime.seen(
        app.form_partnership(
            name="LSS", purpose="Shared services", envelope=Envelope(paper(), OFFICER, clock())
        )
    )
    runtime.seen(
        app.establish_body(
            partnership="LSS",
            name="Joint Committee",
            kind="joint_committee",
            parent_body=None,
            envelope=Envelope(paper(), OFFICER, clock()),
        )
    )
    head = app.head_position()
    for rule, field in [
        (DecisionRule(quorum=2_147_483_647), "quorum"),
        (DecisionRule(quorum=2, electronic_response_days=2_147_483_647), "electronicResponseDays"),
    ]:
        with pytest.raises(DomainError) as refused:
            app.adopt_decision_rule(
                partnership="LSS",
                body="Joint Committee",
                rule=rule,
                envelope=Envelope(paper(), OFFICER, clock()),
            )
        assert refused.value.field == field
    assert app.head_position() == head
