"""Supplier meetings read back over real HTTP: what the mutations record (attendees on both
sides, topics as corrected, actions raised and closed, issues escalated) is what
`supplierMeetings` gives back; a supplier matches in any case and spacing, and one not met is a
coded refusal."""

import pytest

from projections.runtime import Runtime
from tests.api.conftest import GraphQLClient
from tests.api.test_domain_mutations import paper, recorded
from tests.api.test_projects_inquiries_api import refusal

pytestmark = pytest.mark.store_agnostic

LSSCC = "Lancashire Shared Services Contact Centre"
LCC = "Lancashire County Council"
CHORLEY = "Chorley Borough Council"
SUPPLIER = "Capita Business Services"
KICK_OFF = {"supplier": SUPPLIER, "meetingDate": "2011-08-15", "title": "Telephony kick-off"}
REVIEW = {"supplier": SUPPLIER, "meetingDate": "2011-08-29", "title": "Telephony review"}

MEETINGS = """
query Meetings($supplier: String, $from: Date, $to: Date, $after: String) {
  supplierMeetings(
    supplier: $supplier, from: $from, to: $to, asOf: "2011-09-01", first: 1, after: $after
  ) {
    edges { node {
      supplier meetingDate title
      authorityAttendees { person authority }
      supplierAttendees topics
      actions {
        supplier meetingDate meetingTitle number text owner ownerSide dueDate status closedOn
        outcome overdue daysOverdue
      }
      escalations { number text toBody effectiveDate }
    } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def record_meetings(client: GraphQLClient) -> None:
    recorded(
        client,
        "recordSupplierMeeting",
        **KICK_OFF,
        authorityAttendees=[
            {"person": "Ruth Hawes", "authority": "lancashire county council"},
            {"person": "Sam Patel", "authority": CHORLEY},
        ],
        supplierAttendees=["Account manager", "Telephony lead"],
        topics=["Telephony"],
        **paper("2011-08-15", "Notes of the kick-off, 15 August 2011"),
    )
    recorded(
        client,
        "correctSupplierMeeting",
        **KICK_OFF,
        correctsVersion=1,
        field="TOPICS",
        topics=["Telephony", "Training"],
        reason="The notes list two topics.",
        **paper("2011-08-16"),
    )
    recorded(
        client,
        "raiseSupplierAction",
        **KICK_OFF,
        text="Send the test plan",
        owner=SUPPLIER,
        ownerSide="SUPPLIER",
        dueDate="2011-08-25",
        **paper("2011-08-15"),
    )
    recorded(
        client,
        "raiseSupplierAction",
        **KICK_OFF,
        text="Book the training room",
        owner="Ruth Hawes",
        ownerSide="AUTHORITY",
        **paper("2011-08-15"),
    )
    recorded(
        client,
        "closeSupplierAction",
        **KICK_OFF,
        number="2",
        outcome="Room booked",
        **paper("2011-08-20"),
    )
    recorded(
        client,
        "escalateSupplierIssue",
        **KICK_OFF,
        text="Telephony go-live at risk",
        partnership=LSSCC,
        toBody="programme board",
        **paper("2011-08-22"),
    )
    recorded(
        client,
        "recordSupplierMeeting",
        **REVIEW,
        authorityAttendees=[{"person": "Ruth Hawes", "authority": LCC}],
        supplierAttendees=[],
        topics=[],
        **paper("2011-08-29"),
    )


KICK_OFF_READ = {
    "supplier": SUPPLIER,
    "meetingDate": "2011-08-15",
    "title": "Telephony kick-off",
    "authorityAttendees": [
        {"person": "Ruth Hawes", "authority": LCC},
        {"person": "Sam Patel", "authority": CHORLEY},
    ],
    "supplierAttendees": ["Account manager", "Telephony lead"],
    "topics": ["Telephony", "Training"],
    "actions": [
        {
            "supplier": SUPPLIER,
            "meetingDate": "2011-08-15",
            "meetingTitle": "Telephony kick-off",
            "number": "1",
            "text": "Send the test plan",
            "owner": SUPPLIER,
            "ownerSide": "SUPPLIER",
            "dueDate": "2011-08-25",
            "status": "OPEN",
            "closedOn": None,
            "outcome": None,
            "overdue": True,
            "daysOverdue": 7,
        },
        {
            "supplier": SUPPLIER,
            "meetingDate": "2011-08-15",
            "meetingTitle": "Telephony kick-off",
            "number": "2",
            "text": "Book the training room",
            "owner": "Ruth Hawes",
            "ownerSide": "AUTHORITY",
            "dueDate": None,
            "status": "CLOSED",
            "closedOn": "2011-08-20",
            "outcome": "Room booked",
            "overdue": False,
            "daysOverdue": None,
        },
    ],
    "escalations": [
        {
            "number": "1",
            "text": "Telephony go-live at risk",
            "toBody": "Programme Board",
            "effectiveDate": "2011-08-22",
        }
    ],
}
REVIEW_READ = {
    "supplier": SUPPLIER,
    "meetingDate": "2011-08-29",
    "title": "Telephony review",
    "authorityAttendees": [{"person": "Ruth Hawes", "authority": LCC}],
    "supplierAttendees": [],
    "topics": [],
    "actions": [],
    "escalations": [],
}


def test_supplier_meetings_recorded_through_the_api_are_read_back_whole(
    example: Runtime, client: GraphQLClient
) -> None:
    record_meetings(client)
    asked = {"supplier": f"  {SUPPLIER.upper()} "}

    first = client.data(MEETINGS, asked)["supplierMeetings"]
    assert first["pageInfo"]["hasNextPage"]
    rest = client.data(MEETINGS, {**asked, "after": first["pageInfo"]["endCursor"]})
    assert not rest["supplierMeetings"]["pageInfo"]["hasNextPage"]
    listed = [e["node"] for e in first["edges"] + rest["supplierMeetings"]["edges"]]
    # Newest first.
    assert listed == [REVIEW_READ, KICK_OFF_READ]

    ranged = {**asked, "from": "2011-08-01", "to": "2011-08-20"}
    assert [e["node"] for e in client.data(MEETINGS, ranged)["supplierMeetings"]["edges"]] == [
        KICK_OFF_READ
    ]


def test_an_unknown_supplier_or_a_backward_range_is_a_coded_refusal(
    example: Runtime, client: GraphQLClient
) -> None:
    assert refusal(client, MEETINGS, {"supplier": "Nobody Ltd"})[0] == "supplier_not_found"
    backward = {"from": "2011-08-20", "to": "2011-08-01"}
    assert refusal(client, MEETINGS, backward)[0] == "invalid_input"
