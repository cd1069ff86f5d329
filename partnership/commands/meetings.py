"""Meetings of bodies: planning, holding, agendas, decisions, electronic responses, supersession.

Rules that need more than one aggregate live here:
- a meeting is of an existing body, on or after the day it was established, and is recorded
  under the partnership's and the body's names as they were established;
- a held meeting copies the body's member authorities and decision rule on its date, from
  the GoverningBody, so a later change of either never reaches back to it;
- a decision superseding one of another meeting: that meeting and decision exist, the
  decision is not already superseded, and the new meeting is not dated before the old one.
  The new decision and the old one's pointer to it are saved together or not at all.
Every authority named (by those present or sending apologies, in votes and electronic
responses) must be registered, which is checked before any rule about it: a name not on record
is refused as such, never taken as a non-member. Those present and sending apologies are
recorded under the authorities' registered names; votes and electronic responses are matched
to the meeting's member authorities regardless of case and spacing, and recorded as the
members are named.
"""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from partnership.addresses import DecisionAddress, MeetingAddress
from partnership.commands.base import CommandBase, CommandResult, command
from partnership.commands.envelope import Envelope
from partnership.commands.governance import SCRUTINY_KINDS
from partnership.commands.partnerships import registered_authority_name
from partnership.domain import InvalidInput, normalise_key
from partnership.governance import (
    ChangeBeforeEstablishment,
    GoverningBody,
    GoverningBodyNotFound,
    governing_body_id,
)
from partnership.limits import check_list
from partnership.meetings import (
    SUPERSEDED,
    DecisionAlreadySuperseded,
    Meeting,
    MeetingAlreadyRecorded,
    MeetingNotFound,
    check_apologies,
    check_attendees,
)
from partnership.partnerships import (
    OutOfDateOrder,
)

# The corrections that name authorities, each with the input checks of its list.
PEOPLE_CHECKS = {"attendees": check_attendees, "apologies": check_apologies}


class MeetingCommands(CommandBase):
    @command
    def plan_meeting(self, *, meeting: MeetingAddress, envelope: Envelope) -> CommandResult:
        """Put a meeting on the record ahead of it: its day may be in the future, the
        provenance (when it was planned) may not."""
        owner = self._meeting_body(meeting)
        planned = Meeting.plan(
            owner.partnership,
            owner.name,
            meeting.day,
            envelope.provenance,
            envelope.actor,
            meeting.sequence,
        )
        return self.record_new(planned, lambda: MeetingAlreadyRecorded(owner.name, meeting.day))

    @command
    def record_meeting_held(
        self,
        *,
        meeting: MeetingAddress,
        attendees: list[dict[str, Any]],
        apologies: list[dict[str, Any]],
        declarations: list[dict[str, Any]] | None,
        envelope: Envelope,
    ) -> CommandResult:
        """Record a meeting as held on its day (the effective date), from its minutes.

        A planned meeting is marked held; otherwise the meeting is recorded anew. Either way
        it keeps the body's members and decision rule as they stood on the day. The expected
        version applies to the planned meeting, when there is one.
        `declarations`: None if the minutes are silent, [] if no interests were declared.
        """
        provenance, actor = envelope.provenance, envelope.actor
        owner = self._meeting_body(meeting)
        members, rule = self._voting_members(owner, meeting.day), owner.rule_on(meeting.day)
        held_at = MeetingAddress(owner.partnership, owner.name, meeting.day, meeting.sequence)
        planned = self._find_meeting(held_at)
        if planned is not None:
            self.check_version(planned, envelope)
        attendees = self._as_registered(check_attendees(attendees), "attendees")
        apologies = self._as_registered(check_apologies(apologies), "apologies")
        if planned is not None:
            planned.mark_held(attendees, apologies, declarations, members, rule, provenance, actor)
            return self.record_changes(planned)
        held = Meeting.record_held(
            owner.partnership,
            owner.name,
            meeting.day,
            attendees,
            apologies,
            declarations,
            members,
            rule,
            provenance,
            actor,
            meeting.sequence,
        )
        return self.record_new(held, lambda: MeetingAlreadyRecorded(owner.name, meeting.day))

    @command
    def cancel_meeting(
        self, *, meeting: MeetingAddress, reason: str, envelope: Envelope
    ) -> CommandResult:
        return self.change_one(
            self.get_meeting(meeting),
            envelope,
            lambda m: m.cancel(reason, envelope.provenance, envelope.actor),
        )

    @command
    def record_agenda_item(
        self, *, meeting: MeetingAddress, number: str, title: str, envelope: Envelope
    ) -> CommandResult:
        return self.change_one(
            self.get_meeting(meeting),
            envelope,
            lambda m: m.record_agenda_item(number, title, envelope.provenance, envelope.actor),
        )

    @command
    def correct_agenda_item_title(
        self,
        *,
        meeting: MeetingAddress,
        number: str,
        title: str,
        reason: str,
        envelope: Envelope,
    ) -> CommandResult:
        return self.change_one(
            self.get_meeting(meeting),
            envelope,
            lambda m: m.correct_agenda_item_title(
                number, title, reason, envelope.provenance, envelope.actor
            ),
        )

    @command
    def record_decision(
        self,
        *,
        meeting: MeetingAddress,
        item: str,
        wording: str,
        form: str,
        votes: Mapping[str, str],
        supersedes: DecisionAddress | None = None,
        how: str = SUPERSEDED,
        envelope: Envelope,
    ) -> CommandResult:
        """Record a decision under an agenda item (effective on the meeting date); the
        result's `number` is the decision's number.

        With `supersedes`, the earlier decision is marked `how` ("revised" or "superseded")
        by this one, in the same save; an already superseded decision is refused.
        """
        provenance, actor = envelope.provenance, envelope.actor
        deciding = self.get_meeting(meeting)
        self.check_version(deciding, envelope)
        earlier = None if supersedes is None else self._supersedable(deciding, supersedes)
        reference = None if earlier is None else _reference(*earlier)
        number = deciding.record_decision(
            item,
            wording,
            form,
            _votes_by_member(self._registered_voters(votes), deciding.members),
            provenance,
            actor,
            reference,
        )
        changed = [deciding]
        if earlier is not None:
            old, old_number = earlier
            old.record_supersession(
                old_number, _reference(deciding, number), how, provenance, actor
            )
            if old is not deciding:
                changed.append(old)
        return self.record_changes(*changed, number=number)

    @command
    def record_electronic_response(
        self,
        *,
        meeting: MeetingAddress,
        decision_number: str,
        authority: str,
        vote: str,
        received_on: date,
        envelope: Envelope,
    ) -> CommandResult:
        """An absent member's vote on a decision of the meeting; the provenance's effective
        date is `received_on`."""
        found = self.get_meeting(meeting)
        responding = registered_authority_name(self, authority)
        return self.change_one(
            found,
            envelope,
            lambda m: m.record_electronic_response(
                decision_number,
                _as_member(responding, m.members),
                vote,
                received_on,
                envelope.provenance,
                envelope.actor,
            ),
        )

    @command
    def correct_decision_wording(
        self,
        *,
        meeting: MeetingAddress,
        decision_number: str,
        wording: str,
        reason: str,
        envelope: Envelope,
    ) -> CommandResult:
        return self.change_one(
            self.get_meeting(meeting),
            envelope,
            lambda m: m.correct_decision_wording(
                decision_number, wording, reason, envelope.provenance, envelope.actor
            ),
        )

    @command
    def correct_meeting(
        self,
        *,
        meeting: MeetingAddress,
        corrects_version: int,
        field: str,
        value: Any,
        reason: str,
        envelope: Envelope,
    ) -> CommandResult:
        """Correct the attendees, apologies or declarations, each as a whole list."""
        found = self.get_meeting(meeting)
        self.check_version(found, envelope)
        if field in PEOPLE_CHECKS:
            value = self._as_registered(PEOPLE_CHECKS[field](value), "value")
        found.correct(corrects_version, field, value, reason, envelope.provenance, envelope.actor)
        return self.record_changes(found)

    def get_meeting(self, meeting: MeetingAddress) -> Meeting:
        return self.load(
            Meeting,
            meeting.id,
            lambda: MeetingNotFound(meeting.body, meeting.day, meeting.sequence),
        )

    def _as_registered(self, people: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
        """Checked rows of people, each with its authority as registered."""
        registered: dict[str, str] = {}
        for row in people:
            named = normalise_key(row["authority"])
            if named not in registered:
                registered[named] = registered_authority_name(self, row["authority"], field)
        return [{**row, "authority": registered[normalise_key(row["authority"])]} for row in people]

    def _registered_voters(self, votes: Mapping[str, str]) -> list[tuple[str, str]]:
        """Each vote, with its authority as registered."""
        check_list(list(votes), "votes", "The votes")
        return [
            (registered_authority_name(self, authority, "votes"), vote)
            for authority, vote in votes.items()
        ]

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

    def _meeting_body(self, meeting: MeetingAddress) -> GoverningBody:
        """The body meeting that day: it exists and had been established by then."""
        partnership, body, day = meeting.partnership, meeting.body, meeting.day
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

    def _find_meeting(self, meeting: MeetingAddress) -> Meeting | None:
        try:
            found: Aggregate = self.repository.get(meeting.id)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, Meeting) else None

    def _supersedable(self, meeting: Meeting, ref: DecisionAddress) -> tuple[Meeting, str]:
        """The earlier meeting and decision `meeting` may supersede (checked across both)."""
        if ref.meeting.id == meeting.id:
            # Within one meeting, Meeting.record_decision makes every check itself.
            return meeting, meeting.decision(ref.number, "supersedes")["number"]
        try:
            old = self.get_meeting(ref.meeting)
        except MeetingNotFound as error:
            error.field = "supersedes"
            raise
        decision = old.decision(ref.number, "supersedes")
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


def _votes_by_member(votes: Iterable[tuple[str, str]], members: list[str] | None) -> dict[str, str]:
    """Votes keyed by the members' names; one authority named twice is refused, not merged."""
    named: dict[str, str] = {}
    for authority, vote in votes:
        member = _as_member(authority, members)
        if member in named:
            raise InvalidInput(f"{member}'s vote is given twice.", "votes")
        named[member] = vote
    return named
