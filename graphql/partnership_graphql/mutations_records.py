"""The record a change was made to, as it now reads: what `Recorded.record` answers.

A command's result names the changed record by id; what kind it is, and the names the
questions find it by, come from the read models (`projections.read.records`). The record is
then read by the same read function, and built into the same type, as the question for its
kind, narrowed alike to what the person asking may see (worked out again after the change,
which may have widened it).
"""

from datetime import date
from typing import Annotated
from uuid import UUID

import sqlalchemy
import strawberry
from strawberry.types import Info

from partnership.domain import NotFound
from partnership_graphql.alerts import Alert
from partnership_graphql.governing_bodies import GoverningBody
from partnership_graphql.inquiries import Inquiry
from partnership_graphql.partnerships import Authority, Partnership
from partnership_graphql.people import Person
from partnership_graphql.practices import Practice
from partnership_graphql.projects import Project
from partnership_graphql.read_whole import day_asked, read_as_asked
from partnership_graphql.register_types import Meeting
from partnership_graphql.supplier_meetings import SupplierMeeting
from partnership_graphql.types import Contract
from projections import read
from projections.read.bodies import body_by_id
from projections.read.practices import practice_by_id
from projections.read.projects import project_by_id
from projections.read.records import Created, authority_by_id, created, supplier_meeting_by_id

ChangedRecord = Annotated[
    Contract
    | Authority
    | Partnership
    | GoverningBody
    | Meeting
    | Project
    | Inquiry
    | SupplierMeeting
    | Practice
    | Person
    | Alert,
    strawberry.union(
        "ChangedRecord", description="A record a change was made to, read back as it now reads."
    ),
]

Found = (
    Contract
    | Authority
    | Partnership
    | GoverningBody
    | Meeting
    | Project
    | Inquiry
    | SupplierMeeting
    | Practice
    | Person
    | Alert
)


async def record_as_it_reads(info: Info, aggregate_id: UUID) -> Found | None:
    """The record `aggregate_id` as the question for its kind answers it; None if the person
    asking may not see it, or it is of no kind read back alone."""
    today = day_asked(info, None)

    def question(conn: sqlalchemy.Connection, seen: read.Visibility) -> Found | None:
        facts = created(conn, aggregate_id)
        if facts is None:
            return None
        try:
            return _read(conn, facts, seen, today)
        except NotFound:
            # A record is found by the names of what it belongs to, which may be unseen.
            return None

    return await read_as_asked(info, question)


def _read(
    conn: sqlalchemy.Connection, facts: Created, seen: read.Visibility, today: date
) -> Found | None:
    kind, key = facts.kind, facts.aggregate_id
    if kind == "contract":
        contract = read.contract_by_id(conn, key, visible=seen)
        return None if contract is None else Contract.from_row(contract)
    if kind == "authority":
        authority = authority_by_id(conn, key, seen)
        if authority is None:
            return None
        held = read.memberships_of(conn, [authority["name"]], visible=seen)
        return Authority.from_row(authority, held.get(authority["name"], []))
    if kind == "partnership" and facts.title is not None:
        partnership = read.partnership_named(conn, facts.title, seen)
        return None if partnership is None else Partnership.from_row(partnership)
    if kind == "body":
        body = body_by_id(conn, key, seen)
        return None if body is None else GoverningBody.from_row(body)
    if kind == "meeting":
        meeting = read.meetings_by_id(conn, [key], visible=seen).get(key)
        return None if meeting is None else Meeting.from_row(meeting, today)
    if kind == "project":
        # By id: an authority's own project has no partnership to name it by.
        project = project_by_id(conn, key, visible=seen)
        return None if project is None else Project.from_row(project, today)
    if kind == "inquiry" and facts.body is not None and facts.title is not None:
        inquiry = read.inquiry_named(conn, facts.body, facts.title, visible=seen)
        return None if inquiry is None else Inquiry.from_row(inquiry)
    if kind == "supplier_meeting":
        met = supplier_meeting_by_id(conn, key, seen)
        if met is None:
            return None
        actions = read.actions_of_meetings(conn, [key]).get(key, [])
        return SupplierMeeting.from_row(met, actions, today)
    if kind == "practice":
        practice = practice_by_id(conn, key, seen)
        return None if practice is None else Practice.from_row(practice)
    if kind == "person" and seen.everything:
        # People are for those who see the whole record, as the people questions are.
        person = read.person_by_id(conn, key)
        if person is None:
            return None
        return Person.from_row(person, read.grants_of(conn, [key]).get(key, []))
    # An alert is read by its key and day, which its acknowledgement answers with itself.
    return None
