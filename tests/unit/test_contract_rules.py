"""Contract rules, without I/O."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from partnership.contracts import (
    BeyondRecordedDates,
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
from partnership.limits import SOURCE_MAX

OFFICER = Actor("Rob Dobson", "Burnley Borough Council", "rob-dobson")


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


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"notice_period_days": 2_147_483_647}, "noticePeriodDays"),
        ({"notice_period_days": -1}, "noticePeriodDays"),
        ({"supplier": "S" * 300}, "supplier"),
        ({"authority": "A" * 201}, "authority"),
        ({"title": "CRM\x00"}, "title"),
        ({"title": "CRM\nphase 2"}, "title"),
        ({"title": "T" * 501}, "title"),
        ({"reference": "R" * 1_000}, "reference"),
        ({"head_contract_reference": "H" * 101}, "headContractReference"),
        ({"value": Decimal("NaN")}, "value"),
        ({"value": Decimal("Infinity")}, "value"),
        ({"value": Decimal("1E+400")}, "value"),
        ({"value": Decimal("9" * 50)}, "value"),
        ({"value": Decimal("0.001")}, "value"),
        ({"start_date": date(76, 1, 1), "notice_period_days": 2_226_430}, "startDate"),
        ({"end_date": date(9999, 12, 31)}, "endDate"),
        ({"extension_options_months": (0,)}, "extensionOptionsMonths"),
        ({"extension_options_months": (1_201,)}, "extensionOptionsMonths"),
        ({"extension_options_months": (12,) * 201}, "extensionOptionsMonths"),
    ],
)
def test_an_award_the_record_cannot_keep_is_refused_naming_the_field(
    changes: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        awarded(**changes)
    assert refused.value.field == field


def test_an_award_whose_options_would_run_past_the_record_is_refused_at_award() -> None:
    with pytest.raises(BeyondRecordedDates) as refused:
        awarded(end_date=date(2199, 6, 30), extension_options_months=(6, 1))
    assert refused.value.code == "beyond_recorded_dates"
    assert refused.value.field == "extensionOptionsMonths"
    contract = awarded(end_date=date(2199, 6, 30), extension_options_months=(6,))
    contract.extend(on(date(2010, 1, 1)), OFFICER)
    assert contract.end_date == date(2199, 12, 30)


def test_a_variation_that_leaves_no_room_for_the_options_is_refused() -> None:
    contract = awarded()
    with pytest.raises(BeyondRecordedDates) as refused:
        contract.vary("Longer term", on(date(2010, 1, 1)), OFFICER, new_end_date=date(2199, 1, 1))
    assert refused.value.field == "newEndDate"
    with pytest.raises(InvalidInput) as refused_value:
        contract.vary("Dearer", on(date(2010, 1, 1)), OFFICER, new_value=Decimal("Infinity"))
    assert refused_value.value.field == "newValue"


def test_extending_a_contract_recorded_before_the_limits_is_refused_not_overflowed() -> None:
    # Built straight from its event, as one written before the limits loads.
    contract = Contract(
        reference="OLD/1",
        title="Old",
        supplier="SX3",
        authority="Burnley Borough Council",
        start_date=date(2004, 12, 1),
        end_date=date(9999, 12, 31),
        notice_period_days=90,
        value=None,
        extension_options_months=[12],
        head_contract_reference=None,
        effective_date=date(2004, 12, 1),
        source="Executive minutes",
        recorded_by="Rob Dobson",
        recorded_by_authority="Burnley Borough Council",
        recorded_by_id="rob-dobson",
    )
    with pytest.raises(BeyondRecordedDates) as refused:
        contract.extend(on(date(2010, 1, 1)), OFFICER)
    assert refused.value.code == "beyond_recorded_dates"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("notice_period_days", 2_147_483_647),
        ("value", "NaN"),
        ("value", "1E+400"),
        ("title", "x" * 501),
        ("title", "bad\x07bell"),
    ],
)
def test_a_correction_is_checked_like_the_original(field: str, value: object) -> None:
    contract = awarded()
    with pytest.raises(InvalidInput) as refused:
        contract.correct(1, field, value, "Typed wrongly", on(date(2010, 1, 1)), OFFICER)
    assert refused.value.field == "value"


def test_who_recorded_and_the_paper_are_held_to_their_limits() -> None:
    with pytest.raises(InvalidInput) as refused:
        Contract.award(terms(), on(date(2004, 12, 1), "P" * (SOURCE_MAX + 1)), OFFICER)
    assert refused.value.field == "source"
    with pytest.raises(InvalidInput) as refused:
        Contract.award(terms(), on(date(2004, 12, 1)), Actor("Rob\x00", "Burnley", "rob-dobson"))
    assert refused.value.field == "recordedBy"
    with pytest.raises(InvalidInput) as refused:
        check_provenance(on(date(1, 1, 1)), datetime(2011, 1, 1, tzinfo=UTC))
    assert refused.value.field == "effectiveDate"
