"""Meetings of a governing body: who came, what was on the agenda, and what was decided.

Decisions live inside their meeting, which keeps a copy of the body's member authorities and
decision rule as they stood on the meeting date: an outcome is judged by that copy, so a later
change of rule never rewrites it. Decisions are revised or superseded, never erased; both
sides of a supersession point at each other.
"""

from collections.abc import Mapping
from copy import deepcopy
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from partnership.domain import (
    Actor,
    AlreadyExists,
    Correctable,
    Correction,
    InvalidInput,
    NotFound,
    Provenance,
    RecordedEvent,
    RuleViolation,
    natural_id,
    normalise_key,
    require_text,
)
from partnership.limits import (
    DECISION_NUMBER_MAX,
    LIST_MAX,
    NAME_MAX,
    REFERENCE_MAX,
    TEXT_MAX,
    TITLE_MAX,
    check_date,
    check_list,
    check_whole_number,
)
from partnership.revisions import FactCorrection, FactWithdrawal, Revisable, RevisionBreaksRule
from partnership.voting import (
    ABSENT,
    ABSTAIN,
    AGAINST,
    FOR,
    MAJORITY_OF_VOTES_CAST,
    DecisionRule,
    Tally,
    check_votes,
    tally,
)

PLANNED = "planned"
HELD = "held"
CANCELLED = "cancelled"

RESOLVED = "RESOLVED"
AGREED = "AGREED"
NOTED = "NOTED"
DECISION_FORMS = (RESOLVED, AGREED, NOTED)

REVISED = "revised"
SUPERSEDED = "superseded"
SUPERSESSIONS = (REVISED, SUPERSEDED)

# Minutes from before the body had a recorded rule: any votes they give carry by a simple
# majority of the votes cast, with no quorum, since none is known, and no electronic responses.
NO_RULE_RECORDED = DecisionRule(quorum=0, voting=MAJORITY_OF_VOTES_CAST)


class MeetingNotFound(NotFound):
    code = "meeting_not_found"

    def __init__(self, body: str, day: date, sequence: int = 1) -> None:
        again = "" if sequence == 1 else f" (meeting {sequence} of the day)"
        super().__init__(f"There is no meeting of {body} on {day.isoformat()}{again}.", "body")


class MeetingAlreadyRecorded(AlreadyExists):
    code = "meeting_already_recorded"

    def __init__(self, body: str, day: date) -> None:
        super().__init__(
            f"A meeting of {body} on {day.isoformat()} is already on the record; "
            "a second meeting that day needs its own sequence number.",
            "meetingDate",
        )


class MeetingAlreadyHeld(RuleViolation):
    code = "meeting_already_held"


class MeetingCancelled(RuleViolation):
    code = "meeting_cancelled"


class MeetingNotHeld(RuleViolation):
    code = "meeting_not_held"


class EffectiveDateMismatch(InvalidInput):
    code = "effective_date_mismatch"


class PresentAndApologised(RuleViolation):
    code = "present_and_apologised"


class AgendaItemAlreadyRecorded(AlreadyExists):
    code = "agenda_item_already_recorded"


class AgendaItemNotFound(NotFound):
    code = "agenda_item_not_found"


class DecisionNotFound(NotFound):
    code = "decision_not_found"


class VoterNotPresent(RuleViolation):
    code = "voter_not_present"


class ElectronicResponsesNotAllowed(RuleViolation):
    code = "electronic_responses_not_allowed"


class DecisionHasNoVotes(RuleViolation):
    code = "decision_has_no_votes"


class NotAMember(InvalidInput):
    # Distinct from the partnership's not_a_member: this one is about who sat at a meeting.
    code = "not_a_member_at_meeting"


class MemberNotAbsent(RuleViolation):
    code = "member_not_absent"


class ElectronicResponseAlreadyRecorded(RuleViolation):
    code = "electronic_response_already_recorded"


class ResponseBeforeMeeting(InvalidInput):
    code = "response_before_meeting"


class ResponseAfterDeadline(RuleViolation):
    code = "response_after_deadline"


class DecisionAlreadySuperseded(RuleViolation):
    code = "decision_already_superseded"


class DecisionSupersedesItself(RuleViolation):
    code = "decision_supersedes_itself"


class SupersessionMismatch(RuleViolation):
    code = "supersession_mismatch"


class MeetingDateTaken(AlreadyExists):
    code = "meeting_date_taken"

    def __init__(self, body: str, day: date, sequence: int) -> None:
        again = "" if sequence == 1 else f" (meeting {sequence} of the day)"
        super().__init__(
            f"{body}'s place on {day.isoformat()}{again} is held by another meeting, or by one "
            "first recorded on that date whose date was corrected since; a meeting moved "
            "there needs another sequence number.",
            "value",
        )


def meeting_id(
    partnership: str | None, body: str, day: date, sequence: int = 1, authority: str | None = None
) -> UUID:
    """A meeting of a partnership's body, or (`partnership` None) of `authority`'s own body:
    the two are kept apart, as their bodies are, even where an authority and a partnership
    share a name."""
    if partnership is not None:
        owner, kind = partnership, "meeting"
    else:
        assert authority is not None, "a meeting is of a partnership's body or an authority's"
        owner, kind = authority, "authority_meeting"
    # Each part is normalised alone: a stray space next to a separator must not make a new key.
    key = f"{normalise_key(owner)}|{normalise_key(body)}|{day.isoformat()}|{sequence}"
    return natural_id(kind, key)


def _text(value: Any, field: str, label: str, max_length: int = NAME_MAX) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{label} must be given as text.", field)
    return require_text(value, field, label, max_length)


# What a declaration names besides a person: an agenda item, and the interest in words.
_ENTRY_MAX = {"item": REFERENCE_MAX, "interest": TITLE_MAX}


def _people(
    value: Any, field: str, noun: str, keys: tuple[str, ...], optional: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    if not isinstance(value, list | tuple):
        raise InvalidInput(f"The {field} must be a list.", field)
    rows: list[dict[str, Any]] = []
    for entry in check_list(value, field, f"The list of {field}"):
        if not isinstance(entry, Mapping) or set(entry) - {*keys, *optional}:
            expected = ", ".join((*keys, *(f"{key} (optional)" for key in optional)))
            raise InvalidInput(f"Each {noun} is given as: {expected}.", field)
        row: dict[str, Any] = {
            key: _text(entry.get(key), field, f"Each {noun}'s {key}", _ENTRY_MAX.get(key, NAME_MAX))
            for key in keys
        }
        for key in optional:
            given = entry.get(key)
            row[key] = (
                None
                if given is None or not str(given).strip()
                else _text(given, field, f"Each {noun}'s {key}")
            )
        rows.append(row)
    return rows


def _unique_people(rows: list[dict[str, Any]], field: str, what: str) -> list[dict[str, Any]]:
    seen: set[str] = set()
    for row in rows:
        person = row["person"].casefold()
        if person in seen:
            raise InvalidInput(f"{row['person']} is listed twice among the {what}.", field)
        seen.add(person)
    return rows


def check_attendees(value: Any) -> list[dict[str, Any]]:
    rows = _people(value, "attendees", "attendee", ("person", "authority"), ("role",))
    if not rows:
        raise InvalidInput("A meeting that was held had someone present.", "attendees")
    return _unique_people(rows, "attendees", "people present")


def check_apologies(value: Any) -> list[dict[str, Any]]:
    rows = _people(value, "apologies", "apology", ("person", "authority"))
    return _unique_people(rows, "apologies", "apologies")


def check_declarations(value: Any) -> list[dict[str, Any]] | None:
    """None: the minutes say nothing of interests; []: they record that none were declared."""
    if value is None:
        return None
    return _people(value, "declarations", "declaration", ("person", "item", "interest"))


def _check_members(members: Any) -> list[str]:
    if not isinstance(members, list | tuple):
        raise InvalidInput("The body's member authorities must be a list.", "members")
    check_list(members, "members", "The body's member authorities")
    cleaned = [_text(member, "members", "Each member authority") for member in members]
    if len({member.casefold() for member in cleaned}) != len(cleaned):
        raise InvalidInput("A member authority is listed twice.", "members")
    return cleaned


def _check_not_both(attendees: list[dict[str, Any]], apologies: list[dict[str, Any]]) -> None:
    present = {row["person"].casefold() for row in attendees}
    both = [row["person"] for row in apologies if row["person"].casefold() in present]
    if both:
        raise PresentAndApologised(
            f"{', '.join(both)} cannot be both present and absent with apologies.", "apologies"
        )


def _as_day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _check_reference(value: Any, field: str) -> dict[str, str]:
    if not isinstance(value, Mapping) or set(value) != {"meeting_id", "decision"}:
        raise InvalidInput("A decision is referred to by its meeting_id and decision.", field)
    try:
        meeting = str(UUID(str(value["meeting_id"])))
    except ValueError:
        raise InvalidInput(f"{value['meeting_id']!r} is not a meeting id.", field) from None
    # A decision's number is its item's number and a count ('6.1'), so it runs past a reference.
    decision = _text(value["decision"], field, "The decision", DECISION_NUMBER_MAX)
    return {"meeting_id": meeting, "decision": decision}


class Meeting(Aggregate, Correctable, Revisable):
    """One meeting of a governing body, planned or held, and the decisions it made."""

    # What names the record: a wrong one is withdrawn and the record recorded again. Its date
    # is corrected instead: the date it was corrected to keeps a MeetingDateAlias naming it.
    identity_fields = frozenset({"partnership", "body", "sequence", "authority"})
    # Its commands do not refuse facts dated before its first.
    facts_follow_first = False

    class Event(RecordedEvent, Aggregate.Event):
        pass

    class Registered(Event, Aggregate.Created):
        # None for a meeting of an authority's own body; meetings recorded before there were
        # any are of a partnership's body, so `authority` defaults to None when read back.
        partnership: str | None
        body: str
        meeting_date: date
        sequence: int
        authority: str | None = None

    class Held(Event):
        attendees: list[dict[str, Any]]
        apologies: list[dict[str, Any]]
        declarations: list[dict[str, Any]] | None
        members: list[str]
        rule: dict[str, Any] | None

        def apply(self, aggregate: "Meeting") -> None:
            aggregate.status = HELD
            aggregate.attendees = self.attendees
            aggregate.apologies = self.apologies
            aggregate.declarations = self.declarations
            aggregate.members = self.members
            aggregate.rule = self.rule

    class Cancelled(Event):
        reason: str

        def apply(self, aggregate: "Meeting") -> None:
            aggregate.status = CANCELLED
            aggregate.cancellation_reason = self.reason

    class AgendaItemRecorded(Event):
        number: str
        title: str

        def apply(self, aggregate: "Meeting") -> None:
            aggregate.agenda = {**aggregate.agenda, self.number: self.title}

    class AgendaItemTitleCorrected(Event):
        number: str
        previous_title: str
        title: str
        reason: str

        def apply(self, aggregate: "Meeting") -> None:
            aggregate.agenda = {**aggregate.agenda, self.number: self.title}

    class DecisionRecorded(Event):
        number: str
        item: str
        wording: str
        form: str
        votes: dict[str, str]
        supersedes: dict[str, str] | None

        def apply(self, aggregate: "Meeting") -> None:
            decision = {
                "number": self.number,
                "item": self.item,
                "wording": self.wording,
                "form": self.form,
                "votes": dict(self.votes),
                "electronic_responses": {},
                "supersedes": self.supersedes,
                "superseded_by": None,
                "superseded_how": None,
            }
            aggregate.decisions = {**aggregate.decisions, self.number: decision}

    class ElectronicResponseRecorded(Event):
        decision: str
        authority: str
        vote: str
        received_on: date

        def apply(self, aggregate: "Meeting") -> None:
            responses = aggregate.decisions[self.decision]["electronic_responses"]
            response = {"vote": self.vote, "received_on": self.received_on}
            aggregate._change_decision(
                self.decision, electronic_responses={**responses, self.authority: response}
            )

    class SupersessionRecorded(Event):
        decision: str
        successor: dict[str, str]
        how: str

        def apply(self, aggregate: "Meeting") -> None:
            aggregate._change_decision(
                self.decision, superseded_by=self.successor, superseded_how=self.how
            )

    class DecisionWordingCorrected(Event):
        decision: str
        previous_wording: str
        wording: str
        reason: str

        def apply(self, aggregate: "Meeting") -> None:
            aggregate._change_decision(self.decision, wording=self.wording)

    class Corrected(Event, Correction):
        pass

    class FactCorrected(Event, FactCorrection):
        pass

    class FactWithdrawn(Event, FactWithdrawal):
        pass

    # Whole lists, as the minutes give them; a decision's wording and an agenda item's title
    # have their own corrections, since a generic one would replace every decision at once.
    correctable_fields = {
        "attendees": check_attendees,
        "apologies": check_apologies,
        "declarations": check_declarations,
    }
    # The lists a held meeting's fact holds are checked as the minutes' are, whole.
    field_checks = correctable_fields

    @staticmethod
    def create_id(
        partnership: str | None,
        body: str,
        meeting_date: date,
        sequence: int,
        authority: str | None = None,
    ) -> UUID:
        return meeting_id(partnership, body, meeting_date, sequence, authority)

    @classmethod
    def plan(
        cls,
        partnership: str | None,
        body: str,
        day: date,
        provenance: Provenance,
        actor: Actor,
        sequence: int = 1,
        authority: str | None = None,
    ) -> "Meeting":
        """Put a meeting on the record before it happens; it may be any date. It is of a
        body of `partnership`, or of `authority`'s own body (exactly one is named)."""
        if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 1:
            raise InvalidInput("A meeting's sequence in its day starts at 1.", "sequence")
        check_whole_number(sequence, "sequence", "A meeting's sequence in its day", LIST_MAX, 1)
        if authority is not None:
            partnership, authority = None, require_text(authority, "partnership", "The authority")
        else:
            partnership = require_text(partnership or "", "partnership", "The partnership")
        return cls(
            partnership=partnership,
            authority=authority,
            body=require_text(body, "body", "The governing body"),
            meeting_date=check_date(day, "meetingDate", "The meeting date"),
            sequence=sequence,
            **provenance.event_fields(actor),
        )

    @property
    def owning_authority(self) -> str | None:
        """The authority whose own body met; None for a partnership's body (as is every
        meeting loaded from a snapshot taken before an authority's bodies could meet)."""
        owner: str | None = getattr(self, "authority", None)
        return owner

    def id_on(self, day: date) -> UUID:
        """The id a meeting of this body on `day`, in this place in the day, would have."""
        return meeting_id(self.partnership, self.body, day, self.sequence, self.owning_authority)

    @classmethod
    def record_held(
        cls,
        partnership: str | None,
        body: str,
        day: date,
        attendees: list[dict[str, Any]],
        apologies: list[dict[str, Any]],
        declarations: list[dict[str, Any]] | None,
        members: list[str],
        rule: DecisionRule | None,
        provenance: Provenance,
        actor: Actor,
        sequence: int = 1,
        authority: str | None = None,
    ) -> "Meeting":
        """A meeting recorded straight from its minutes, never having been planned here."""
        meeting = cls.plan(partnership, body, day, provenance, actor, sequence, authority)
        meeting.mark_held(attendees, apologies, declarations, members, rule, provenance, actor)
        return meeting

    @event(Registered)
    def __init__(
        self,
        partnership: str | None,
        body: str,
        meeting_date: date,
        sequence: int,
        effective_date: date,
        source: str,
        recorded_by: str,
        recorded_by_authority: str,
        recorded_by_id: str,
        authority: str | None = None,
    ) -> None:
        self.partnership = partnership
        self.authority = authority
        self.body = body
        self.meeting_date = meeting_date
        self.sequence = sequence
        self.status = PLANNED
        self.cancellation_reason: str | None = None
        # None until held; an empty declarations list means "no interests declared".
        self.attendees: list[dict[str, Any]] | None = None
        self.apologies: list[dict[str, Any]] | None = None
        self.declarations: list[dict[str, Any]] | None = None
        self.members: list[str] | None = None
        self.rule: dict[str, Any] | None = None
        self.agenda: dict[str, str] = {}
        self.decisions: dict[str, dict[str, Any]] = {}

    def mark_held(
        self,
        attendees: list[dict[str, Any]],
        apologies: list[dict[str, Any]],
        declarations: list[dict[str, Any]] | None,
        members: list[str],
        rule: DecisionRule | None,
        provenance: Provenance,
        actor: Actor,
    ) -> None:
        """Record that this planned meeting took place, with the body as it stood that day."""
        if self.status == HELD:
            raise MeetingAlreadyHeld(f"{self._name} is already recorded as held.")
        self._check_not_cancelled()
        self._check_dated(provenance, self.meeting_date, "the meeting date")
        attendees = check_attendees(attendees)
        apologies = check_apologies(apologies)
        _check_not_both(attendees, apologies)
        self.trigger_event(
            self.Held,
            attendees=attendees,
            apologies=apologies,
            declarations=check_declarations(declarations),
            members=_check_members(members),
            rule=None if rule is None else rule.validated().as_dict(),
            **provenance.event_fields(actor),
        )

    def cancel(self, reason: str, provenance: Provenance, actor: Actor) -> None:
        if self.status == HELD:
            raise MeetingAlreadyHeld(f"{self._name} was held; it cannot be cancelled.")
        self._check_not_cancelled()
        reason = require_text(
            reason, "reason", "The reason for cancelling", TEXT_MAX, multiline=True
        )
        self.trigger_event(self.Cancelled, reason=reason, **provenance.event_fields(actor))

    def record_agenda_item(
        self, number: str, title: str, provenance: Provenance, actor: Actor
    ) -> None:
        self._check_not_cancelled()
        number = require_text(number, "number", "The agenda item number", REFERENCE_MAX)
        if self._agenda_number(number) is not None:
            raise AgendaItemAlreadyRecorded(
                f"Item {number} is already on the agenda of {self._name}.", "number"
            )
        self.trigger_event(
            self.AgendaItemRecorded,
            number=number,
            title=require_text(title, "title", "The agenda item title", TITLE_MAX),
            **provenance.event_fields(actor),
        )

    def correct_agenda_item_title(
        self, number: str, title: str, reason: str, provenance: Provenance, actor: Actor
    ) -> None:
        item = self._agenda_item(number, "number")
        self.trigger_event(
            self.AgendaItemTitleCorrected,
            number=item,
            previous_title=self.agenda[item],
            title=require_text(title, "title", "The agenda item title", TITLE_MAX),
            reason=require_text(
                reason, "reason", "The reason for the correction", TEXT_MAX, multiline=True
            ),
            **provenance.event_fields(actor),
        )

    def record_decision(
        self,
        item: str,
        wording: str,
        form: str,
        votes: Mapping[str, str],
        provenance: Provenance,
        actor: Actor,
        supersedes: Mapping[str, str] | None = None,
    ) -> str:
        """Record a decision under an agenda item; returns its number, e.g. "6.1"."""
        self._check_held()
        self._check_dated(provenance, self.meeting_date, "the meeting date")
        item = self._agenda_item(item, "item")
        form = require_text(form, "form", "The form of the decision", REFERENCE_MAX).upper()
        if form not in DECISION_FORMS:
            raise InvalidInput(f"A decision is {', '.join(DECISION_FORMS)}, not {form}.", "form")
        votes = dict(votes)
        check_votes(votes, list(self.members or []))
        present = {row["authority"].casefold() for row in self.attendees or []}
        absent_voters = sorted(
            a for a, v in votes.items() if v != ABSENT and a.casefold() not in present
        )
        if absent_voters:
            raise VoterNotPresent(
                f"Nobody from {', '.join(absent_voters)} is recorded present to vote; "
                "an absent member may respond electronically instead.",
                "votes",
            )
        earlier = None if supersedes is None else _check_reference(supersedes, "supersedes")
        if earlier is not None and earlier["meeting_id"] == str(self.id):
            self._check_supersedable(earlier["decision"], "supersedes")
        number = f"{item}.{sum(1 for d in self.decisions.values() if d['item'] == item) + 1}"
        self.trigger_event(
            self.DecisionRecorded,
            number=number,
            item=item,
            wording=require_text(
                wording, "wording", "The decision's wording", TEXT_MAX, multiline=True
            ),
            form=form,
            votes=votes,
            supersedes=earlier,
            **provenance.event_fields(actor),
        )
        return number

    def correct_decision_wording(
        self, decision_number: str, wording: str, reason: str, provenance: Provenance, actor: Actor
    ) -> None:
        decision = self.decision(decision_number)
        self.trigger_event(
            self.DecisionWordingCorrected,
            decision=decision["number"],
            previous_wording=decision["wording"],
            wording=require_text(
                wording, "wording", "The decision's wording", TEXT_MAX, multiline=True
            ),
            reason=require_text(
                reason, "reason", "The reason for the correction", TEXT_MAX, multiline=True
            ),
            **provenance.event_fields(actor),
        )

    def record_electronic_response(
        self,
        decision_number: str,
        authority: str,
        vote: str,
        received_on: date,
        provenance: Provenance,
        actor: Actor,
    ) -> None:
        """An absent member's vote, received within the window the snapshot rule allows."""
        decision = self.decision(decision_number)
        rule = self.rule_snapshot
        if rule is None or not rule.allows_electronic_responses:
            raise ElectronicResponsesNotAllowed(
                f"{self.body}'s rule on {self.meeting_date.isoformat()} did not allow absent "
                "members to respond electronically."
            )
        if vote not in (FOR, AGAINST, ABSTAIN):
            raise InvalidInput(
                f"A response is {FOR}, {AGAINST} or {ABSTAIN}, not {vote!r}.", "vote"
            )
        if authority not in (self.members or []):
            raise NotAMember(
                f"{authority} was not a member of {self.body} on {self.meeting_date.isoformat()}.",
                "authority",
            )
        if not decision["votes"]:
            raise DecisionHasNoVotes(
                f"Decision {decision['number']} was minuted without votes; electronic "
                "responses complete a recorded vote.",
                "decisionNumber",
            )
        if decision["votes"].get(authority, ABSENT) != ABSENT:
            raise MemberNotAbsent(
                f"{authority} voted at the meeting on decision {decision['number']}.", "authority"
            )
        if authority in decision["electronic_responses"]:
            raise ElectronicResponseAlreadyRecorded(
                f"{authority}'s response to decision {decision['number']} is already recorded.",
                "authority",
            )
        check_date(received_on, "receivedOn", "The day it was received")
        deadline = rule.response_deadline(self.meeting_date)
        if received_on < self.meeting_date:
            raise ResponseBeforeMeeting(
                f"A response received on {received_on.isoformat()} predates the meeting.",
                "receivedOn",
            )
        if deadline is not None and received_on > deadline:
            raise ResponseAfterDeadline(
                f"Responses to decision {decision['number']} were due by "
                f"{deadline.isoformat()}; this one came on {received_on.isoformat()}.",
                "receivedOn",
            )
        self._check_dated(provenance, received_on, "the day the response was received")
        self.trigger_event(
            self.ElectronicResponseRecorded,
            decision=decision["number"],
            authority=authority,
            vote=vote,
            received_on=received_on,
            **provenance.event_fields(actor),
        )

    def record_supersession(
        self,
        decision_number: str,
        successor: Mapping[str, str],
        how: str,
        provenance: Provenance,
        actor: Actor,
    ) -> None:
        """Point a decision at the later one that revised or superseded it."""
        number = self._check_supersedable(decision_number, "decisionNumber")
        later = _check_reference(successor, "successor")
        if later == {"meeting_id": str(self.id), "decision": number}:
            raise DecisionSupersedesItself(
                f"Decision {number} cannot supersede itself.", "successor"
            )
        if how not in SUPERSESSIONS:
            raise InvalidInput(f"A decision is {' or '.join(SUPERSESSIONS)}, not {how!r}.", "how")
        if later["meeting_id"] == str(self.id):
            here = {"meeting_id": str(self.id), "decision": number}
            if self.decision(later["decision"], "successor")["supersedes"] != here:
                raise SupersessionMismatch(
                    f"Decision {later['decision']} does not record that it supersedes "
                    f"decision {number}.",
                    "successor",
                )
        self.trigger_event(
            self.SupersessionRecorded,
            decision=number,
            successor=later,
            how=how,
            **provenance.event_fields(actor),
        )

    def correct(
        self,
        corrects_version: int,
        field: str,
        value: Any,
        reason: str,
        provenance: Provenance,
        actor: Actor,
    ) -> None:
        if field in self.correctable_fields:
            self._check_held()
            if field == "attendees":
                _check_not_both(check_attendees(value), self.apologies or [])
            elif field == "apologies":
                _check_not_both(self.attendees or [], check_apologies(value))
        super().correct(corrects_version, field, value, reason, provenance, actor)

    def check_rules(self) -> None:
        """What the commands make hold, whatever revision of the facts led here: nobody both
        present and absent, every vote cast by an authority present, every electronic response
        received after the meeting and within its window, and every supersession within the
        meeting naming a decision it made."""
        if self.status != HELD:
            return
        _check_not_both(self.attendees or [], self.apologies or [])
        present = {row["authority"].casefold() for row in self.attendees or []}
        rule = self.rule_snapshot
        deadline = None if rule is None else rule.response_deadline(self.meeting_date)
        for number, decision in self.decisions.items():
            absent = sorted(
                a
                for a, v in decision["votes"].items()
                if v != ABSENT and a.casefold() not in present
            )
            if absent:
                raise RevisionBreaksRule(
                    f"Decision {number} records votes from {', '.join(absent)}, whom the "
                    "meeting would no longer have present.",
                    "value",
                )
            for authority, response in decision["electronic_responses"].items():
                received = _as_day(response["received_on"])
                if received < self.meeting_date or (deadline is not None and received > deadline):
                    raise RevisionBreaksRule(
                        f"{authority}'s response to decision {number}, received on "
                        f"{received.isoformat()}, would fall outside the window of a meeting "
                        f"on {self.meeting_date.isoformat()}; correct or withdraw it first.",
                        "value",
                    )
            for link in ("supersedes", "superseded_by"):
                other = decision[link]
                if (
                    other is not None
                    and other["meeting_id"] == str(self.id)
                    and other["decision"] not in self.decisions
                ):
                    raise RevisionBreaksRule(
                        f"Decision {number} names decision {other['decision']} as what it "
                        f"{'supersedes' if link == 'supersedes' else 'was superseded by'}, "
                        "which the meeting would no longer have made; revise that first.",
                        "version",
                    )

    # Queries

    @property
    def rule_snapshot(self) -> DecisionRule | None:
        return None if self.rule is None else DecisionRule.from_dict(self.rule)

    def decision(self, decision_number: str, field: str = "decisionNumber") -> dict[str, Any]:
        """A copy: state shared with recorded events must not be changed by a reader."""
        number = require_text(decision_number, field, "The decision number")
        if number not in self.decisions:
            raise DecisionNotFound(f"{self._name} made no decision {number}.", field)
        return deepcopy(self.decisions[number])

    def outcome(self, decision_number: str, as_of: date | None = None) -> Tally:
        """Judged by the rule copied at the meeting, never the body's later rule."""
        decision = self.decision(decision_number)
        electronic = {a: r["vote"] for a, r in decision["electronic_responses"].items()}
        return tally(
            self.rule_snapshot or NO_RULE_RECORDED,
            list(self.members or []),
            decision["votes"],
            electronic,
            self.meeting_date,
            as_of,
        )

    def superseded_by(self, decision_number: str) -> dict[str, str] | None:
        successor: dict[str, str] | None = self.decision(decision_number)["superseded_by"]
        return successor

    def supersedes(self, decision_number: str) -> dict[str, str] | None:
        earlier: dict[str, str] | None = self.decision(decision_number)["supersedes"]
        return earlier

    # Checks and state changes shared by the commands

    @property
    def _name(self) -> str:
        return f"The meeting of {self.body} on {self.meeting_date.isoformat()}"

    def _check_not_cancelled(self) -> None:
        if self.status == CANCELLED:
            raise MeetingCancelled(f"{self._name} was cancelled.")

    def _check_held(self) -> None:
        self._check_not_cancelled()
        if self.status != HELD:
            raise MeetingNotHeld(f"{self._name} is not recorded as held yet.")

    @staticmethod
    def _check_dated(provenance: Provenance, day: date, what: str) -> None:
        if provenance.effective_date != day:
            raise EffectiveDateMismatch(
                f"This takes effect on {what}, {day.isoformat()}, "
                f"not {provenance.effective_date.isoformat()}.",
                "effectiveDate",
            )

    def _agenda_number(self, number: str) -> str | None:
        wanted = number.casefold()
        return next((n for n in self.agenda if n.casefold() == wanted), None)

    def _agenda_item(self, number: str, field: str) -> str:
        cleaned = require_text(number, field, "The agenda item number")
        found = self._agenda_number(cleaned)
        if found is None:
            raise AgendaItemNotFound(f"Item {cleaned} is not on the agenda of {self._name}.", field)
        return found

    def _check_supersedable(self, decision_number: str, field: str) -> str:
        decision = self.decision(decision_number, field)
        if decision["superseded_by"] is not None:
            later = decision["superseded_by"]
            raise DecisionAlreadySuperseded(
                f"Decision {decision['number']} was already {decision['superseded_how']} by "
                f"decision {later['decision']}; supersede that one instead.",
                field,
            )
        number: str = decision["number"]
        return number

    def _change_decision(self, number: str, **changes: Any) -> None:
        # A new dict each time: state shared with a recorded event must never change under it.
        self.decisions = {**self.decisions, number: {**self.decisions[number], **changes}}


class MeetingDateAlias(Aggregate):
    """Where a meeting whose date was corrected is found under its new date.

    A meeting keeps the id its first date gave it; the alias takes the id a meeting of the
    new date would have, so the store refuses a second meeting there exactly as it refuses a
    second creation, and it is saved with the correction or not at all. A date once held
    stays the meeting's: an alias is never moved, and the meeting's first id is never freed.
    """

    class Event(RecordedEvent, Aggregate.Event):
        pass

    class Registered(Event, Aggregate.Created):
        partnership: str | None
        body: str
        meeting_date: date
        sequence: int
        meeting: UUID
        authority: str | None = None

    @staticmethod
    def create_id(
        partnership: str | None,
        body: str,
        meeting_date: date,
        sequence: int,
        authority: str | None = None,
    ) -> UUID:
        return meeting_id(partnership, body, meeting_date, sequence, authority)

    @classmethod
    def naming(
        cls, meeting: Meeting, day: date, provenance: Provenance, actor: Actor
    ) -> "MeetingDateAlias":
        return cls(
            partnership=meeting.partnership,
            body=meeting.body,
            meeting_date=day,
            sequence=meeting.sequence,
            meeting=meeting.id,
            authority=meeting.owning_authority,
            **provenance.event_fields(actor),
        )

    @event(Registered)
    def __init__(
        self,
        partnership: str | None,
        body: str,
        meeting_date: date,
        sequence: int,
        meeting: UUID,
        effective_date: date,
        source: str,
        recorded_by: str,
        recorded_by_authority: str,
        recorded_by_id: str,
        authority: str | None = None,
    ) -> None:
        self.meeting = meeting
