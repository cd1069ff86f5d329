"""Meetings of bodies: planning, holding, agendas, decisions, electronic responses, supersession.

Rules that need more than one aggregate live here:
- a meeting is of an existing body, on or after the day it was established, and is recorded
  under the partnership's and the body's names as they were established; a meeting of an
  authority's own body is addressed by the authority's name where a partnership's would be,
  and recorded under the authority's (`CommandBase.owned_key`);
- those who vote at a held meeting are the body's members that day; at a partnership's body
  (not a scrutiny one) only those still partners, while an authority's own body answers to no
  partnership, so all its members that day vote;
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
from uuid import UUID

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
    owned_body_id,
)
from partnership.limits import check_list
from partnership.meetings import (
    SUPERSEDED,
    DecisionAlreadySuperseded,
    Meeting,
    MeetingAlreadyRecorded,
    MeetingDateAlias,
    MeetingDateTaken,
    MeetingNotFound,
    check_apologies,
    check_attendees,
    meeting_id,
)
from partnership.partnerships import (
    OutOfDateOrder,
)
from partnership.revisions import (
    FactCorrection,
    FactWithdrawal,
    RecordWithdrawn,
    RevisionBreaksRule,
    is_withdrawn,
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
            owner.authority,
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
        held_at = meeting_id(
            owner.partnership, owner.name, meeting.day, meeting.sequence, owner.authority
        )
        planned = self._meeting_stored(held_at, meeting.day)
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
            owner.authority,
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
        found = self._find_meeting(meeting)
        if found is None:
            raise MeetingNotFound(meeting.body, meeting.day, meeting.sequence)
        return found

    def _as_registered(self, people: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
        return registered_people(self, people, field)

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
        nobody recorded its removal from each one. An authority's own body answers to no
        partnership: its members that day vote.
        """
        members = body.members_on(day)
        if body.kind in SCRUTINY_KINDS or body.partnership is None:
            return members
        partnership = self.get_partnership(body.partnership)
        return [member for member in members if partnership.is_member(member, day)]

    def _meeting_body(self, meeting: MeetingAddress) -> GoverningBody:
        """The body meeting that day: it exists and had been established by then."""
        body, day = meeting.body, meeting.day
        owner = self.load_owned(
            GoverningBody,
            meeting.partnership,
            lambda partnership, authority: owned_body_id(partnership, authority, body),
            lambda named: GoverningBodyNotFound(named, body),
        )
        if day < owner.established_on:
            raise ChangeBeforeEstablishment(
                f"{owner.name} was established on {owner.established_on.isoformat()}; it "
                f"cannot meet on {day.isoformat()}.",
                "meetingDate",
            )
        return owner

    def meeting_key(self, meeting: MeetingAddress) -> UUID:
        """Where the meeting `meeting` names is kept (or its date's alias): of a partnership's
        body, or, where the partnership has none there and the name is a registered
        authority's, of that authority's own body (`CommandBase.owned_key`)."""
        key, _ = self.owned_key(
            meeting.partnership,
            lambda partnership, authority: meeting_id(
                partnership, meeting.body, meeting.day, meeting.sequence, authority
            ),
            (Meeting, MeetingDateAlias),
        )
        return key

    def _find_meeting(self, meeting: MeetingAddress) -> Meeting | None:
        """The meeting now dated as `meeting` says: at the id of that date, or named there by
        the alias its corrected date left. A meeting whose date was corrected away from the
        day asked is not that day's."""
        return self._meeting_stored(self.meeting_key(meeting), meeting.day)

    def _meeting_stored(self, key: UUID, day: date) -> Meeting | None:
        found = _stored(self, key)
        if isinstance(found, MeetingDateAlias):
            found = _stored(self, found.meeting)
        if not isinstance(found, Meeting) or found.meeting_date != day:
            return None
        if is_withdrawn(found):
            raise RecordWithdrawn(f"The meeting of {found.body} on {day.isoformat()}")
        return found

    def _supersedable(self, meeting: Meeting, ref: DecisionAddress) -> tuple[Meeting, str]:
        """The earlier meeting and decision `meeting` may supersede (checked across both)."""
        if self.meeting_key(ref.meeting) == meeting.id:
            # Within one meeting, Meeting.record_decision makes every check itself.
            return meeting, meeting.decision(ref.number, "supersedes")["number"]
        try:
            old = self.get_meeting(ref.meeting)
        except MeetingNotFound as error:
            error.field = "supersedes"
            raise
        if old.id == meeting.id:
            # The same meeting, named by the date it was corrected to.
            return meeting, meeting.decision(ref.number, "supersedes")["number"]
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


def registered_people(
    commands: CommandBase, people: list[dict[str, Any]], field: str
) -> list[dict[str, Any]]:
    """Checked rows of people, each with its authority as registered."""
    registered: dict[str, str] = {}
    for row in people:
        named = normalise_key(row["authority"])
        if named not in registered:
            registered[named] = registered_authority_name(commands, row["authority"], field)
    return [{**row, "authority": registered[normalise_key(row["authority"])]} for row in people]


def meeting_revised(
    commands: CommandBase, before: Meeting, changes: Mapping[str, Any], envelope: Envelope
) -> list[Aggregate]:
    """What must hold beyond the meeting itself once a revision changes it, and what must be
    saved with it: supersessions across meetings stay in date order and never name a decision
    the revision takes away, and a corrected date takes its place in the record (an alias).
    """
    decisions = changes.get("decisions", before.decisions)
    if changes.get("withdrawn"):
        decisions = {}
    for number, decision in before.decisions.items():
        if number not in decisions:
            _check_no_link_elsewhere(before, number, decision)
    day = changes.get("meeting_date")
    if day is None or day == before.meeting_date:
        return []
    for decision in decisions.values():
        _check_in_date_order(commands, before, decision, day)
    alias = _date_alias(commands, before, day, envelope)
    return [] if alias is None else [alias]


def facts_dated_with_meeting(history: Iterable[Any], day: date) -> list[int]:
    """The versions of the facts that take effect on the meeting's date (its being held, its
    decisions) and now read `day`: when the meeting's date is corrected they move with it."""
    dated: dict[int, date] = {}
    for fact in history:
        if isinstance(fact, Meeting.Held | Meeting.DecisionRecorded):
            dated[fact.originator_version] = fact.effective_date
        elif isinstance(fact, FactCorrection) and fact.field == "effective_date":
            if fact.revises_version in dated:
                dated[fact.revises_version] = fact.value
        elif isinstance(fact, FactWithdrawal):
            dated.pop(fact.revises_version, None)
    return [version for version, on in dated.items() if on == day]


def refused_date(commands: CommandBase, moved: Meeting, day: date) -> MeetingDateTaken | None:
    """Why `moved` could not take `day`, when another meeting took it meanwhile."""
    key = moved.id_on(day)
    held = _stored(commands, key)
    if held is None or (isinstance(held, MeetingDateAlias) and held.meeting == moved.id):
        return None
    return MeetingDateTaken(moved.body, day, moved.sequence)


def _date_alias(
    commands: CommandBase, meeting: Meeting, day: date, envelope: Envelope
) -> MeetingDateAlias | None:
    key = meeting.id_on(day)
    if key == meeting.id:
        return None  # back to the date it was first recorded under, which it still holds
    held = _stored(commands, key)
    if held is None:
        return MeetingDateAlias.naming(meeting, day, envelope.provenance, envelope.actor)
    if isinstance(held, MeetingDateAlias) and held.meeting == meeting.id:
        return None  # back to a date it held before, which stays its own
    raise MeetingDateTaken(meeting.body, day, meeting.sequence)


def _check_no_link_elsewhere(meeting: Meeting, number: str, decision: dict[str, Any]) -> None:
    """A decision taken away must not leave another meeting's decision pointing at it."""
    for link, words in (("supersedes", "supersedes"), ("superseded_by", "was superseded by")):
        other = decision[link]
        if other is not None and other["meeting_id"] != str(meeting.id):
            raise RevisionBreaksRule(
                f"Decision {number} {words} decision {other['decision']} of another meeting, "
                "and that meeting records the supersession too; it stands, so the decision "
                "cannot be taken away.",
                "version",
            )


def _check_in_date_order(
    commands: CommandBase, meeting: Meeting, decision: dict[str, Any], day: date
) -> None:
    for link in ("supersedes", "superseded_by"):
        other = decision[link]
        if other is None or other["meeting_id"] == str(meeting.id):
            continue
        found = _stored(commands, UUID(other["meeting_id"]))
        if not isinstance(found, Meeting):
            continue
        earlier, later = (found, None) if link == "supersedes" else (None, found)
        if (earlier is not None and day < earlier.meeting_date) or (
            later is not None and later.meeting_date < day
        ):
            how = "supersedes" if later is None else "was superseded by"
            raise OutOfDateOrder(
                f"Decision {decision['number']} {how} decision {other['decision']} of the "
                "meeting on "
                f"{found.meeting_date.isoformat()}; a meeting on {day.isoformat()} would put "
                "them out of date order.",
                "value",
            )


def _stored(commands: CommandBase, key: UUID) -> Aggregate | None:
    try:
        found: Aggregate = commands.repository.get(key)
    except AggregateNotFoundError:
        return None
    return found
