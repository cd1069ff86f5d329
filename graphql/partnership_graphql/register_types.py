"""The registers as GraphQL types: decisions and meetings, milestones, recommendations, actions.

What a row links to (a decision's meeting, the decision that superseded it, a meeting's
decisions) is fetched through the request's loaders, so a page of rows and its links cost a
fixed number of statements however many rows the page holds.
"""

from datetime import date, timedelta
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from partnership import meetings, projects, supplier_meetings, voting
from partnership.global_ids import Kind
from partnership.meetings import NO_RULE_RECORDED
from partnership.voting import DecisionRule, tally
from partnership_graphql.context import Row, context_of
from partnership_graphql.meeting_minutes import (
    AgendaItem,
    Apology,
    Attendee,
    agenda_of,
    apologies_of,
    attendees_of,
)
from partnership_graphql.mutations_governance import VotingRule
from partnership_graphql.mutations_meetings import DecisionForm, ResponseVote, Supersession, Vote
from partnership_graphql.mutations_scrutiny import RecommendationStatus
from partnership_graphql.mutations_suppliers import OwnerSide
from partnership_graphql.nodes import Node, node_id
from partnership_graphql.types import PaperDateValue


@strawberry.enum(description="Whether a meeting has happened.")
class MeetingStatus(Enum):
    PLANNED = strawberry.enum_value(meetings.PLANNED, description="On the record ahead of it.")
    HELD = strawberry.enum_value(meetings.HELD, description="Held; its minutes are recorded.")
    CANCELLED = strawberry.enum_value(meetings.CANCELLED, description="Called off.")


@strawberry.enum(description="Whether a decision carried, by the rule the body had that day.")
class DecisionOutcome(Enum):
    CARRIED = strawberry.enum_value(voting.CARRIED, description="The votes carried it.")
    NOT_CARRIED = strawberry.enum_value(voting.NOT_CARRIED, description="The votes did not.")
    INQUORATE = strawberry.enum_value(
        voting.INQUORATE, description="Too few members took part for the vote to count."
    )
    AWAITING_RESPONSES = strawberry.enum_value(
        voting.AWAITING_RESPONSES,
        description="Absent members may still respond electronically; not yet decided.",
    )
    AS_RECORDED = strawberry.enum_value(
        voting.AS_RECORDED,
        description="The minutes record the decision without votes: it stands as they say.",
    )


@strawberry.enum(description="Where a milestone stands.")
class MilestoneStatus(Enum):
    PLANNED = strawberry.enum_value(projects.PLANNED, description="Still to be reached.")
    ACHIEVED = strawberry.enum_value(projects.ACHIEVED, description="Reached.")
    MISSED = strawberry.enum_value(
        projects.MISSED, description="Recorded as not met on its due date."
    )


@strawberry.enum(description="Whether an action from a supplier meeting is still to be done.")
class SupplierActionStatus(Enum):
    OPEN = strawberry.enum_value(supplier_meetings.ACTION_OPEN, description="Still to be done.")
    CLOSED = strawberry.enum_value(supplier_meetings.ACTION_CLOSED, description="Done with.")


# Decisions and meetings


@strawberry.type(description="How one member authority voted at the meeting.")
class AuthorityVote:
    authority: str = strawberry.field(description="The member authority.")
    vote: Vote = strawberry.field(description="How it voted, or ABSENT if it was not there.")


@strawberry.type(description="An absent member's vote, received after the meeting.")
class ElectronicResponse:
    authority: str = strawberry.field(description="The member authority that was absent.")
    vote: ResponseVote = strawberry.field(description="How it voted, by e-mail or the like.")
    received_on: date = strawberry.field(description="The day its response arrived.")


@strawberry.type(description="An interest a person declared at the meeting.")
class Declaration:
    person: str = strawberry.field(description="Who declared it.")
    item: str = strawberry.field(description="The agenda item it concerned.")
    interest: str = strawberry.field(description="The interest, as the minutes give it.")


@strawberry.type(
    description="The decision rule the body had on the meeting date; the meeting keeps its "
    "own copy, so a later change of rule never changes its outcomes."
)
class MeetingDecisionRule:
    quorum: int = strawberry.field(
        description="How many member authorities had to take part for a vote to count."
    )
    voting: VotingRule = strawberry.field(description="How the votes decided a question.")
    electronic_response_days: int | None = strawberry.field(
        description="Days after the meeting absent members had to respond; null if they "
        "could not respond electronically."
    )
    responses_due_by: date | None = strawberry.field(
        description="The last day absent members could respond; null if they could not."
    )


async def _meeting_row(info: Info, meeting_id: str) -> Row:
    row = await context_of(info).loaders.meeting.load(meeting_id)
    if row is None:
        raise LookupError(f"meeting {meeting_id} is missing from the register")
    return row


@strawberry.type(description="A meeting of a governing body, planned, held or cancelled.")
class Meeting(Node):
    partnership: str = strawberry.field(
        description="The partnership whose body met; for an authority's own body, the authority."
    )
    body: str = strawberry.field(description="The governing body that met.")
    meeting_date: date = strawberry.field(description="The day of the meeting.")
    sequence: int = strawberry.field(
        description="Which of the body's meetings that day: 1, or 2 for a second that day."
    )
    status: MeetingStatus = strawberry.field(description="Planned, held or cancelled.")
    withdrawn: bool = strawberry.field(
        description="Withdrawn as recorded in error: kept on the record, marked, with its "
        "decisions."
    )
    attendee_count: int = strawberry.field(description="How many people the minutes list present.")
    apology_count: int = strawberry.field(description="How many sent apologies.")
    attendees: list[Attendee] = strawberry.field(
        description="Who the minutes list as present, in their order; empty until it is held."
    )
    apologies: list[Apology] = strawberry.field(
        description="Who the minutes list as absent with apologies, in their order."
    )
    agenda: list[AgendaItem] = strawberry.field(
        description="The items on its agenda, in the order they were recorded."
    )
    declarations: list[Declaration] | None = strawberry.field(
        description="Interests declared; an empty list if none were, null if the minutes "
        "say nothing of interests."
    )
    members: list[str] = strawberry.field(
        description="The body's member authorities on the meeting date: who could vote."
    )
    rule: MeetingDecisionRule | None = strawberry.field(
        description="The decision rule the meeting was bound by; null if the body had none "
        "recorded (votes then carry by a simple majority of those cast)."
    )
    meeting_id: strawberry.Private[str]
    as_of: strawberry.Private[date]

    @strawberry.field(description="What the meeting decided, in the order of its minutes.")
    async def decisions(self, info: Info) -> list["Decision"]:
        rows = await context_of(info).loaders.decisions_of_meeting.load(self.meeting_id)
        return [Decision.from_row(row, self.as_of) for row in rows]

    @classmethod
    def from_row(cls, row: Row, as_of: date) -> "Meeting":
        rule = row["rule"]
        return cls(
            id=node_id(Kind.MEETING, row["meeting_id"]),
            partnership=row["partnership"],
            body=row["body"],
            meeting_date=row["meeting_date"],
            sequence=row["sequence"],
            status=MeetingStatus(row["status"]),
            withdrawn=bool(row.get("withdrawn")),
            attendee_count=row["attendees"],
            apology_count=row["apologies"],
            attendees=attendees_of(row["attendee_list"]),
            apologies=apologies_of(row["apology_list"]),
            agenda=agenda_of(row["agenda"]),
            declarations=None
            if row["declarations"] is None
            else [Declaration(**declared) for declared in row["declarations"]],
            members=list(row["members"]),
            rule=None if rule is None else _rule(rule, row["meeting_date"]),
            meeting_id=row["meeting_id"],
            as_of=as_of,
        )


def _rule(rule: dict[str, Any], meeting_date: date) -> MeetingDecisionRule:
    days = rule.get("electronic_response_days")
    return MeetingDecisionRule(
        quorum=rule["quorum"],
        voting=VotingRule(rule["voting"]),
        electronic_response_days=days,
        responses_due_by=None if days is None else meeting_date + timedelta(days=days),
    )


@strawberry.type(description="Which decision: the body, the meeting date and its number.")
class DecisionReference:
    number: str = strawberry.field(description="The decision's number in those minutes.")
    meeting_id: strawberry.Private[str]
    as_of: strawberry.Private[date]

    @strawberry.field(description="The body that made it.")
    async def body(self, info: Info) -> str:
        return str((await _meeting_row(info, self.meeting_id))["body"])

    @strawberry.field(description="The date of the meeting that made it.")
    async def meeting_date(self, info: Info) -> date:
        day: date = (await _meeting_row(info, self.meeting_id))["meeting_date"]
        return day

    @strawberry.field(description="The decision itself.")
    async def decision(self, info: Info) -> "Decision":
        row = await context_of(info).loaders.decision.load((self.meeting_id, self.number))
        if row is None:
            raise LookupError(f"decision {self.number} of {self.meeting_id} is missing")
        return Decision.from_row(row, self.as_of)

    @classmethod
    def to(cls, key: dict[str, str] | None, as_of: date) -> "DecisionReference | None":
        if key is None:
            return None
        return cls(number=key["decision"], meeting_id=key["meeting_id"], as_of=as_of)


@strawberry.type(
    description="A decision of a governing body as its minutes record it: the words, who "
    "voted how, and whether it carried. Decisions are superseded, never erased."
)
class Decision(Node):
    partnership: str = strawberry.field(
        description="The partnership whose body made it; for an authority's own body, the "
        "authority."
    )
    body: str = strawberry.field(description="The governing body that made it.")
    meeting_date: date = strawberry.field(description="The date of the meeting that made it.")
    number: str = strawberry.field(
        description="Its number in the minutes: the agenda item, then its place under it "
        "(5.1 is the first decision under item 5)."
    )
    item: str = strawberry.field(description="The agenda item it was made under.")
    form: DecisionForm = strawberry.field(
        description="How the minutes word it: RESOLVED, AGREED or NOTED."
    )
    wording: str = strawberry.field(description="The decision in the minutes' own words.")
    withdrawn: bool = strawberry.field(
        description="Withdrawn as recorded in error (or with its meeting): kept on the record, "
        "marked; a withdrawn decision decides nothing."
    )
    votes: list[AuthorityVote] = strawberry.field(
        description="Each member authority's vote at the meeting; empty if the minutes record "
        "no votes."
    )
    electronic_responses: list[ElectronicResponse] = strawberry.field(
        description="Votes absent members sent in after the meeting, where the rule allowed."
    )
    votes_for: int = strawberry.field(
        description="Votes for, counting electronic responses received."
    )
    votes_against: int = strawberry.field(
        description="Votes against, counting electronic responses received."
    )
    abstentions: int = strawberry.field(
        description="Abstentions, counting electronic responses received."
    )
    supersedes: DecisionReference | None = strawberry.field(
        description="The earlier decision this one revised or superseded, if any."
    )
    superseded_by: DecisionReference | None = strawberry.field(
        description="The later decision that revised or superseded this one; null while this "
        "one stands."
    )
    superseded_how: Supersession | None = strawberry.field(
        description="Whether the later decision revised this one or replaced it whole."
    )
    meeting_id: strawberry.Private[str]
    as_of: strawberry.Private[date]
    cast: strawberry.Private[Row]

    @strawberry.field(description="The meeting that made it.")
    async def meeting(self, info: Info) -> Meeting:
        return Meeting.from_row(await _meeting_row(info, self.meeting_id), self.as_of)

    @strawberry.field(
        description="Whether it carried, by the rule the meeting was bound by, counting "
        "electronic responses received; AWAITING_RESPONSES while, on `asOf`, absent members "
        "may still respond."
    )
    async def outcome(self, info: Info) -> DecisionOutcome:
        meeting = await _meeting_row(info, self.meeting_id)
        rule = meeting["rule"]
        counted = tally(
            NO_RULE_RECORDED if rule is None else DecisionRule.from_dict(rule),
            list(meeting["members"]),
            self.cast["votes"],
            {a: r["vote"] for a, r in self.cast["electronic_responses"].items()},
            meeting["meeting_date"],
            self.as_of,
        )
        return DecisionOutcome(counted.outcome)

    @classmethod
    def from_row(cls, row: Row, as_of: date) -> "Decision":
        responses = row["electronic_responses"]
        return cls(
            id=node_id(Kind.DECISION, row["meeting_id"], row["decision"]),
            partnership=row["partnership"],
            body=row["body"],
            meeting_date=row["meeting_date"],
            number=row["decision"],
            item=row["item"],
            form=DecisionForm(row["form"]),
            wording=row["wording"],
            withdrawn=bool(row.get("withdrawn")),
            votes=[AuthorityVote(authority=a, vote=Vote(v)) for a, v in row["votes"].items()],
            electronic_responses=[
                ElectronicResponse(
                    authority=authority,
                    vote=ResponseVote(response["vote"]),
                    received_on=date.fromisoformat(response["received_on"]),
                )
                for authority, response in responses.items()
            ],
            votes_for=row["votes_for"],
            votes_against=row["votes_against"],
            abstentions=row["abstentions"],
            supersedes=DecisionReference.to(row["supersedes"], as_of),
            superseded_by=DecisionReference.to(row["superseded_by"], as_of),
            superseded_how=None
            if row["superseded_how"] is None
            else Supersession(row["superseded_how"]),
            meeting_id=row["meeting_id"],
            as_of=as_of,
            cast={"votes": row["votes"], "electronic_responses": responses},
        )


# Delivery


def _days_overdue(due: date | None, done_on: date | None, as_of: date) -> int | None:
    """Days past `due` on `as_of` if it was not done by then; None if it was not overdue."""
    done_by_then = done_on is not None and done_on <= as_of
    if due is None or done_by_then or as_of <= due:
        return None
    return (as_of - due).days


@strawberry.type(description="A change of a milestone's due date, with the reason given.")
class DueDateChange:
    due_date: date = strawberry.field(
        description="The due date from then on: the last day of `due`, the deadline."
    )
    due: PaperDateValue = strawberry.field(
        description="The due date from then on, as the paper gave it: 'September 2008'."
    )
    reason: str | None = strawberry.field(
        description="Why it moved; null for the date first planned."
    )
    changed_on: date = strawberry.field(
        description="When it was planned or replanned (the effective date of that change)."
    )


@strawberry.type(description="A project milestone: when it was first due, when it is due now.")
class Milestone:
    partnership: str = strawberry.field(
        description="The partnership running the project; for an authority's own project, the "
        "authority."
    )
    project: str = strawberry.field(description="The project it belongs to.")
    key: str = strawberry.field(description="The milestone's short key within its project.")
    title: str = strawberry.field(description="What is to be reached.")
    authority: str | None = strawberry.field(
        description="The partner it is for; null if it is for the whole project."
    )
    original_due_date: date = strawberry.field(description="The due date first planned.")
    current_due_date: date = strawberry.field(
        description="The due date now, after any slips: the last day of `due`, the deadline."
    )
    due: PaperDateValue = strawberry.field(
        description="The due date now, as the paper gives it (a day, a month, a year); it is "
        "overdue only after its last day."
    )
    due_date_history: list[DueDateChange] = strawberry.field(
        description="Every due date it has had, first planned to current, with the reasons."
    )
    slippage_days: int = strawberry.field(
        description="Days from the original to the current due date; negative if brought forward."
    )
    status: MilestoneStatus = strawberry.field(description="Planned, achieved or missed.")
    withdrawn: bool = strawberry.field(
        description="Whether it was withdrawn as recorded in error (its plan, or its whole "
        "project): it stays, marked, and is never overdue."
    )
    achieved_on: date | None = strawberry.field(description="When it was reached, if it was.")
    overdue: bool = strawberry.field(
        description="Past its current due date on `asOf` and not achieved by then."
    )
    days_overdue: int | None = strawberry.field(
        description="Days past its current due date on `asOf`; null unless overdue."
    )

    @classmethod
    def from_row(cls, row: Row, as_of: date) -> "Milestone":
        achieved_on = row["achieved_on"] if row["status"] == projects.ACHIEVED else None
        withdrawn = bool(row.get("withdrawn"))
        late = None if withdrawn else _days_overdue(row["current_due_date"], achieved_on, as_of)
        return cls(
            partnership=row["partnership"],
            project=row["project"],
            key=row["milestone_key"],
            title=row["title"],
            authority=row["authority"],
            original_due_date=row["original_due_date"],
            current_due_date=row["current_due_date"],
            due=PaperDateValue.stored(
                row["due_dates"][-1].get("due_when"), row["current_due_date"]
            ),
            due_date_history=[
                DueDateChange(
                    due_date=date.fromisoformat(change["due_date"]),
                    due=PaperDateValue.stored(
                        change.get("due_when"), date.fromisoformat(change["due_date"])
                    ),
                    reason=change["reason"],
                    changed_on=date.fromisoformat(change["effective_date"]),
                )
                for change in row["due_dates"]
            ],
            slippage_days=row["slippage_days"],
            status=MilestoneStatus(row["status"]),
            withdrawn=withdrawn,
            achieved_on=row["achieved_on"],
            overdue=late is not None,
            days_overdue=late,
        )


@strawberry.type(
    description="A scrutiny recommendation and how recently its progress was reported."
)
class Recommendation:
    body: str = strawberry.field(description="The scrutiny body whose inquiry made it.")
    inquiry: str = strawberry.field(description="The inquiry's title.")
    number: str = strawberry.field(description="Its number in the inquiry's report, e.g. 4a.")
    text: str = strawberry.field(description="The recommendation in the inquiry's words.")
    owner_authority: str | None = strawberry.field(
        description="The authority answering for it, if one is named."
    )
    status: RecommendationStatus = strawberry.field(
        description="Where it stands, as its latest progress update put it."
    )
    made_on: date = strawberry.field(description="When the inquiry made it.")
    withdrawn: bool = strawberry.field(
        description="Whether it was withdrawn as recorded in error (it, or its whole "
        "inquiry): it stays, marked."
    )
    last_update_on: date | None = strawberry.field(
        description="The date of its latest progress update; null if it has had none."
    )
    update_count: int = strawberry.field(description="How many progress updates it has had.")
    days_since_last_update: int | None = strawberry.field(
        description="Days from its latest update (or, lacking one, from when it was made) to "
        "`asOf`: how long it has gone unmonitored. Null if `asOf` is before that date, since "
        "the register keeps only the latest update."
    )

    @classmethod
    def from_row(cls, row: Row, as_of: date) -> "Recommendation":
        last = row["last_update_on"] or row["made_on"]
        return cls(
            body=row["body"],
            inquiry=row["inquiry_title"],
            number=row["number"],
            text=row["text"],
            owner_authority=row["owner_authority"],
            status=RecommendationStatus(row["status"]),
            made_on=row["made_on"],
            withdrawn=bool(row.get("withdrawn")),
            last_update_on=row["last_update_on"],
            update_count=row["updates"],
            days_since_last_update=None if as_of < last else (as_of - last).days,
        )


@strawberry.type(description="An action raised at a meeting with a supplier.")
class SupplierAction:
    supplier: str = strawberry.field(description="The supplier met, e.g. Northgate.")
    meeting_date: date = strawberry.field(description="The day of the meeting that raised it.")
    meeting_title: str = strawberry.field(description="The meeting's title, as recorded.")
    number: str = strawberry.field(description="Its number among the meeting's actions.")
    text: str = strawberry.field(description="What is to be done.")
    owner: str = strawberry.field(description="Who is to do it.")
    owner_side: OwnerSide = strawberry.field(
        description="Whether the authorities or the supplier owe it."
    )
    due_date: date | None = strawberry.field(
        description="When it is due, if a date was set: the last day of `due`, the deadline."
    )
    due: PaperDateValue | None = strawberry.field(
        description="When it is due as the paper gave it (a day, a month, a year), if set."
    )
    status: SupplierActionStatus = strawberry.field(description="Open or closed.")
    withdrawn: bool = strawberry.field(
        description="Whether it was withdrawn as recorded in error (it, or its whole "
        "meeting): it stays, marked, and is never overdue."
    )
    closed_on: date | None = strawberry.field(description="When it was closed, if it was.")
    outcome: str | None = strawberry.field(description="What came of it, once closed.")
    overdue: bool = strawberry.field(
        description="Past its due date on `asOf` and not closed by then."
    )
    days_overdue: int | None = strawberry.field(
        description="Days past its due date on `asOf`; null unless overdue."
    )

    @classmethod
    def from_row(cls, row: Row, as_of: date) -> "SupplierAction":
        closed_on = row["closed_on"] if row["status"] == supplier_meetings.ACTION_CLOSED else None
        withdrawn = bool(row.get("withdrawn"))
        late = None if withdrawn else _days_overdue(row["due_date"], closed_on, as_of)
        return cls(
            supplier=row["supplier"],
            meeting_date=row["meeting_day"],
            meeting_title=row["meeting_title"],
            number=row["number"],
            text=row["text"],
            owner=row["owner"],
            owner_side=OwnerSide(row["owner_side"]),
            due_date=row["due_date"],
            due=None
            if row["due_date"] is None
            else PaperDateValue.stored(row.get("due_when"), row["due_date"]),
            status=SupplierActionStatus(row["status"]),
            withdrawn=withdrawn,
            closed_on=row["closed_on"],
            outcome=row["outcome"],
            overdue=late is not None,
            days_overdue=late,
        )
