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
    check_list,
)
from partnership.revisions import FactCorrection, FactWithdrawal, Revisable

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


class RoleAlreadyHeld(AlreadyExists):
    code = "role_already_held"


class RoleNotHeld(RuleViolation):
    code = "role_not_held"


class LastRoleHeld(RuleViolation):
    """A member always holds a role: the last one is changed, not taken away."""

    code = "last_role_held"


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


def one_owner(partnership: str | None, authority: str | None) -> tuple[str | None, str | None]:
    """A body or project belongs to a partnership or to one authority (a district's Executive,
    its own projects): exactly one of the two is named; a blank name counts as none."""
    named_partnership = partnership if partnership is not None and partnership.strip() else None
    named_authority = authority if authority is not None and authority.strip() else None
    if named_partnership is not None and named_authority is not None:
        raise InvalidInput(
            "Name either the partnership or the authority it belongs to, not both.", "authority"
        )
    if named_partnership is None and named_authority is None:
        raise InvalidInput("Name the partnership or the authority it belongs to.", "partnership")
    if named_authority is None:
        return require_text(named_partnership or "", "partnership", "The partnership"), None
    return None, require_text(named_authority, "authority", "The owning authority")


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


class Authority(Aggregate, Correctable, Revisable):
    """A public authority (a county, district or unitary council) that joins partnerships."""

    correctable_fields = {"kind": _check_authority_kind}

    # What names the record: a wrong one is withdrawn and the record recorded again.
    identity_fields = frozenset({"name"})
    # Its commands do not refuse facts dated before its first.
    facts_follow_first = False

    class Event(RecordedEvent, Aggregate.Event):
        pass

    class Registered(Event, Aggregate.Created):
        name: str
        kind: str

    class Corrected(Event, Correction):
        pass

    class FactCorrected(Event, FactCorrection):
        pass

    class FactWithdrawn(Event, FactWithdrawal):
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


class Partnership(Aggregate, Correctable, Revisable):
    """A standing arrangement between authorities to share services, for its whole life.

    `memberships` holds every membership in the order recorded, past and current:
    {"authority", "joined_on", "left_on", "leaving_reason", "roles"}, where "roles" lists each
    role held, {"role", "effective_date", "until"}, in the order recorded. A member may hold
    several roles at once (the county is lead and host); a role is held from its effective
    date until the day before "until" (None: until the member leaves). A member is a member
    from the day it joins until the day before it leaves.
    """

    correctable_fields = {"purpose": _check_purpose}

    # What names the record: a wrong one is withdrawn and the record recorded again.
    identity_fields = frozenset({"name"})

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
        # Roles held from joining besides `role`; none for admissions recorded before a member
        # could hold several.
        additional_roles: tuple[str, ...] = ()

        def apply(self, aggregate: "Partnership") -> None:
            aggregate.memberships.append(
                {
                    "authority": self.authority,
                    "joined_on": self.effective_date,
                    "left_on": None,
                    "leaving_reason": None,
                    "roles": [
                        _held(role, self.effective_date)
                        for role in (self.role, *self.additional_roles)
                    ],
                }
            )

    class MemberRoleChanged(Event):
        """Every role held ends, and `role` alone is held from the effective date."""

        authority: str
        previous_role: str
        role: str

        def apply(self, aggregate: "Partnership") -> None:
            membership = aggregate._current_membership(self.authority)
            assert membership is not None, "a role changes only for a current member"
            for held in _open_roles(membership):
                held["until"] = self.effective_date
            membership["roles"].append(_held(self.role, self.effective_date))

    class MemberRoleGiven(Event):
        """A member takes on one more role, keeping those it holds."""

        authority: str
        role: str

        def apply(self, aggregate: "Partnership") -> None:
            membership = aggregate._current_membership(self.authority)
            assert membership is not None, "a role is given only to a current member"
            membership["roles"].append(_held(self.role, self.effective_date))

    class MemberRoleTaken(Event):
        """A member stops holding one of its roles, keeping the others."""

        authority: str
        role: str

        def apply(self, aggregate: "Partnership") -> None:
            membership = aggregate._current_membership(self.authority)
            assert membership is not None, "a role is taken only from a current member"
            for held in _open_roles(membership):
                if held["role"] == self.role:
                    held["until"] = self.effective_date

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

    class FactCorrected(Event, FactCorrection):
        pass

    class FactWithdrawn(Event, FactWithdrawal):
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
                "role": _principal([held["role"] for held in _open_roles(m)]),
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

    def roles_on(self, authority: str, on: date) -> list[str]:
        """Every role the member held on `on`, lead first, then host, then partner."""
        membership = self._membership_on(authority, on)
        if membership is None:
            return []
        return _in_order(
            held["role"]
            for held in membership["roles"]
            if held["effective_date"] <= on and (held.get("until") is None or on < held["until"])
        )

    def role_on(self, authority: str, on: date) -> str | None:
        """The foremost role the member held on `on` (lead, else host, else partner)."""
        roles = self.roles_on(authority, on)
        return roles[0] if roles else None

    def lead_on(self, on: date) -> str | None:
        for authority in self.member_authorities(on):
            if self.role_on(authority, on) == LEAD:
                return authority
        return None

    def admit_member(
        self,
        authority: str,
        role: str,
        provenance: Provenance,
        actor: Actor,
        additional_roles: Iterable[str] = (),
    ) -> None:
        """Record an authority joining the partnership, in a role (and any additional roles,
        as a county that is lead and host), from the effective date."""
        self._check_not_before_formation(provenance)
        authority = require_text(authority, "authority", "The authority")
        role = _checked_choice(role, MEMBER_ROLES, "role", "The member's role")
        additional = _additional_roles(role, additional_roles)
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
        if LEAD in (role, *additional):
            self._check_lead_free(authority, day)
        self.trigger_event(
            self.MemberAdmitted,
            authority=authority,
            role=role,
            additional_roles=additional,
            **provenance.event_fields(actor),
        )

    def change_member_role(
        self, authority: str, role: str, provenance: Provenance, actor: Actor
    ) -> None:
        """Record a member taking a new role in place of every role it holds (e.g. becoming
        the lead authority)."""
        membership = self._require_current_membership(authority)
        role = _checked_choice(role, MEMBER_ROLES, "role", "The member's role")
        day = provenance.effective_date
        held = [entry["role"] for entry in _open_roles(membership)]
        if held == [role]:
            raise RoleUnchanged(
                f"{membership['authority']} is already the {role} member of {self.name}.", "role"
            )
        self._check_not_before_last_change(membership, day, "a new role cannot take effect")
        if role == LEAD:
            self._check_lead_free(membership["authority"], day)
        self.trigger_event(
            self.MemberRoleChanged,
            authority=membership["authority"],
            previous_role=_principal(held),
            role=role,
            **provenance.event_fields(actor),
        )

    def give_member_role(
        self, authority: str, role: str, provenance: Provenance, actor: Actor
    ) -> None:
        """Record a member taking on one more role, keeping those it holds (the lead county
        also becoming the host)."""
        membership = self._require_current_membership(authority)
        role = _checked_choice(role, MEMBER_ROLES, "role", "The member's role")
        day = provenance.effective_date
        if role in (entry["role"] for entry in _open_roles(membership)):
            raise RoleAlreadyHeld(
                f"{membership['authority']} already holds the {role} role in {self.name}.", "role"
            )
        self._check_not_before_last_change(membership, day, "a role cannot be given earlier")
        if role == LEAD:
            self._check_lead_free(membership["authority"], day)
        self.trigger_event(
            self.MemberRoleGiven,
            authority=membership["authority"],
            role=role,
            **provenance.event_fields(actor),
        )

    def take_member_role(
        self, authority: str, role: str, provenance: Provenance, actor: Actor
    ) -> None:
        """Record a member ceasing to hold one of its roles, keeping the others."""
        membership = self._require_current_membership(authority)
        role = _checked_choice(role, MEMBER_ROLES, "role", "The member's role")
        day = provenance.effective_date
        held = [entry["role"] for entry in _open_roles(membership)]
        if role not in held:
            raise RoleNotHeld(
                f"{membership['authority']} does not hold the {role} role in {self.name}.", "role"
            )
        if len(held) == 1:
            raise LastRoleHeld(
                f"{role} is the only role {membership['authority']} holds in {self.name}; "
                "change its role, or record it leaving, instead.",
                "role",
            )
        self._check_not_before_last_change(membership, day, "a role cannot be taken earlier")
        self.trigger_event(
            self.MemberRoleTaken,
            authority=membership["authority"],
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
        latest = _last_change(membership)
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

    def _check_not_before_last_change(
        self, membership: Mapping[str, Any], day: date, refused: str
    ) -> None:
        latest = _last_change(membership)
        if day < latest:
            raise OutOfDateOrder(
                f"{membership['authority']}'s roles were last recorded as changing on "
                f"{latest.isoformat()}; {refused} ({day.isoformat()}).",
                "effectiveDate",
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
    return [
        (held["effective_date"], held.get("until") or membership["left_on"], held["role"])
        for held in membership["roles"]
    ]


def _held(role: str, day: date) -> dict[str, Any]:
    return {"role": role, "effective_date": day, "until": None}


def _open_roles(membership: Mapping[str, Any]) -> list[dict[str, Any]]:
    # A snapshot taken before roles could end holds no "until": those roles were open then.
    return [held for held in membership["roles"] if held.get("until") is None]


def _in_order(roles: Iterable[str]) -> list[str]:
    """Roles without repeats, lead first, then host, then partner."""
    given = set(roles)
    return [role for role in MEMBER_ROLES if role in given]


def _principal(roles: Iterable[str]) -> str:
    ordered = _in_order(roles)
    return ordered[0] if ordered else PARTNER


def _last_change(membership: Mapping[str, Any]) -> date:
    """The latest day a role of the membership began or ended."""
    days = [membership["joined_on"]]
    for held in membership["roles"]:
        days += [held["effective_date"]] + ([held["until"]] if held.get("until") else [])
    return max(days)


def _additional_roles(role: str, additional: Iterable[str]) -> tuple[str, ...]:
    if isinstance(additional, str):
        raise InvalidInput("The additional roles must be a list of roles.", "additionalRoles")
    checked: list[str] = []
    for each in check_list(list(additional), "additionalRoles", "The additional roles"):
        each = _checked_choice(each, MEMBER_ROLES, "additionalRoles", "Each additional role")
        if each == role or each in checked:
            raise InvalidInput(f"The {each} role is given twice.", "additionalRoles")
        checked.append(each)
    return tuple(checked)
