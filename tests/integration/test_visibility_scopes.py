"""Where a change would land, on both stores: each target's partnership, body and authorities
as registered, however the name is spelled, and None for a target not on record."""

from datetime import date

import pytest
from sqlalchemy import Connection

from partnership.alerts import MILESTONE_OVERDUE, RECOMMENDATION_STALE, RENEWAL
from partnership.domain import InvalidInput, normalise_key
from projections.read import EVERYTHING, Visibility, alerts_as_of
from projections.read.names import SupplierNotFound, suppliers_named
from projections.read.scopes import (
    Scope,
    contract_parties,
    scope_of_alert,
    scope_of_body,
    scope_of_contract,
    scope_of_meeting,
    scope_of_new_contract,
    scope_of_partnership,
    scope_of_project,
    scope_of_scrutiny_body,
    scope_of_supplier_escalation,
    scope_of_supplier_meeting,
)
from tests.integration.test_visibility import (
    AS_OF,
    ASHDALE,
    ASHDALE_PANEL,
    BROOKFIELD,
    BROOKFIELD_PANEL,
    COUNTY,
    JOINT_COMMITTEE,
    MEETING_DAY,
    PART_A,
    PART_B,
    RULES,
    SUPPLIER,
    WESTMOOR,
    reader,
)

__all__ = ["reader"]  # the record every test here reads


def test_partnership_body_meeting_and_project(reader: Connection) -> None:
    assert scope_of_partnership(reader, PART_A.lower()) == Scope(PART_A, None)
    assert scope_of_partnership(reader, "No Such Partnership") is None

    # Two partnerships each have a Joint Committee: the partnership tells them apart.
    assert scope_of_body(reader, PART_B, "joint  committee") == Scope(PART_B, JOINT_COMMITTEE)
    assert scope_of_body(reader, PART_A, JOINT_COMMITTEE) == Scope(PART_A, JOINT_COMMITTEE)
    assert scope_of_body(reader, PART_A, "Programme Board") is None
    assert scope_of_body(reader, "No Such Partnership", JOINT_COMMITTEE) is None

    assert scope_of_meeting(reader, PART_A, JOINT_COMMITTEE, MEETING_DAY) == Scope(
        PART_A, JOINT_COMMITTEE
    )
    assert scope_of_meeting(reader, PART_A, JOINT_COMMITTEE, MEETING_DAY, 2) is None
    assert scope_of_meeting(reader, PART_A, JOINT_COMMITTEE, date(2010, 3, 2)) is None

    assert scope_of_project(reader, PART_B, "BROOKFIELD HUB") == Scope(PART_B, None)
    assert scope_of_project(reader, PART_A, "Brookfield Hub") is None


def test_contracts_and_their_parties(reader: Connection) -> None:
    assert scope_of_contract(reader, "ash/1") == Scope(None, None, frozenset({ASHDALE}))
    # Back-to-back: the head contract's authority is party to it too.
    assert scope_of_contract(reader, "BRK/2") == Scope(None, None, frozenset({BROOKFIELD, COUNTY}))
    assert scope_of_contract(reader, "NONE/1") is None

    assert scope_of_new_contract(reader, "ashdale district council", None) == Scope(
        None, None, frozenset({ASHDALE})
    )
    # Back-to-back, only the awarding authority: the head contract's does not award it.
    assert scope_of_new_contract(reader, WESTMOOR, "ncc/1") == Scope(
        None, None, frozenset({WESTMOOR})
    )
    assert scope_of_new_contract(reader, WESTMOOR, "NONE/1") is None
    # An authority never registered stands as given: a contract may name one.
    assert scope_of_new_contract(reader, "Far  Away Council", None) == Scope(
        None, None, frozenset({"Far Away Council"})
    )

    assert contract_parties(reader, ["ASH/2", "brk/1", "NONE/1"]) == {
        "ASH/2": frozenset({normalise_key(ASHDALE), normalise_key(COUNTY)}),
        "brk/1": frozenset({normalise_key(BROOKFIELD)}),
    }
    assert contract_parties(reader, []) == {}


def test_scrutiny_body_and_supplier_meeting(reader: Connection) -> None:
    # A scrutiny body is registered nowhere and belongs to no partnership.
    assert scope_of_scrutiny_body(reader, ASHDALE_PANEL.upper()) == Scope(None, ASHDALE_PANEL)
    assert scope_of_scrutiny_body(reader, "No Such Panel") is None

    meeting = (SUPPLIER, date(2011, 2, 2), "Brookfield service review")
    assert scope_of_supplier_meeting(reader, *meeting) == Scope(None, None, frozenset({BROOKFIELD}))
    assert scope_of_supplier_meeting(reader, SUPPLIER, date(2011, 2, 3), meeting[2]) is None

    # An issue goes up only to a partnership an attending authority is a member of.
    assert scope_of_supplier_escalation(reader, *meeting, PART_B.upper()) == Scope(
        None, None, frozenset({BROOKFIELD})
    )
    assert scope_of_supplier_escalation(reader, *meeting, PART_A) == Scope(None, None)
    assert (
        scope_of_supplier_escalation(reader, SUPPLIER, date(2011, 2, 3), meeting[2], PART_B) is None
    )


def test_alerts(reader: Connection) -> None:
    standing = alerts_as_of(reader, AS_OF, RULES, include_acknowledged=True)
    found = {
        (alert.row["category"], alert.row["partnership"], alert.row["contract_reference"]): alert
        for alert in standing
    }
    brookfield_milestone = found[(MILESTONE_OVERDUE, PART_B, None)]
    assert scope_of_alert(reader, brookfield_milestone.key) == Scope(
        PART_B, None, frozenset({COUNTY})
    )
    renewal = found[(RENEWAL, None, "ASH/2")]
    assert scope_of_alert(reader, renewal.key) == Scope(None, None, frozenset({ASHDALE, COUNTY}))
    stale = [alert for alert in standing if alert.row["category"] == RECOMMENDATION_STALE]
    # A recommendation's alert lies with the scrutiny body that made it.
    assert {scope_of_alert(reader, alert.key) for alert in stale} == {
        Scope(None, ASHDALE_PANEL, frozenset({ASHDALE})),
        Scope(None, BROOKFIELD_PANEL, frozenset({BROOKFIELD})),
    }
    assert scope_of_alert(reader, "renewal:NONE/1:2011-08-04") is None


def test_a_name_no_database_can_compare_is_refused(reader: Connection) -> None:
    with pytest.raises(InvalidInput) as refused:
        scope_of_contract(reader, "ASH\x00/1")
    assert refused.value.field == "reference"


def test_a_supplier_is_found_by_any_spelling_among_the_meetings_seen(reader: Connection) -> None:
    # Two meetings with the supplier, each attended by one district.
    assert suppliers_named(reader, f"  {SUPPLIER.upper()} ", EVERYTHING) == [SUPPLIER]
    brookfield = Visibility(False, authorities=frozenset({BROOKFIELD}))
    assert suppliers_named(reader, SUPPLIER, brookfield) == [SUPPLIER]
    with pytest.raises(SupplierNotFound):
        suppliers_named(reader, SUPPLIER, Visibility(False, authorities=frozenset({WESTMOOR})))
