"""Meetings with a supplier (e.g. LCC's weekly meeting with Northgate): actions and escalations.

Each action has an owner on one side of the table, so "what is the supplier still owing us"
and "what do we owe the supplier" are separate questions.
"""

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
    NAME_MAX,
    TEXT_MAX,
    TITLE_MAX,
    check_date,
    check_list,
)
from partnership.paper_dates import deadline, loose_text
from partnership.projects import checked_due_when, loose_due
from partnership.revisions import FactCorrection, FactWithdrawal, Revisable

AUTHORITY_SIDE = "authority"
SUPPLIER_SIDE = "supplier"
OWNER_SIDES = (AUTHORITY_SIDE, SUPPLIER_SIDE)

ACTION_OPEN = "open"
ACTION_CLOSED = "closed"

ACTION_CORRECTABLE_FIELDS = ("text", "owner", "owner_side", "due_date")


class SupplierMeetingNotFound(NotFound):
    code = "supplier_meeting_not_found"

    def __init__(self, supplier: str, day: date, title: str) -> None:
        super().__init__(
            f"There is no meeting with {supplier} on {day.isoformat()} called {title!r}.",
            "title",
        )


class SupplierMeetingAlreadyRecorded(AlreadyExists):
    code = "supplier_meeting_already_recorded"

    def __init__(self, supplier: str, day: date, title: str) -> None:
        super().__init__(
            f"The meeting with {supplier} on {day.isoformat()} called {title!r} has already "
            "been recorded.",
            "title",
        )


class ActionNotFound(NotFound):
    code = "action_not_found"


class ActionAlreadyClosed(RuleViolation):
    code = "action_already_closed"


class DueBeforeMeeting(InvalidInput):
    code = "due_before_meeting"


class ChangeBeforeMeeting(RuleViolation):
    code = "change_before_meeting"


def supplier_meeting_id(supplier: str, day: date, title: str) -> UUID:
    # The supplier's id and the date have fixed lengths, so no two keys run together.
    return natural_id("supplier_meeting", f"{natural_id('supplier', supplier)} {day} {title}")


def _attendees(attendees: list[dict[str, str]], field: str) -> list[dict[str, str]]:
    cleaned = []
    for attendee in check_list(attendees, field, "The list of attendees"):
        if not isinstance(attendee, dict) or not all(
            isinstance(attendee.get(part), str) for part in ("person", "authority")
        ):
            raise InvalidInput("Each authority attendee needs a person and an authority.", field)
        cleaned.append(
            {
                "person": require_text(attendee["person"], field, "Each attendee's name"),
                "authority": require_text(
                    attendee["authority"], field, "Each attendee's authority"
                ),
            }
        )
    _check_each_once([a["person"] for a in cleaned], field)
    return cleaned


def _names(names: list[str], field: str, label: str, max_length: int = NAME_MAX) -> list[str]:
    check_list(names, field, "The list")
    cleaned = [require_text(name, field, label, max_length) for name in names]
    _check_each_once(cleaned, field)
    return cleaned


def _check_each_once(names: list[str], field: str) -> None:
    seen: set[str] = set()
    for name in names:
        if normalise_key(name) in seen:
            raise InvalidInput(f"{name} is listed twice.", field)
        seen.add(normalise_key(name))


def _owner_side(side: Any, field: str) -> str:
    if side not in OWNER_SIDES:
        raise InvalidInput(
            f"An action's owner is on the {' or the '.join(OWNER_SIDES)} side, not {side!r}.",
            field,
        )
    return str(side)


def _check_list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidInput("The corrected value must be a list.", "value")
    return value


def _check_authority_attendees(value: Any) -> list[dict[str, str]]:
    return _attendees(_check_list(value), "value")


def _check_supplier_attendees(value: Any) -> list[str]:
    return _names(_check_list(value), "value", "Each supplier attendee's name")


def _check_topics(value: Any) -> list[str]:
    return _names(_check_list(value), "value", "Each topic", TITLE_MAX)


def _check_owner_side(value: Any) -> str:
    return _owner_side(value, "value")


def _next_number(items: Any) -> str:
    """One more than the highest number given: one withdrawn from among them leaves a gap
    rather than having a later one take a number already in use."""
    return str(max((int(item["number"]) for item in items), default=0) + 1)


class SupplierMeeting(Aggregate, Correctable, Revisable):
    """One meeting with a supplier: who came, what was discussed, raised and escalated.

    `actions` maps each number ("1", "2", …, in the order raised) to {"number", "text",
    "owner", "owner_side", "due_date" (None: no date set), "raised_on", "status",
    "closed_on", "outcome"}; `escalations` lists {"number", "text", "to_body",
    "effective_date"}.
    """

    correctable_fields = {
        "authority_attendees": _check_authority_attendees,
        "supplier_attendees": _check_supplier_attendees,
        "topics": _check_topics,
    }

    # What names the record: a wrong one is withdrawn and the record recorded again.
    identity_fields = frozenset({"supplier", "day", "title"})
    # Its commands do not refuse facts dated before its first.
    facts_follow_first = False
    field_checks = {
        "authority_attendees": _check_authority_attendees,
        "supplier_attendees": _check_supplier_attendees,
        "topics": _check_topics,
        "owner_side": _check_owner_side,
        "due_when": checked_due_when,
    }

    class Event(RecordedEvent, Aggregate.Event):
        pass

    class Recorded(Event, Aggregate.Created):
        supplier: str
        day: date
        title: str
        authority_attendees: list[dict[str, str]]
        supplier_attendees: list[str]
        topics: list[str]

    class ActionRaised(Event):
        number: str
        text: str
        owner: str
        owner_side: str
        due_date: date | None
        # The due date as the paper gives it (EDTF), when it gives no exact day; due_date is
        # then the period's last day, the deadline.
        due_when: str | None = None

        def apply(self, aggregate: "SupplierMeeting") -> None:
            aggregate.actions[self.number] = {
                "number": self.number,
                "text": self.text,
                "owner": self.owner,
                "owner_side": self.owner_side,
                "due_date": self.due_date,
                "raised_on": self.effective_date,
                "status": ACTION_OPEN,
                "closed_on": None,
                "outcome": None,
            } | ({} if self.due_date is None else loose_due(self.due_when, self.due_date))

    class ActionClosed(Event):
        number: str
        outcome: str

        def apply(self, aggregate: "SupplierMeeting") -> None:
            action = aggregate.actions[self.number]
            action["status"] = ACTION_CLOSED
            action["closed_on"] = self.effective_date
            action["outcome"] = self.outcome

    class ActionCorrected(Event):
        """An action's text, owner, side or due date put right (the generic Correction sets
        top-level attributes only, and an action lives inside the meeting)."""

        number: str
        corrects_version: int
        field: str
        value: Any
        reason: str

        def apply(self, aggregate: "SupplierMeeting") -> None:
            action = aggregate.actions[self.number]
            action[self.field] = self.value
            if self.field == "due_date":
                # A corrected due date is an exact day: the paper's looser one no longer holds.
                action.pop("due_when", None)

    class IssueEscalated(Event):
        number: str
        text: str
        to_body: str

        def apply(self, aggregate: "SupplierMeeting") -> None:
            aggregate.escalations.append(
                {
                    "number": self.number,
                    "text": self.text,
                    "to_body": self.to_body,
                    "effective_date": self.effective_date,
                }
            )

    class Corrected(Event, Correction):
        pass

    class FactCorrected(Event, FactCorrection):
        pass

    class FactWithdrawn(Event, FactWithdrawal):
        pass

    @staticmethod
    def create_id(supplier: str, day: date, title: str) -> UUID:
        return supplier_meeting_id(supplier, day, title)

    @classmethod
    def record(
        cls,
        supplier: str,
        day: date,
        title: str,
        authority_attendees: list[dict[str, str]],
        supplier_attendees: list[str],
        topics: list[str],
        provenance: Provenance,
        actor: Actor,
    ) -> "SupplierMeeting":
        return cls(
            supplier=require_text(supplier, "supplier", "The supplier"),
            day=check_date(day, "meetingDate", "The meeting date"),
            title=require_text(title, "title", "The meeting's title", TITLE_MAX),
            authority_attendees=_attendees(authority_attendees, "authorityAttendees"),
            supplier_attendees=_names(
                supplier_attendees, "supplierAttendees", "Each supplier attendee's name"
            ),
            topics=_names(topics, "topics", "Each topic", TITLE_MAX),
            **provenance.event_fields(actor),
        )

    @event(Recorded)
    def __init__(
        self,
        supplier: str,
        day: date,
        title: str,
        authority_attendees: list[dict[str, str]],
        supplier_attendees: list[str],
        topics: list[str],
        effective_date: date,
        source: str,
        recorded_by: str,
        recorded_by_authority: str,
        recorded_by_id: str,
        effective_when: str | None = None,
    ) -> None:
        self.supplier = supplier
        self.day = day
        self.title = title
        self.authority_attendees = [dict(attendee) for attendee in authority_attendees]
        self.supplier_attendees = list(supplier_attendees)
        self.topics = list(topics)
        self.actions: dict[str, dict[str, Any]] = {}
        self.escalations: list[dict[str, Any]] = []

    def check_rules(self) -> None:
        """An action is raised, closed and due, and an issue escalated, on or after the
        meeting's day."""
        for action in self.actions.values():
            self._check_due_date(action["due_date"], "value")
            for happened in (action["raised_on"], action["closed_on"]):
                self._check_after_meeting(happened, f"action {action['number']}")
        for escalation in self.escalations:
            self._check_after_meeting(
                escalation["effective_date"], f"escalation {escalation['number']}"
            )

    def _check_after_meeting(self, day: date | None, what: str) -> None:
        if day is not None and day < self.day:
            raise ChangeBeforeMeeting(
                f"The {what} would be dated {day.isoformat()}, before the meeting with "
                f"{self.supplier} on {self.day.isoformat()}.",
                "value",
            )

    def open_actions(self) -> list[dict[str, Any]]:
        return [dict(a) for a in self.actions.values() if a["status"] == ACTION_OPEN]

    def overdue_actions(self, as_of: date) -> list[dict[str, Any]]:
        """Actions past their due date on `as_of` and not closed by then."""
        return [
            dict(a)
            for a in self.actions.values()
            if a["due_date"] is not None
            and as_of > a["due_date"]
            and (a["closed_on"] is None or a["closed_on"] > as_of)
        ]

    def raise_action(
        self,
        text: str,
        owner: str,
        owner_side: str,
        due_date: date | None,
        provenance: Provenance,
        actor: Actor,
        due_when: str | None = None,
    ) -> str:
        """Record an action someone took away from the meeting; returns its number.

        Its due date, if any, is a day or, as the paper gives it, a month or year (`due_when`,
        EDTF): it is then due by the period's last day."""
        self._check_not_before_meeting(provenance)
        text = require_text(text, "text", "The action", TEXT_MAX, multiline=True)
        owner = require_text(owner, "owner", "The action's owner")
        owner_side = _owner_side(owner_side, "ownerSide")
        due = None
        if due_date is not None or due_when is not None:
            due = deadline(due_date, due_when, "dueDate", "dueWhen", "The due date")
            due_date = due.latest
        self._check_due_date(due_date, "dueDate" if due_when is None else "dueWhen")
        number = _next_number(self.actions.values())
        self.trigger_event(
            self.ActionRaised,
            number=number,
            text=text,
            owner=owner,
            owner_side=owner_side,
            due_date=due_date,
            due_when=None if due is None else loose_text(due),
            **provenance.event_fields(actor),
        )
        return number

    def close_action(self, number: str, outcome: str, provenance: Provenance, actor: Actor) -> None:
        """Record an action done (or dropped), with what came of it."""
        self._check_not_before_meeting(provenance)
        action = self._action(number)
        if action["status"] == ACTION_CLOSED:
            raise ActionAlreadyClosed(
                f"Action {action['number']} was already closed on "
                f"{action['closed_on'].isoformat()}.",
                "number",
            )
        self.trigger_event(
            self.ActionClosed,
            number=action["number"],
            outcome=require_text(outcome, "outcome", "The outcome", TEXT_MAX, multiline=True),
            **provenance.event_fields(actor),
        )

    def escalate_issue(self, text: str, to_body: str, provenance: Provenance, actor: Actor) -> str:
        """Record an issue passed up to a governing body (e.g. the Programme Board)."""
        self._check_not_before_meeting(provenance)
        number = _next_number(self.escalations)
        self.trigger_event(
            self.IssueEscalated,
            number=number,
            text=require_text(text, "text", "The issue", TEXT_MAX, multiline=True),
            to_body=require_text(to_body, "toBody", "The body it is escalated to"),
            **provenance.event_fields(actor),
        )
        return number

    def correct_action(
        self,
        number: str,
        corrects_version: int,
        field: str,
        value: Any,
        reason: str,
        provenance: Provenance,
        actor: Actor,
    ) -> None:
        """Put right an action's text, owner, owner's side or due date recorded wrongly."""
        action = self._action(number)
        if field not in ACTION_CORRECTABLE_FIELDS:
            raise InvalidInput(
                f"An action's {field!r} cannot be corrected; what can be: "
                f"{', '.join(ACTION_CORRECTABLE_FIELDS)}.",
                "field",
            )
        reason = self.check_correction(corrects_version, reason)
        if field == "owner_side":
            value = _owner_side(value, "value")
        elif field == "due_date":
            if value is not None and not isinstance(value, date):
                raise InvalidInput("The due date must be a date, or none.", "value")
            self._check_due_date(value, "value")
        else:
            if not isinstance(value, str):
                raise InvalidInput("The corrected value must be text.", "value")
            value = (
                require_text(value, "value", "The action", TEXT_MAX, multiline=True)
                if field == "text"
                else require_text(value, "value", f"The action's {field}")
            )
        self.trigger_event(
            self.ActionCorrected,
            number=action["number"],
            corrects_version=corrects_version,
            field=field,
            value=value,
            reason=reason,
            **provenance.event_fields(actor),
        )

    def _action(self, number: str) -> dict[str, Any]:
        cleaned = number.strip()
        if cleaned not in self.actions:
            raise ActionNotFound(
                f"The meeting with {self.supplier} on {self.day.isoformat()} has no action "
                f"{cleaned!r}.",
                "number",
            )
        return self.actions[cleaned]

    def _check_due_date(self, due_date: date | None, field: str) -> None:
        if due_date is not None:
            check_date(due_date, field, "The due date")
        if due_date is not None and due_date < self.day:
            raise DueBeforeMeeting(
                f"The due date {due_date.isoformat()} is before the meeting that raised the "
                f"action ({self.day.isoformat()}).",
                field,
            )

    def _check_not_before_meeting(self, provenance: Provenance) -> None:
        if provenance.effective_date < self.day:
            raise ChangeBeforeMeeting(
                f"The effective date {provenance.effective_date.isoformat()} is before the "
                f"meeting with {self.supplier} on {self.day.isoformat()}.",
                "effectiveDate",
            )
