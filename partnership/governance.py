"""Governing bodies: terms of reference, member authorities, chairs and decision rules.

Everything a body adopts is kept with the date it took effect, because a meeting is judged
by the rules, terms and members as they stood on the meeting's date, never by later ones.
"""

from collections.abc import Mapping
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
    optional_text,
    require_text,
)
from partnership.limits import (
    TEXT_MAX,
    check_list,
)
from partnership.partnerships import OutOfDateOrder, entry_dated, in_force_on, one_owner
from partnership.revisions import FactCorrection, FactWithdrawal, Revisable
from partnership.voting import DecisionRule

JOINT_COMMITTEE = "joint_committee"
PROGRAMME_BOARD = "programme_board"
PARTNERSHIP_BOARD = "partnership_board"
SCRUTINY_PANEL = "scrutiny_panel"
SCRUTINY_SUB_GROUP = "scrutiny_sub_group"
OFFICER_GROUP = "officer_group"
EXECUTIVE = "executive"
COUNCIL = "council"
OTHER = "other"
BODY_KINDS = (
    JOINT_COMMITTEE,
    PROGRAMME_BOARD,
    PARTNERSHIP_BOARD,
    SCRUTINY_PANEL,
    SCRUTINY_SUB_GROUP,
    OFFICER_GROUP,
    EXECUTIVE,
    COUNCIL,
    OTHER,
)


class GoverningBodyNotFound(NotFound):
    code = "governing_body_not_found"

    def __init__(self, owner: str, name: str, field: str = "body") -> None:
        super().__init__(f"{owner} has no governing body called {name!r}.", field)


class AlreadyOnBody(AlreadyExists):
    code = "already_on_body"


class NotOnBody(RuleViolation):
    code = "not_on_body"


class OwnParentBody(RuleViolation):
    code = "own_parent_body"


class ChangeBeforeEstablishment(RuleViolation):
    code = "change_before_establishment"


class TermsOfReferenceAlreadyRecorded(AlreadyExists):
    code = "terms_of_reference_already_recorded"


class DecisionRuleAlreadyRecorded(AlreadyExists):
    code = "decision_rule_already_recorded"


class ChairAlreadyRecorded(AlreadyExists):
    code = "chair_already_recorded"


def governing_body_id(partnership: str, name: str) -> UUID:
    # "|" keeps "A B" + "C" apart from "A" + "B C"; whitespace would not (keys are normalised).
    return natural_id("governing_body", f"{normalise_key(partnership)}|{normalise_key(name)}")


def authority_body_id(authority: str, name: str) -> UUID:
    """An authority's own body (its Executive, a scrutiny panel), named within the authority."""
    return natural_id(
        "authority_governing_body", f"{normalise_key(authority)}|{normalise_key(name)}"
    )


def owned_body_id(partnership: str | None, authority: str | None, name: str) -> UUID:
    if partnership is not None:
        return governing_body_id(partnership, name)
    assert authority is not None, "a body belongs to a partnership or to an authority"
    return authority_body_id(authority, name)


def _checked_kind(value: Any, field: str) -> str:
    if value not in BODY_KINDS:
        raise InvalidInput(
            f"The kind of body must be one of {', '.join(BODY_KINDS)}, not {value!r}.", field
        )
    return str(value)


def _checked_parent(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput("The parent body's name must be text.", field)
    # A blank parent means "none": forms send an empty string for a cleared field.
    return optional_text(value, field, "The parent body's name")


def _check_kind(value: Any) -> str:
    return _checked_kind(value, "value")


def _check_parent_body(value: Any) -> str | None:
    return _checked_parent(value, "value")


def _same(name: str, other: str) -> bool:
    return normalise_key(name) == normalise_key(other)


class GoverningBody(Aggregate, Correctable, Revisable):
    """A partnership's committee, board, panel or group, for its whole life.

    Histories are kept in the order recorded, each entry with its effective date:
    `terms_of_reference` ({"version", "items", "effective_date"}), `decision_rules`
    ({"rule", "effective_date"}), `chairs` ({"person", "authority", "effective_date"}) and
    `memberships` ({"authority", "appointed_on", "removed_on", "removal_reason"}).
    """

    correctable_fields = {"kind": _check_kind, "parent_body": _check_parent_body}

    # What names the record: a wrong one is withdrawn and the record recorded again.
    identity_fields = frozenset({"partnership", "name", "authority"})

    class Event(RecordedEvent, Aggregate.Event):
        pass

    class Established(Event, Aggregate.Created):
        # None for an authority's own body; bodies established before there were any are a
        # partnership's, so `authority` defaults to None when an old event is read back.
        partnership: str | None
        name: str
        kind: str
        parent_body: str | None
        authority: str | None = None

    class TermsOfReferenceAdopted(Event):
        version: int
        items: list[str]

        def apply(self, aggregate: "GoverningBody") -> None:
            aggregate.terms_of_reference.append(
                {
                    "version": self.version,
                    "items": list(self.items),
                    "effective_date": self.effective_date,
                }
            )

    class MemberAppointed(Event):
        authority: str

        def apply(self, aggregate: "GoverningBody") -> None:
            aggregate.memberships.append(
                {
                    "authority": self.authority,
                    "appointed_on": self.effective_date,
                    "removed_on": None,
                    "removal_reason": None,
                }
            )

    class MemberRemoved(Event):
        authority: str
        reason: str

        def apply(self, aggregate: "GoverningBody") -> None:
            membership = aggregate._current_membership(self.authority)
            assert membership is not None, "only a current member is removed"
            membership["removed_on"] = self.effective_date
            membership["removal_reason"] = self.reason

    class ChairAppointed(Event):
        person: str
        authority: str

        def apply(self, aggregate: "GoverningBody") -> None:
            aggregate.chairs.append(
                {
                    "person": self.person,
                    "authority": self.authority,
                    "effective_date": self.effective_date,
                }
            )

    class DecisionRuleAdopted(Event):
        rule: dict[str, Any]

        def apply(self, aggregate: "GoverningBody") -> None:
            aggregate.decision_rules.append(
                {"rule": dict(self.rule), "effective_date": self.effective_date}
            )

    class Corrected(Event, Correction):
        pass

    class FactCorrected(Event, FactCorrection):
        pass

    class FactWithdrawn(Event, FactWithdrawal):
        pass

    @staticmethod
    def create_id(partnership: str | None, name: str, authority: str | None = None) -> UUID:
        return owned_body_id(partnership, authority, name)

    @classmethod
    def establish(
        cls,
        partnership: str | None,
        name: str,
        kind: str,
        parent_body: str | None,
        provenance: Provenance,
        actor: Actor,
        authority: str | None = None,
    ) -> "GoverningBody":
        """A body of `partnership`, or of `authority` alone (exactly one is named);
        `parent_body` names the body of the same owner it reports to, if any."""
        partnership, authority = one_owner(partnership, authority)
        name = require_text(name, "name", "The governing body's name")
        parent = _checked_parent(parent_body, "parentBody")
        if parent is not None and _same(parent, name):
            raise OwnParentBody(f"{name} cannot be its own parent body.", "parentBody")
        return cls(
            partnership=partnership,
            name=name,
            kind=_checked_kind(kind, "kind"),
            parent_body=parent,
            authority=authority,
            **provenance.event_fields(actor),
        )

    @event(Established)
    def __init__(
        self,
        partnership: str | None,
        name: str,
        kind: str,
        parent_body: str | None,
        effective_date: date,
        source: str,
        recorded_by: str,
        recorded_by_authority: str,
        recorded_by_id: str,
        authority: str | None = None,
    ) -> None:
        self.partnership = partnership
        self.authority = authority
        self.name = name
        self.kind = kind
        self.parent_body = parent_body
        self.established_on = effective_date
        self.terms_of_reference: list[dict[str, Any]] = []
        self.memberships: list[dict[str, Any]] = []
        self.chairs: list[dict[str, Any]] = []
        self.decision_rules: list[dict[str, Any]] = []

    def correct(
        self,
        corrects_version: int,
        field: str,
        value: Any,
        reason: str,
        provenance: Provenance,
        actor: Actor,
    ) -> None:
        if field == "parent_body" and isinstance(value, str) and _same(value, self.name):
            raise OwnParentBody(f"{self.name} cannot be its own parent body.", "value")
        super().correct(corrects_version, field, value, reason, provenance, actor)

    # Terms of reference

    def terms_of_reference_on(self, day: date) -> Mapping[str, Any] | None:
        """The version in force on `day`: {"version", "items", "effective_date"}."""
        return in_force_on(self.terms_of_reference, day)

    def adopt_terms_of_reference(
        self, items: list[str], provenance: Provenance, actor: Actor
    ) -> None:
        """Adopt terms of reference (first or revised) from the effective date."""
        self._check_not_before_establishment(provenance)
        if not items:
            raise InvalidInput("Terms of reference need at least one item.", "items")
        check_list(items, "items", "The terms of reference")
        cleaned = [
            require_text(
                item, "items", "Each item of the terms of reference", TEXT_MAX, multiline=True
            )
            for item in items
        ]
        same_day = entry_dated(self.terms_of_reference, provenance.effective_date)
        if same_day is not None and same_day["items"] == cleaned:
            raise TermsOfReferenceAlreadyRecorded(
                f"These terms of reference are already recorded as adopted on "
                f"{provenance.effective_date.isoformat()} (version {same_day['version']}).",
                "items",
            )
        self.trigger_event(
            self.TermsOfReferenceAdopted,
            version=len(self.terms_of_reference) + 1,
            items=cleaned,
            **provenance.event_fields(actor),
        )

    # Member authorities

    @property
    def current_members(self) -> list[str]:
        """Member authorities not yet recorded as removed."""
        return sorted(m["authority"] for m in self.memberships if m["removed_on"] is None)

    def members_on(self, day: date) -> list[str]:
        """The member authorities on `day`: those who vote at a meeting held that day."""
        return sorted(m["authority"] for m in self.memberships if _member_on(m, day))

    def appoint_member(self, authority: str, provenance: Provenance, actor: Actor) -> None:
        """An authority becomes a voting member of the body from the effective date."""
        self._check_not_before_establishment(provenance)
        authority = require_text(authority, "authority", "The authority")
        day = provenance.effective_date
        if self._current_membership(authority) is not None:
            raise AlreadyOnBody(f"{authority} is already a member of {self.name}.", "authority")
        last_removed = max(
            (m["removed_on"] for m in self.memberships if _same(m["authority"], authority)),
            default=None,
        )
        if last_removed is not None and day < last_removed:
            raise OutOfDateOrder(
                f"{authority} was removed from {self.name} on {last_removed.isoformat()}; it "
                f"cannot be appointed again on an earlier date ({day.isoformat()}).",
                "effectiveDate",
            )
        self.trigger_event(
            self.MemberAppointed, authority=authority, **provenance.event_fields(actor)
        )

    def remove_member(
        self, authority: str, reason: str, provenance: Provenance, actor: Actor
    ) -> None:
        """An authority stops being a member; from the effective date it no longer votes."""
        authority = require_text(authority, "authority", "The authority")
        membership = self._current_membership(authority)
        if membership is None:
            raise NotOnBody(f"{authority} is not a member of {self.name}.", "authority")
        reason = require_text(
            reason, "reason", "The reason for the removal", TEXT_MAX, multiline=True
        )
        day = provenance.effective_date
        if day < membership["appointed_on"]:
            raise OutOfDateOrder(
                f"{membership['authority']} was appointed to {self.name} on "
                f"{membership['appointed_on'].isoformat()}; it cannot be removed earlier "
                f"({day.isoformat()}).",
                "effectiveDate",
            )
        self.trigger_event(
            self.MemberRemoved,
            authority=membership["authority"],
            reason=reason,
            **provenance.event_fields(actor),
        )

    # Chair

    def chair_on(self, day: date) -> Mapping[str, Any] | None:
        """The chair on `day`: {"person", "authority", "effective_date"} or None."""
        return in_force_on(self.chairs, day)

    def appoint_chair(
        self, person: str, authority: str, provenance: Provenance, actor: Actor
    ) -> None:
        """Appoint the chair from the effective date (the previous chair's term ends then)."""
        self._check_not_before_establishment(provenance)
        person = require_text(person, "person", "The chair's name")
        authority = require_text(authority, "authority", "The chair's authority")
        same_day = entry_dated(self.chairs, provenance.effective_date)
        if (
            same_day is not None
            and _same(same_day["person"], person)
            and _same(same_day["authority"], authority)
        ):
            raise ChairAlreadyRecorded(
                f"{person} is already recorded as appointed chair of {self.name} on "
                f"{provenance.effective_date.isoformat()}.",
                "person",
            )
        self.trigger_event(
            self.ChairAppointed,
            person=person,
            authority=authority,
            **provenance.event_fields(actor),
        )

    # Decision rules

    def rule_on(self, day: date) -> DecisionRule | None:
        """The rule for a meeting on `day`: a change never reaches back to earlier meetings."""
        in_force = in_force_on(self.decision_rules, day)
        return None if in_force is None else DecisionRule.from_dict(in_force["rule"])

    def adopt_decision_rule(self, rule: DecisionRule, provenance: Provenance, actor: Actor) -> None:
        """Adopt how the body decides (quorum, voting, electronic responses) from a date."""
        self._check_not_before_establishment(provenance)
        rule = rule.validated()
        same_day = entry_dated(self.decision_rules, provenance.effective_date)
        if same_day is not None and same_day["rule"] == rule.as_dict():
            raise DecisionRuleAlreadyRecorded(
                f"That decision rule is already recorded as adopted by {self.name} on "
                f"{provenance.effective_date.isoformat()}.",
                "rule",
            )
        self.trigger_event(
            self.DecisionRuleAdopted, rule=rule.as_dict(), **provenance.event_fields(actor)
        )

    # Checks shared by the commands

    def _check_not_before_establishment(self, provenance: Provenance) -> None:
        if provenance.effective_date < self.established_on:
            raise ChangeBeforeEstablishment(
                f"The effective date {provenance.effective_date.isoformat()} is before "
                f"{self.name} was established ({self.established_on.isoformat()}).",
                "effectiveDate",
            )

    def _current_membership(self, authority: str) -> dict[str, Any] | None:
        for membership in self.memberships:
            if membership["removed_on"] is None and _same(membership["authority"], authority):
                return membership
        return None


def _member_on(membership: Mapping[str, Any], day: date) -> bool:
    removed_on = membership["removed_on"]
    return bool(membership["appointed_on"] <= day and (removed_on is None or day < removed_on))
