"""Authorities and the partnerships they form: vision, membership over time, governing bodies.

Membership is history, not a set: who votes at a meeting depends on who was a member on the
meeting's date, and an authority may leave and later rejoin.
"""

from collections.abc import Iterable, Mapping
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
    TEXT_MAX,
)

COUNTY = "county"
DISTRICT = "district"
UNITARY = "unitary"
AUTHORITY_KINDS = (COUNTY, DISTRICT, UNITARY)

LEAD = "lead"
HOST = "host"
PARTNER = "partner"
MEMBER_ROLES = (LEAD, HOST, PARTNER)


class AuthorityNotFound(NotFound):
    code = "authority_not_found"

    def __init__(self, name: str) -> None:
        super().__init__(f"There is no authority registered as {name!r}.", "authority")


class AuthorityAlreadyRegistered(AlreadyExists):
    code = "authority_already_registered"

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} is already registered as an authority.", "name")


class PartnershipNotFound(NotFound):
    code = "partnership_not_found"

    def __init__(self, name: str) -> None:
        super().__init__(f"There is no partnership called {name!r}.", "partnership")


class PartnershipAlreadyFormed(AlreadyExists):
    code = "partnership_already_formed"

    def __init__(self, name: str) -> None:
        super().__init__(
            f"A partnership called {name!r} has already been recorded; "
            "a name identifies one partnership for good.",
            "name",
        )


class AlreadyAMember(AlreadyExists):
    code = "already_a_member"


class NotAMember(RuleViolation):
    code = "not_a_member"


class LeadAlreadyTaken(RuleViolation):
    code = "lead_already_taken"


class RoleUnchanged(RuleViolation):
    code = "role_unchanged"


class VisionAlreadyRecorded(AlreadyExists):
    code = "vision_already_recorded"


class BodyAlreadyEstablished(AlreadyExists):
    code = "body_already_established"


class ChangeBeforeFormation(RuleViolation):
    code = "change_before_formation"


class OutOfDateOrder(RuleViolation):
    """A dated fact that would come before a fact it follows from (joining before leaving)."""

    code = "out_of_date_order"


def authority_id(name: str) -> UUID:
    return natural_id("authority", name)


def partnership_id(name: str) -> UUID:
    return natural_id("partnership", name)


def in_force_on(entries: Iterable[Mapping[str, Any]], day: date) -> Mapping[str, Any] | None:
    """The entry with the latest effective date on or before `day`.

    Entries are in the order recorded, so on a tie the later-recorded one wins: a revision
    entered late for the same date replaces what was recorded before it.
    """
    chosen: Mapping[str, Any] | None = None
    for entry in entries:
        if entry["effective_date"] <= day and (
            chosen is None or entry["effective_date"] >= chosen["effective_date"]
        ):
            chosen = entry
    return chosen


def entry_dated(entries: Iterable[Mapping[str, Any]], day: date) -> Mapping[str, Any] | None:
    """The entry in force on `day` if it was recorded for that very day.

    Recording the same content again for that day is a double entry and changes nothing.
    The same content on a later day is a real reaffirmation and is kept: were an earlier-dated
    change entered late, dropping the reaffirmation would wrongly let that change run on.
    """
    in_force = in_force_on(entries, day)
    if in_force is None or in_force["effective_date"] != day:
        return None
    return in_force


def _checked_choice(value: Any, choices: tuple[str, ...], field: str, label: str) -> str:
    if value not in choices:
        raise InvalidInput(f"{label} must be one of {', '.join(choices)}, not {value!r}.", field)
    return str(value)


def _check_authority_kind(value: Any) -> str:
    return _checked_choice(value, AUTHORITY_KINDS, "value", "The kind of authority")


def _check_purpose(value: Any) -> str:
    return require_text(value, "value", "The partnership's purpose", TEXT_MAX, multiline=True)


class Authority(Aggregate, Correctable):
    """A public authority (a county, district or unitary council) that joins partnerships."""

    correctable_fields = {"kind": _check_authority_kind}

    class Event(RecordedEvent, Aggregate.Event):
        pass

    class Registered(Event, Aggregate.Created):
        name: str
        kind: str

    class Corrected(Event, Correction):
        pass

    @staticmethod
    def create_id(name: str) -> UUID:
        return authority_id(name)

    @classmethod
    def register(cls, name: str, kind: str, provenance: Provenance, actor: Actor) -> "Authority":
        return cls(
            name=require_text(name, "name", "The authority's name"),
            kind=_checked_choice(kind, AUTHORITY_KINDS, "kind", "The kind of authority"),
            **provenance.event_fields(actor),
        )

    @event(Registered)
    def __init__(
        self,
        name: str,
        kind: str,
        effective_date: date,
        source: str,
        recorded_by: str,
        recorded_by_authority: str,
        recorded_by_id: str,
    ) -> None:
        self.name = name
        self.kind = kind
        self.registered_on = effective_date


class Partnership(Aggregate, Correctable):
    """A standing arrangement between authorities to share services, for its whole life.

    `memberships` holds every membership in the order recorded, past and current:
    {"authority", "joined_on", "left_on", "leaving_reason", "roles"}, where "roles" lists
    {"role", "effective_date"} in date order. A member is a member from the day it joins
    until the day before it leaves.
    """

    correctable_fields = {"purpose": _check_purpose}

    class Event(RecordedEvent, Aggregate.Event):
        pass

    class Formed(Event, Aggregate.Created):
        name: str
        purpose: str

    class VisionStated(Event):
        vision_statement: str

        def apply(self, aggregate: "Partnership") -> None:
            aggregate.visions.append(
                {"text": self.vision_statement, "effective_date": self.effective_date}
            )

    class MemberAdmitted(Event):
        authority: str
        role: str

        def apply(self, aggregate: "Partnership") -> None:
            aggregate.memberships.append(
                {
                    "authority": self.authority,
                    "joined_on": self.effective_date,
                    "left_on": None,
                    "leaving_reason": None,
                    "roles": [{"role": self.role, "effective_date": self.effective_date}],
                }
            )

    class MemberRoleChanged(Event):
        authority: str
        previous_role: str
        role: str

        def apply(self, aggregate: "Partnership") -> None:
            membership = aggregate._current_membership(self.authority)
            assert membership is not None, "a role changes only for a current member"
            membership["roles"].append({"role": self.role, "effective_date": self.effective_date})

    class MemberLeft(Event):
        authority: str
        reason: str

        def apply(self, aggregate: "Partnership") -> None:
            membership = aggregate._current_membership(self.authority)
            assert membership is not None, "only a current member leaves"
            membership["left_on"] = self.effective_date
            membership["leaving_reason"] = self.reason

    class BodyEstablished(Event):
        body_name: str

        def apply(self, aggregate: "Partnership") -> None:
            aggregate.bodies.append({"name": self.body_name, "established_on": self.effective_date})

    class Corrected(Event, Correction):
        pass

    @staticmethod
    def create_id(name: str) -> UUID:
        return partnership_id(name)

    @classmethod
    def form(cls, name: str, purpose: str, provenance: Provenance, actor: Actor) -> "Partnership":
        return cls(
            name=require_text(name, "name", "The partnership's name"),
            purpose=require_text(
                purpose, "purpose", "The partnership's purpose", TEXT_MAX, multiline=True
            ),
            **provenance.event_fields(actor),
        )

    @event(Formed)
    def __init__(
        self,
        name: str,
        purpose: str,
        effective_date: date,
        source: str,
        recorded_by: str,
        recorded_by_authority: str,
        recorded_by_id: str,
    ) -> None:
        self.name = name
        self.purpose = purpose
        self.formed_on = effective_date
        self.visions: list[dict[str, Any]] = []
        self.memberships: list[dict[str, Any]] = []
        self.bodies: list[dict[str, Any]] = []

    # Vision

    @property
    def vision(self) -> str | None:
        """The vision statement with the latest effective date."""
        latest = in_force_on(self.visions, date.max)
        return None if latest is None else str(latest["text"])

    def vision_on(self, day: date) -> str | None:
        in_force = in_force_on(self.visions, day)
        return None if in_force is None else str(in_force["text"])

    def state_vision(self, vision_statement: str, provenance: Provenance, actor: Actor) -> None:
        """Record the vision statement as agreed from the effective date (it is revised)."""
        self._check_not_before_formation(provenance)
        text = require_text(
            vision_statement, "visionStatement", "The vision statement", TEXT_MAX, multiline=True
        )
        same_day = entry_dated(self.visions, provenance.effective_date)
        if same_day is not None and same_day["text"] == text:
            raise VisionAlreadyRecorded(
                f"That vision statement is already recorded as stated on "
                f"{provenance.effective_date.isoformat()}.",
                "visionStatement",
            )
        self.trigger_event(
            self.VisionStated, vision_statement=text, **provenance.event_fields(actor)
        )

    # Membership

    @property
    def members(self) -> dict[str, dict[str, Any]]:
        """Current members (not yet recorded as leaving): authority -> role, joined_on, left_on."""
        return {
            m["authority"]: {
                "role": m["roles"][-1]["role"],
                "joined_on": m["joined_on"],
                "left_on": None,
            }
            for m in self.memberships
            if m["left_on"] is None
        }

    def is_member(self, authority: str, on: date) -> bool:
        return self._membership_on(authority, on) is not None

    def member_authorities(self, on: date) -> list[str]:
        """The authorities that were members on `on`: those that vote at a meeting that day."""
        return sorted(m["authority"] for m in self.memberships if _member_on(m, on))

    def role_on(self, authority: str, on: date) -> str | None:
        membership = self._membership_on(authority, on)
        if membership is None:
            return None
        in_force = in_force_on(membership["roles"], on)
        return None if in_force is None else str(in_force["role"])

    def lead_on(self, on: date) -> str | None:
        for authority in self.member_authorities(on):
            if self.role_on(authority, on) == LEAD:
                return authority
        return None

    def admit_member(self, authority: str, role: str, provenance: Provenance, actor: Actor) -> None:
        """Record an authority joining the partnership, in a role, from the effective date."""
        self._check_not_before_formation(provenance)
        authority = require_text(authority, "authority", "The authority")
        role = _checked_choice(role, MEMBER_ROLES, "role", "The member's role")
        day = provenance.effective_date
        if self._current_membership(authority) is not None:
            raise AlreadyAMember(f"{authority} is already a member of {self.name}.", "authority")
        last_left = max(
            (m["left_on"] for m in self.memberships if _same(m["authority"], authority)),
            default=None,
        )
        if last_left is not None and day < last_left:
            raise OutOfDateOrder(
                f"{authority} left {self.name} on {last_left.isoformat()}; it cannot rejoin "
                f"on an earlier date ({day.isoformat()}).",
                "effectiveDate",
            )
        if role == LEAD:
            self._check_lead_free(authority, day)
        self.trigger_event(
            self.MemberAdmitted, authority=authority, role=role, **provenance.event_fields(actor)
        )

    def change_member_role(
        self, authority: str, role: str, provenance: Provenance, actor: Actor
    ) -> None:
        """Record a member taking a new role (e.g. becoming the lead authority)."""
        membership = self._require_current_membership(authority)
        role = _checked_choice(role, MEMBER_ROLES, "role", "The member's role")
        day = provenance.effective_date
        latest = membership["roles"][-1]
        if role == latest["role"]:
            raise RoleUnchanged(
                f"{membership['authority']} is already the {role} member of {self.name}.", "role"
            )
        if day < latest["effective_date"]:
            raise OutOfDateOrder(
                f"{membership['authority']}'s role was last recorded as changing on "
                f"{latest['effective_date'].isoformat()}; a new role cannot take effect "
                f"earlier ({day.isoformat()}).",
                "effectiveDate",
            )
        if role == LEAD:
            self._check_lead_free(membership["authority"], day)
        self.trigger_event(
            self.MemberRoleChanged,
            authority=membership["authority"],
            previous_role=latest["role"],
            role=role,
            **provenance.event_fields(actor),
        )

    def record_member_leaving(
        self, authority: str, reason: str, provenance: Provenance, actor: Actor
    ) -> None:
        """Record a member leaving the partnership; from the effective date it no longer votes."""
        membership = self._require_current_membership(authority)
        reason = require_text(reason, "reason", "The reason for leaving", TEXT_MAX, multiline=True)
        day = provenance.effective_date
        latest = membership["roles"][-1]["effective_date"]
        if day < latest:
            raise OutOfDateOrder(
                f"{membership['authority']}'s membership was last recorded as changing on "
                f"{latest.isoformat()}; it cannot leave earlier ({day.isoformat()}).",
                "effectiveDate",
            )
        self.trigger_event(
            self.MemberLeft,
            authority=membership["authority"],
            reason=reason,
            **provenance.event_fields(actor),
        )

    # Governing bodies

    @property
    def body_names(self) -> list[str]:
        return [body["name"] for body in self.bodies]

    def establish_body(self, body_name: str, provenance: Provenance, actor: Actor) -> None:
        """Record that the partnership has a governing body (the body is a GoverningBody)."""
        self._check_not_before_formation(provenance)
        body_name = require_text(body_name, "bodyName", "The governing body's name")
        if any(_same(existing, body_name) for existing in self.body_names):
            raise BodyAlreadyEstablished(
                f"{self.name} already has a governing body called {body_name!r}.", "bodyName"
            )
        self.trigger_event(
            self.BodyEstablished, body_name=body_name, **provenance.event_fields(actor)
        )

    # Checks shared by the commands

    def _check_not_before_formation(self, provenance: Provenance) -> None:
        if provenance.effective_date < self.formed_on:
            raise ChangeBeforeFormation(
                f"The effective date {provenance.effective_date.isoformat()} is before "
                f"{self.name} was formed ({self.formed_on.isoformat()}).",
                "effectiveDate",
            )

    def _check_lead_free(self, authority: str, day: date) -> None:
        """At most one lead on any day: no other member may be lead on or after `day`."""
        for membership in self.memberships:
            if _same(membership["authority"], authority):
                continue
            for start, end, role in _role_periods(membership):
                if role == LEAD and (end is None or end > day):
                    raise LeadAlreadyTaken(
                        f"{membership['authority']} is the lead authority of {self.name} "
                        f"from {start.isoformat()}; a partnership has at most one lead.",
                        "role",
                    )

    def _require_current_membership(self, authority: str) -> dict[str, Any]:
        authority = require_text(authority, "authority", "The authority")
        membership = self._current_membership(authority)
        if membership is None:
            raise NotAMember(f"{authority} is not a member of {self.name}.", "authority")
        return membership

    def _current_membership(self, authority: str) -> dict[str, Any] | None:
        for membership in self.memberships:
            if membership["left_on"] is None and _same(membership["authority"], authority):
                return membership
        return None

    def _membership_on(self, authority: str, on: date) -> dict[str, Any] | None:
        for membership in self.memberships:
            if _same(membership["authority"], authority) and _member_on(membership, on):
                return membership
        return None


def _same(name: str, other: str) -> bool:
    return normalise_key(name) == normalise_key(other)


def _member_on(membership: Mapping[str, Any], day: date) -> bool:
    left_on = membership["left_on"]
    return bool(membership["joined_on"] <= day and (left_on is None or day < left_on))


def _role_periods(membership: Mapping[str, Any]) -> list[tuple[date, date | None, str]]:
    """Each role a membership held, as (from, until or None if still held, role)."""
    roles = membership["roles"]
    ends = [r["effective_date"] for r in roles[1:]] + [membership["left_on"]]
    return [(r["effective_date"], end, r["role"]) for r, end in zip(roles, ends, strict=True)]
