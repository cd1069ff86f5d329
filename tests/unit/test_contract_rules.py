"""Contract rules, without I/O."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from partnership.contracts import (
    ChangeBeforeAward,
    Contract,
    ContractTerminated,
    ContractTerms,
    EndBeforeStart,
    NoExtensionOptionLeft,
    SupplierUnchanged,
    contract_id,
)
from partnership.domain import Actor, InvalidInput, Provenance, check_provenance

OFFICER = Actor("Rob Dobson", "Burnley Borough Council")


def terms(**changes: object) -> ContractTerms:
    base: dict[str, object] = {
        "reference": "BBC/CRM/1",
        "title": "CRM",
        "supplier": "SX3",
        "authority": "Burnley Borough Council",
        "start_date": date(2004, 12, 1),
        "end_date": date(2011, 11, 30),
        "notice_period_days": 90,
        "value": Decimal("125000.00"),
        "extension_options_months": (12, 12),
    }
    base.update(changes)
    return ContractTerms(**base)  # type: ignore[arg-type]


def on(day: date, source: str = "Executive minutes") -> Provenance:
    return Provenance(day, source)


def awarded(**changes: object) -> Contract:
    return Contract.award(terms(**changes), on(date(2004, 12, 1)), OFFICER)


def test_award_records_terms_and_who_recorded_them_from_which_paper() -> None:
    contract = awarded()
    (event,) = contract.collect_events()
    assert isinstance(event, Contract.Awarded)
    assert event.recorded_by == "Rob Dobson"
    assert event.recorded_by_authority == "Burnley Borough Council"
    assert event.source == "Executive minutes"
    assert event.effective_date == date(2004, 12, 1)
    assert contract.notice_deadline == date(2011, 9, 1)


def test_the_id_comes_from_the_reference_however_it_is_typed() -> None:
    assert awarded().id == contract_id("  bbc/crm/1 ") == contract_id("BBC/CRM/1")


def test_end_before_start_is_refused_naming_the_field() -> None:
    with pytest.raises(EndBeforeStart) as raised:
        awarded(end_date=date(2004, 11, 30))
    assert raised.value.field == "endDate"
    assert "before the start date" in raised.value.message


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reference": "  "}, "reference"),
        ({"supplier": ""}, "supplier"),
        ({"notice_period_days": -1}, "noticePeriodDays"),
        ({"value": Decimal("-1")}, "value"),
        ({"extension_options_months": (12, 0)}, "extensionOptionsMonths"),
        ({"head_contract_reference": "bbc/crm/1"}, "headContractReference"),
    ],
)
def test_bad_terms_are_refused(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        awarded(**changes)
    assert raised.value.field == field


def test_extending_uses_the_next_option_and_moves_the_end_date() -> None:
    contract = awarded()
    contract.extend(on(date(2011, 9, 1)), OFFICER)
    assert contract.end_date == date(2012, 11, 30)
    assert contract.extension_options_left == [12]
    assert contract.notice_deadline == date(2012, 9, 1)


def test_extending_with_no_option_left_is_refused() -> None:
    contract = awarded(extension_options_months=(12,))
    contract.extend(on(date(2011, 9, 1)), OFFICER)
    with pytest.raises(NoExtensionOptionLeft):
        contract.extend(on(date(2012, 9, 1)), OFFICER)
    assert contract.end_date == date(2012, 11, 30)


def test_novation_keeps_the_supplier_history() -> None:
    contract = awarded()
    contract.novate("Northgate", on(date(2006, 10, 26)), OFFICER)
    assert contract.supplier == "Northgate"
    assert contract.suppliers == ["SX3", "Northgate"]
    with pytest.raises(SupplierUnchanged):
        contract.novate("northgate", on(date(2006, 10, 27)), OFFICER)


def test_variation_may_move_the_end_date_and_value() -> None:
    contract = awarded()
    contract.vary("Scope reduced", on(date(2008, 1, 1)), OFFICER, date(2010, 3, 31), Decimal("9"))
    assert (contract.end_date, contract.value) == (date(2010, 3, 31), Decimal("9"))
    with pytest.raises(EndBeforeStart):
        contract.vary("Typo", on(date(2008, 1, 2)), OFFICER, new_end_date=date(2000, 1, 1))


def test_a_terminated_contract_cannot_be_changed() -> None:
    contract = awarded()
    contract.terminate("Replaced by a new framework", on(date(2009, 3, 31)), OFFICER)
    assert contract.status == "terminated"
    for change in (
        lambda: contract.extend(on(date(2010, 1, 1)), OFFICER),
        lambda: contract.novate("Capita", on(date(2010, 1, 1)), OFFICER),
        lambda: contract.vary("More", on(date(2010, 1, 1)), OFFICER),
        lambda: contract.terminate("Again", on(date(2010, 1, 1)), OFFICER),
    ):
        with pytest.raises(ContractTerminated):
            change()


def test_a_change_cannot_take_effect_before_the_award() -> None:
    with pytest.raises(ChangeBeforeAward) as raised:
        awarded().novate("Northgate", on(date(2004, 11, 1)), OFFICER)
    assert raised.value.field == "effectiveDate"


def test_facts_cannot_be_recorded_as_happening_in_the_future() -> None:
    now = datetime(2011, 9, 2, 12, 0, tzinfo=UTC)
    check_provenance(on(date(2011, 9, 2)), now)
    with pytest.raises(InvalidInput) as raised:
        check_provenance(on(date(2011, 9, 3)), now)
    assert raised.value.field == "effectiveDate"
    with pytest.raises(InvalidInput) as raised:
        check_provenance(on(date(2011, 9, 1), source=" "), now)
    assert raised.value.field == "source"
