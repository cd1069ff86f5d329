"""The decisions register: each meeting's attendance and rule, and every decision with its outcome.

A decision's outcome is computed here with the meeting's own copy of the body's rule, exactly as
`Meeting.outcome` computes it (with `as_of=None`: the response window is taken as closed).
"""

from collections.abc import Sequence
from functools import singledispatchmethod
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from partnership.limits import DECISION_NUMBER_MAX, NAME_MAX, REFERENCE_MAX
from partnership.meetings import CANCELLED, HELD, NO_RULE_RECORDED, PLANNED, Meeting
from partnership.voting import DecisionRule, tally
from projections.database import metadata
from projections.kit import ReadModel, RowSet
from projections.revised import follow_revision, withdrawn_column

meetings_register = Table(
    "meetings_register",
    metadata,
    Column("meeting_id", String(36), primary_key=True),
    # The body's owner, as its meetings are addressed: the partnership, or for an authority's
    # own body the authority, which `authority` then names too (None for a partnership's).
    Column("partnership", String(NAME_MAX), nullable=False),
    Column("authority", String(NAME_MAX)),
    Column("body", String(NAME_MAX), nullable=False),
    Column("meeting_date", Date, nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("attendees", Integer, nullable=False),
    Column("apologies", Integer, nullable=False),
    # Who the minutes list, as they list them: [{"person", "authority", "role"}] present and
    # [{"person", "authority"}] absent with apologies; [] until the meeting is held.
    Column("attendee_list", JSON, nullable=False),
    Column("apology_list", JSON, nullable=False),
    # [{"number", "title"}] in the order the items were recorded.
    Column("agenda", JSON, nullable=False),
    # None: the minutes say nothing of interests; []: none were declared.
    Column("declarations", JSON),
    Column("members", JSON, nullable=False),
    Column("rule", JSON),
    withdrawn_column(),
    Column("last_position", BigInteger, nullable=False),
    Index("ix_meetings_register_body", "partnership", "body", "meeting_date"),
    # A partnership's meetings of every body, newest first.
    Index("ix_meetings_register_date", "partnership", "meeting_date"),
)

decisions_register = Table(
    "decisions_register",
    metadata,
    Column("meeting_id", String(36), primary_key=True),
    Column("decision", String(DECISION_NUMBER_MAX), primary_key=True),
    # As the meeting's: the body's owner, and the authority when the body is its own.
    Column("partnership", String(NAME_MAX), nullable=False),
    Column("authority", String(NAME_MAX)),
    Column("body", String(NAME_MAX), nullable=False),
    Column("meeting_date", Date, nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("item", String(REFERENCE_MAX), nullable=False),
    Column("form", String(20), nullable=False),
    Column("wording", Text, nullable=False),
    Column("votes", JSON, nullable=False),
    Column("electronic_responses", JSON, nullable=False),
    Column("outcome", String(40), nullable=False),
    Column("votes_for", Integer, nullable=False),
    Column("votes_against", Integer, nullable=False),
    Column("abstentions", Integer, nullable=False),
    Column("supersedes", JSON),
    Column("superseded_by", JSON),
    Column("superseded_how", String(20)),
    # Withdrawn as recorded in error (the decision's fact, or its whole meeting): it stays,
    # marked, and the registers leave it out of what they answer unless asked.
    withdrawn_column(),
    # Where the decision was first recorded: its place in the minutes, since "10.1" < "6.1".
    Column("recorded_position", BigInteger, nullable=False),
    Column("last_position", BigInteger, nullable=False),
    # Decisions of a body, newest meeting first.
    Index("ix_decisions_register_body", "partnership", "body", "meeting_date"),
    # A partnership's decisions by every body, newest meeting first.
    Index("ix_decisions_register_date", "partnership", "meeting_date"),
)

Row = dict[str, Any]


class DecisionsRegisterProjection(ReadModel):
    name = "decisions_register"
    # 3: facts corrected and withdrawn; a meeting or decision withdrawn in error, marked.
    # 4: meetings of an authority's own body, under the authority's name (`authority`).
    schema_version = 4
    tables: Sequence[Table] = (meetings_register, decisions_register)

    def __init__(self) -> None:
        self.meetings = RowSet(meetings_register, ("meeting_id",))
        self.decisions = RowSet(decisions_register, ("meeting_id", "decision"))
        super().__init__(self.meetings, self.decisions)

    @singledispatchmethod
    def wants(self, event: object) -> None:
        """Other events change no meeting."""

    @wants.register
    def _(self, event: Meeting.Event) -> None:
        key = str(event.originator_id)
        self.meetings.want((key,))
        # Every decision of a meeting changed: its outcomes are worked out afresh (finish).
        self.decisions.want_all_of(key)

    @wants.register
    def _(self, event: Meeting.Registered) -> None:
        """A new meeting, with no decisions yet: nothing to read."""

    @singledispatchmethod
    def apply(self, event: object, position: int) -> None:
        """Other events do not concern the registers."""

    @apply.register
    def _(self, event: Meeting.Registered, position: int) -> None:
        self.meetings.add(
            {
                "meeting_id": str(event.originator_id),
                "partnership": event.partnership or event.authority,
                "authority": event.authority,
                "body": event.body,
                "meeting_date": event.meeting_date,
                "sequence": event.sequence,
                "status": PLANNED,
                "attendees": 0,
                "apologies": 0,
                "attendee_list": [],
                "apology_list": [],
                "agenda": [],
                "declarations": None,
                "members": [],
                "rule": None,
                "withdrawn": False,
                "last_position": position,
            }
        )

    @apply.register
    def _(self, event: Meeting.Event, position: int) -> None:
        self._meeting(event, position)

    @apply.register
    def _(self, event: Meeting.Held, position: int) -> None:
        self._meeting(event, position).update(
            status=HELD,
            attendees=len(event.attendees),
            apologies=len(event.apologies),
            attendee_list=_plain(event.attendees),
            apology_list=_plain(event.apologies),
            declarations=_plain(event.declarations),
            members=list(event.members),
            rule=_plain(event.rule),
        )

    @apply.register
    def _(self, event: Meeting.Cancelled, position: int) -> None:
        self._meeting(event, position)["status"] = CANCELLED

    @apply.register
    def _(self, event: Meeting.Corrected, position: int) -> None:
        meeting = self._meeting(event, position)
        if event.field == "attendees":
            meeting.update(attendees=len(event.value), attendee_list=_plain(event.value))
        elif event.field == "apologies":
            meeting.update(apologies=len(event.value), apology_list=_plain(event.value))
        elif event.field == "declarations":
            meeting["declarations"] = _plain(event.value)

    @apply.register
    def _(self, event: Meeting.FactCorrected | Meeting.FactWithdrawn, position: int) -> None:
        """The meeting as the revision left it; its decisions as the meeting now holds them,
        one it no longer holds (or every one, the meeting withdrawn) marked withdrawn."""
        meeting = self._meeting(event, position)
        changes = event.changes
        follow_revision(meeting, changes, meetings_register, renamed=_MEETING_COLUMNS, kept=_KEPT)
        for people, count in (("attendees", "attendees"), ("apologies", "apologies")):
            if people in changes:
                meeting[count] = len(changes[people] or [])
        if "agenda" in changes:
            meeting["agenda"] = [
                {"number": number, "title": title} for number, title in changes["agenda"].items()
            ]
        decisions = changes.get("decisions")
        for decision in self.decisions.all_of(meeting["meeting_id"]):
            for part in ("partnership", "authority", "body", "meeting_date", "sequence"):
                decision[part] = meeting[part]
            if meeting["withdrawn"] or (
                decisions is not None and decision["decision"] not in decisions
            ):
                decision.update(withdrawn=True, last_position=position)
        for number, held in (decisions or {}).items():
            self._follow_decision(meeting, number, held, position)

    @apply.register
    def _(self, event: Meeting.AgendaItemRecorded, position: int) -> None:
        meeting = self._meeting(event, position)
        meeting["agenda"] = [*meeting["agenda"], {"number": event.number, "title": event.title}]

    @apply.register
    def _(self, event: Meeting.AgendaItemTitleCorrected, position: int) -> None:
        meeting = self._meeting(event, position)
        meeting["agenda"] = [
            {**item, "title": event.title} if item["number"] == event.number else item
            for item in meeting["agenda"]
        ]

    @apply.register
    def _(self, event: Meeting.DecisionRecorded, position: int) -> None:
        meeting = self._meeting(event, position)
        self.decisions.add(
            {
                **_decision_of(meeting, event.number),
                "item": event.item,
                "form": event.form,
                "wording": event.wording,
                "votes": dict(event.votes),
                "electronic_responses": {},
                "supersedes": _plain(event.supersedes),
                "superseded_by": None,
                "superseded_how": None,
                "recorded_position": position,
                "last_position": position,
            }
        )

    @apply.register
    def _(self, event: Meeting.ElectronicResponseRecorded, position: int) -> None:
        decision = self._decision(event, event.decision, position)
        response = {"vote": event.vote, "received_on": event.received_on.isoformat()}
        decision["electronic_responses"] = {
            **decision["electronic_responses"],
            event.authority: response,
        }

    @apply.register
    def _(self, event: Meeting.SupersessionRecorded, position: int) -> None:
        decision = self._decision(event, event.decision, position)
        decision["superseded_by"] = _plain(event.successor)
        decision["superseded_how"] = event.how

    @apply.register
    def _(self, event: Meeting.DecisionWordingCorrected, position: int) -> None:
        self._decision(event, event.decision, position)["wording"] = event.wording

    def _follow_decision(
        self, meeting: Row, number: str, held: dict[str, Any], position: int
    ) -> None:
        key = (meeting["meeting_id"], number)
        row = self.decisions.get(key)
        if row is None:
            row = self.decisions.add(
                {**_decision_of(meeting, number), "recorded_position": position}
            )
        changed = {
            "item": held["item"],
            "form": held["form"],
            "wording": held["wording"],
            "votes": _plain(held["votes"]),
            "electronic_responses": _plain(held["electronic_responses"]),
            "supersedes": _plain(held["supersedes"]),
            "superseded_by": _plain(held["superseded_by"]),
            "superseded_how": held["superseded_how"],
        }
        if any(row.get(name) != value for name, value in changed.items()):
            row.update(changed, last_position=position)

    def finish(self) -> None:
        # Only the decisions of meetings the batch touched are in the row set.
        for decision in self.decisions:
            decision.update(_outcome(self.meetings[(decision["meeting_id"],)], decision))

    def _meeting(self, event: Meeting.Event, position: int) -> Row:
        meeting = self.meetings[(str(event.originator_id),)]
        meeting["last_position"] = position
        return meeting

    def _decision(self, event: Meeting.Event, number: str, position: int) -> Row:
        self._meeting(event, position)
        decision = self.decisions[(str(event.originator_id), number)]
        decision["last_position"] = position
        return decision


# Where the register's column is named otherwise than the meeting's state.
_MEETING_COLUMNS = {"attendees": "attendee_list", "apologies": "apology_list"}
# What the register works out itself: counts, the agenda's order, the decisions' rows.
_KEPT = frozenset({"meeting_id", "agenda", "last_position"})


def _decision_of(meeting: Row, number: str) -> Row:
    """What a decision's row takes from its meeting."""
    return {
        "meeting_id": meeting["meeting_id"],
        "decision": number,
        "partnership": meeting["partnership"],
        "authority": meeting["authority"],
        "body": meeting["body"],
        "meeting_date": meeting["meeting_date"],
        "sequence": meeting["sequence"],
        "withdrawn": meeting["withdrawn"],
    }


def _outcome(meeting: dict[str, Any], decision: dict[str, Any]) -> dict[str, Any]:
    """As `Meeting.outcome(number)` gives it, from the rule copied at the meeting."""
    rule = NO_RULE_RECORDED if meeting["rule"] is None else DecisionRule.from_dict(meeting["rule"])
    electronic = {a: r["vote"] for a, r in decision["electronic_responses"].items()}
    counted = tally(
        rule,
        list(meeting["members"]),
        decision["votes"],
        electronic,
        meeting["meeting_date"],
        None,
    )
    return {
        "outcome": counted.outcome,
        "votes_for": counted.votes_for,
        "votes_against": counted.votes_against,
        "abstentions": counted.abstentions,
    }


def _plain(value: Any) -> Any:
    """A JSON-ready copy, so that what is compared is what the database hands back."""
    if value is None:
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
