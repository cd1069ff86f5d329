"""Meetings of bodies: planning, holding, agendas, decisions, electronic responses, supersession.

Rules that need more than one aggregate live here:
- a meeting is of an existing body, on or after the day it was established, and is recorded
  under the partnership's and the body's names as they were established;
- a held meeting copies the body's member authorities and decision rule on its date, from
  the GoverningBody, so a later change of either never reaches back to it;
- a decision superseding one of another meeting: that meeting and decision exist, the
  decision is not already superseded, and the new meeting is not dated before the old one.
  The new decision and the old one's pointer to it are saved together or not at all.
Authority names in votes and electronic responses are matched to the meeting's member
authorities regardless of case and spacing, and recorded as the members are named.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from partnership.commands.base import CommandBase, CommandResult
from partnership.commands.governance import SCRUTINY_KINDS
from partnership.domain import Actor, InvalidInput, Provenance, normalise_key
from partnership.governance import (
    ChangeBeforeEstablishment,
    GoverningBody,
    GoverningBodyNotFound,
    governing_body_id,
)
from partnership.meetings import (
    SUPERSEDED,
    DecisionAlreadySuperseded,
    Meeting,
    MeetingAlreadyRecorded,
    MeetingNotFound,
    meeting_id,
)
from partnership.partnerships import (
    OutOfDateOrder,
)


@dataclass(frozen=True)
class DecisionRef:
    """Which decision: its meeting (partnership, body, date, sequence) and its number."""

    partnership: str
    body: str
    day: date
    decision: str
    sequence: int = 1


@dataclass(frozen=True)
class DecisionResult(CommandResult):
    """A recorded decision: the meeting's result, and the number the decision was given."""

    decision_number: str


class MeetingCommands(CommandBase):
    def plan_meeting(
        self,
        partnership: str,
        body: str,
        day: date,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        sequence: int = 1,
    ) -> CommandResult:
        """Put a meeting on the record ahead of it: `day` may be in the future, the
        provenance (when it was planned) may not."""
        self.check(provenance, now)
        owner = self._meeting_body(partnership, body, day)
        meeting = Meeting.plan(owner.partnership, owner.name, day, provenance, actor, sequence)
        return self.record_new(meeting, lambda: MeetingAlreadyRecorded(owner.name, day))

    def record_meeting_held(
        self,
        partnership: str,
        body: str,
        day: date,
        attendees: list[dict[str, Any]],
        apologies: list[dict[str, Any]],
        declarations: list[dict[str, Any]] | None,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        sequence: int = 1,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Record a meeting as held on `day` (the effective date), from its minutes.

        A planned meeting is marked held; otherwise the meeting is recorded anew. Either way
        it keeps the body's members and decision rule as they stood on `day`.
        `expected_version` applies to the planned meeting, when there is one.
        `declarations`: None if the minutes are silent, [] if no interests were declared.
        """
        self.check(provenance, now)
        owner = self._meeting_body(partnership, body, day)
        members, rule = self._voting_members(owner, day), owner.rule_on(day)
        planned = self._find_meeting(owner.partnership, owner.name, day, sequence)
        if planned is not None:
            self.check_version(planned, expected_version)
            planned.mark_held(attendees, apologies, declarations, members, rule, provenance, actor)
            return self.record_changes(planned)
        meeting = Meeting.record_held(
            owner.partnership,
            owner.name,
            day,
            attendees,
            apologies,
            declarations,
            members,
            rule,
            provenance,
            actor,
            sequence,
        )
        return self.record_new(meeting, lambda: MeetingAlreadyRecorded(owner.name, day))

    def cancel_meeting(
        self,
        partnership: str,
        body: str,
        day: date,
        reason: str,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        sequence: int = 1,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._change_meeting(
            partnership,
            body,
            day,
            sequence,
            provenance,
            now,
            expected_version,
            lambda m: m.cancel(reason, provenance, actor),
        )

    def record_agenda_item(
        self,
        partnership: str,
        body: str,
        day: date,
        number: str,
        title: str,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        sequence: int = 1,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._change_meeting(
            partnership,
            body,
            day,
            sequence,
            provenance,
            now,
            expected_version,
            lambda m: m.record_agenda_item(number, title, provenance, actor),
        )

    def correct_agenda_item_title(
        self,
        partnership: str,
        body: str,
        day: date,
        number: str,
        title: str,
        reason: str,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        sequence: int = 1,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._change_meeting(
            partnership,
            body,
            day,
            sequence,
            provenance,
            now,
            expected_version,
            lambda m: m.correct_agenda_item_title(number, title, reason, provenance, actor),
        )

    def record_decision(
        self,
        partnership: str,
        body: str,
        day: date,
        item: str,
        wording: str,
        form: str,
        votes: Mapping[str, str],
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        sequence: int = 1,
        supersedes: DecisionRef | None = None,
        how: str = SUPERSEDED,
        expected_version: int | None = None,
    ) -> DecisionResult:
        """Record a decision under an agenda item (effective on the meeting date).

        With `supersedes`, the earlier decision is marked `how` ("revised" or "superseded")
        by this one, in the same save; an already superseded decision is refused.
        """
        self.check(provenance, now)
        meeting = self.get_meeting(partnership, body, day, sequence)
        self.check_version(meeting, expected_version)
        earlier = None if supersedes is None else self._supersedable(meeting, supersedes)
        reference = None if earlier is None else _reference(*earlier)
        number = meeting.record_decision(
            item,
            wording,
            form,
            _votes_by_member(votes, meeting.members),
            provenance,
            actor,
            reference,
        )
        changed = [meeting]
        if earlier is not None:
            old, old_number = earlier
            old.record_supersession(old_number, _reference(meeting, number), how, provenance, actor)
            if old is not meeting:
                changed.append(old)
        result = self.record_changes(*changed)
        return DecisionResult(result.aggregate_id, result.version, result.position, number)

    def record_electronic_response(
        self,
        partnership: str,
        body: str,
        day: date,
        decision_number: str,
        authority: str,
        vote: str,
        received_on: date,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        sequence: int = 1,
        expected_version: int | None = None,
    ) -> CommandResult:
        """An absent member's vote on a decision of the meeting on `day`; the provenance's
        effective date is `received_on`."""
        self.check(provenance, now)
        meeting = self.get_meeting(partnership, body, day, sequence)
        self.check_version(meeting, expected_version)
        meeting.record_electronic_response(
            decision_number,
            _as_member(authority, meeting.members),
            vote,
            received_on,
            provenance,
            actor,
        )
        return self.record_changes(meeting)

    def correct_decision_wording(
        self,
        partnership: str,
        body: str,
        day: date,
        decision_number: str,
        wording: str,
        reason: str,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        sequence: int = 1,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._change_meeting(
            partnership,
            body,
            day,
            sequence,
            provenance,
            now,
            expected_version,
            lambda m: m.correct_decision_wording(
                decision_number, wording, reason, provenance, actor
            ),
        )

    def correct_meeting(
        self,
        partnership: str,
        body: str,
        day: date,
        corrects_version: int,
        field: str,
        value: Any,
        reason: str,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        sequence: int = 1,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Correct the attendees, apologies or declarations, each as a whole list."""
        return self._change_meeting(
            partnership,
            body,
            day,
            sequence,
            provenance,
            now,
            expected_version,
            lambda m: m.correct(corrects_version, field, value, reason, provenance, actor),
        )

    def get_meeting(self, partnership: str, body: str, day: date, sequence: int = 1) -> Meeting:
        return self.load(
            Meeting,
            meeting_id(partnership, body, day, sequence),
            lambda: MeetingNotFound(body, day, sequence),
        )

    def _change_meeting(
        self,
        partnership: str,
        body: str,
        day: date,
        sequence: int,
        provenance: Provenance,
        now: datetime,
        expected_version: int | None,
        change: Callable[[Meeting], Any],
    ) -> CommandResult:
        return self.change_one(
            lambda: self.get_meeting(partnership, body, day, sequence),
            provenance,
            now,
            expected_version,
            change,
        )

    def _voting_members(self, body: GoverningBody, day: date) -> list[str]:
        """The body's members on `day`; for a partnership body, only those still partners.

        An authority that has left the partnership keeps no vote on its bodies, even where
        nobody recorded its removal from each one.
        """
        members = body.members_on(day)
        if body.kind in SCRUTINY_KINDS:
            return members
        partnership = self.get_partnership(body.partnership)
        return [member for member in members if partnership.is_member(member, day)]

    def _meeting_body(self, partnership: str, body: str, day: date) -> GoverningBody:
        """The body meeting on `day`: it exists and had been established by then."""
        owner = self.load(
            GoverningBody,
            governing_body_id(partnership, body),
            lambda: GoverningBodyNotFound(partnership, body),
        )
        if day < owner.established_on:
            raise ChangeBeforeEstablishment(
                f"{owner.name} was established on {owner.established_on.isoformat()}; it "
                f"cannot meet on {day.isoformat()}.",
                "meetingDate",
            )
        return owner

    def _find_meeting(
        self, partnership: str, body: str, day: date, sequence: int
    ) -> Meeting | None:
        try:
            found: Aggregate = self.repository.get(meeting_id(partnership, body, day, sequence))
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, Meeting) else None

    def _supersedable(self, meeting: Meeting, ref: DecisionRef) -> tuple[Meeting, str]:
        """The earlier meeting and decision `meeting` may supersede (checked across both)."""
        if meeting_id(ref.partnership, ref.body, ref.day, ref.sequence) == meeting.id:
            # Within one meeting, Meeting.record_decision makes every check itself.
            return meeting, meeting.decision(ref.decision, "supersedes")["number"]
        try:
            old = self.get_meeting(ref.partnership, ref.body, ref.day, ref.sequence)
        except MeetingNotFound as error:
            error.field = "supersedes"
            raise
        decision = old.decision(ref.decision, "supersedes")
        if decision["superseded_by"] is not None:
            raise DecisionAlreadySuperseded(
                f"Decision {decision['number']} of {old.body} on {old.meeting_date.isoformat()} "
                f"was already {decision['superseded_how']} by decision "
                f"{decision['superseded_by']['decision']}; supersede that one instead.",
                "supersedes",
            )
        if meeting.meeting_date < old.meeting_date:
            raise OutOfDateOrder(
                f"A meeting on {meeting.meeting_date.isoformat()} cannot supersede a decision "
                f"made later, on {old.meeting_date.isoformat()}.",
                "supersedes",
            )
        number: str = decision["number"]
        return old, number


def _reference(meeting: Meeting, decision_number: str) -> dict[str, str]:
    return {"meeting_id": str(meeting.id), "decision": decision_number}


def _as_member(authority: str, members: list[str] | None) -> str:
    """The member authority's name as the meeting records it, if `authority` is one."""
    wanted = normalise_key(authority)
    return next((m for m in members or [] if normalise_key(m) == wanted), authority)


def _votes_by_member(votes: Mapping[str, str], members: list[str] | None) -> dict[str, str]:
    """Votes keyed by the members' names; one authority named twice is refused, not merged."""
    named: dict[str, str] = {}
    for authority, vote in votes.items():
        member = _as_member(authority, members)
        if member in named:
            raise InvalidInput(f"{member}'s vote is given twice.", "votes")
        named[member] = vote
    return named
