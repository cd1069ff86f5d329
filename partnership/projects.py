"""Projects: milestones planned, re-planned with reasons, achieved or missed; partners' progress.

Partners are at different stages of the same project, so progress is reported per authority.
A milestone keeps every due date it has ever had: "which milestones slipped, by how much and
why" is answered from that list, whose last entry is the date currently planned.
"""

import re
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
    REFERENCE_MAX,
    TEXT_MAX,
    TITLE_MAX,
    check_date,
    check_list,
    check_text,
)
from partnership.paper_dates import (
    PaperDate,
    deadline,
    loose_text,
    optional_paper_date,
    stored_paper_date,
)
from partnership.partnerships import authority_id, one_owner, partnership_id
from partnership.revisions import FactCorrection, FactWithdrawal, Revisable, RevisionBreaksRule

PLANNED = "planned"
MISSED = "missed"
ACHIEVED = "achieved"

# Titles and the authority concerned; due dates move only by re-planning, with a reason.
MILESTONE_CORRECTABLE_FIELDS = ("title", "authority")

_MILESTONE_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class ProjectNotFound(NotFound):
    code = "project_not_found"

    def __init__(self, partnership: str, name: str) -> None:
        super().__init__(f"{partnership} has no project called {name!r}.", "name")


class ProjectAlreadyStarted(AlreadyExists):
    code = "project_already_started"

    def __init__(self, partnership: str, name: str) -> None:
        super().__init__(
            f"{partnership} already has a project called {name!r}; "
            "a name identifies one project of a partnership for good.",
            "name",
        )


class MilestoneNotFound(NotFound):
    code = "milestone_not_found"


class MilestoneAlreadyPlanned(AlreadyExists):
    code = "milestone_already_planned"


class MilestoneAlreadyAchieved(RuleViolation):
    code = "milestone_already_achieved"


class MilestoneAlreadyMissed(RuleViolation):
    code = "milestone_already_missed"


class DueDateUnchanged(RuleViolation):
    code = "due_date_unchanged"


class AuthorityNotInProject(InvalidInput):
    code = "authority_not_in_project"


class ChangeBeforeStart(RuleViolation):
    code = "change_before_start"


def project_id(partnership: str, name: str) -> UUID:
    # The partnership's id has a fixed length, so no two (partnership, name) pairs run together.
    return natural_id("project", f"{partnership_id(partnership)} {name}")


def authority_project_id(authority: str, name: str) -> UUID:
    """An authority's own project, named within the authority."""
    return natural_id("authority_project", f"{authority_id(authority)} {name}")


def owned_project_id(partnership: str | None, authority: str | None, name: str) -> UUID:
    if partnership is not None:
        return project_id(partnership, name)
    assert authority is not None, "a project belongs to a partnership or to an authority"
    return authority_project_id(authority, name)


def milestone_key(key: str) -> str:
    """'Pilot start' and 'pilot-start' name one milestone."""
    cleaned = "-".join(check_text(key, "key", "The milestone key", REFERENCE_MAX).lower().split())
    if not _MILESTONE_KEY.fullmatch(cleaned):
        raise InvalidInput(
            f"{key!r} is not a milestone key: use a few words of letters and digits joined "
            "by hyphens, such as 'pilot-start'.",
            "key",
        )
    return cleaned


def _authority_list(authorities: list[str]) -> list[str]:
    check_list(authorities, "authorities", "The list of authorities")
    cleaned = [require_text(a, "authorities", "Each authority's name") for a in authorities]
    if not cleaned:
        raise InvalidInput("A project needs at least one authority taking part.", "authorities")
    seen: set[str] = set()
    for authority in cleaned:
        if normalise_key(authority) in seen:
            raise InvalidInput(f"{authority} is listed twice.", "authorities")
        seen.add(normalise_key(authority))
    return cleaned


def _check_description(value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidInput("The project's description must be text.", "value")
    return require_text(value, "value", "The project's description", TEXT_MAX, multiline=True)


def _check_key(value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidInput("A milestone key is text.", "value")
    try:
        return milestone_key(value)
    except InvalidInput as refused:
        raise InvalidInput(refused.message, "value") from None


def _check_authorities(value: Any) -> list[str]:
    try:
        return _authority_list(value)
    except InvalidInput as refused:
        raise InvalidInput(refused.message, "value") from None


def _check_stage(value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidInput("The stage reached is text.", "value")
    return require_text(value, "value", "The stage reached", TITLE_MAX)


def checked_due_when(value: Any) -> str | None:
    """A corrected loose due date (EDTF), as events keep it: None for an exact day."""
    when = optional_paper_date(value, "value", "The due date")
    return None if when is None else loose_text(when)


def loose_due(due_when: str | None, due_date: date) -> dict[str, str]:
    """What a due date's entry keeps beside the day: the paper's loose date, while it names
    the period that day ends. A revision that corrects the day alone leaves an exact day, as
    correcting an action's due date does; one that corrects the loose date alone to another
    period is kept only once the day is corrected to that period's last."""
    if due_when and stored_paper_date(due_when, due_date).latest == due_date:
        return {"due_when": due_when}
    return {}


class Project(Aggregate, Correctable, Revisable):
    """One project of a partnership, from its start.

    `milestones` maps each key to {"key", "title", "authority" (None: the whole partnership),
    "status", "due_dates": [{"due_date", "reason", "effective_date"}, ...] (the first is the
    original plan, whose reason is None), "misses": [{"due_date", "reason", "effective_date"}],
    "achieved_on"}. A missed milestone stays missed until it is re-planned, which makes it
    planned again; the miss stays in "misses". `progress` maps each authority to the stages
    it reported, oldest first: [{"stage", "note", "effective_date", "version" (the report's
    fact)}].
    """

    correctable_fields = {"description": _check_description}

    # What names the record: a wrong one is withdrawn and the record recorded again.
    identity_fields = frozenset({"partnership", "name", "authority"})
    field_checks = {
        "key": _check_key,
        "authorities": _check_authorities,
        "stage": _check_stage,
        "due_when": checked_due_when,
        "new_due_when": checked_due_when,
    }

    class Event(RecordedEvent, Aggregate.Event):
        pass

    class Started(Event, Aggregate.Created):
        # None for an authority's own project; projects started before there were any are a
        # partnership's, so `authority` defaults to None when an old event is read back.
        partnership: str | None
        name: str
        description: str
        authorities: list[str]
        authority: str | None = None

    class MilestonePlanned(Event):
        key: str
        title: str
        due_date: date
        authority: str | None
        # The due date as the paper gives it (EDTF), when it gives no exact day; due_date is
        # then the period's last day, the deadline.
        due_when: str | None = None

        def apply(self, aggregate: "Project") -> None:
            aggregate.milestones[self.key] = {
                "key": self.key,
                "title": self.title,
                "authority": self.authority,
                "status": PLANNED,
                "due_dates": [
                    {
                        "due_date": self.due_date,
                        "reason": None,
                        "effective_date": self.effective_date,
                    }
                    # Only a loose date is kept beside the day: an exact one says no more.
                    | loose_due(self.due_when, self.due_date)
                ],
                "misses": [],
                "achieved_on": None,
            }

    class MilestoneReplanned(Event):
        key: str
        previous_due_date: date
        new_due_date: date
        reason: str
        new_due_when: str | None = None
        previous_due_when: str | None = None

        def apply(self, aggregate: "Project") -> None:
            milestone = aggregate.milestones[self.key]
            milestone["due_dates"].append(
                {
                    "due_date": self.new_due_date,
                    "reason": self.reason,
                    "effective_date": self.effective_date,
                }
                | loose_due(self.new_due_when, self.new_due_date)
            )
            milestone["status"] = PLANNED

    class MilestoneAchieved(Event):
        key: str
        achieved_on: date

        def apply(self, aggregate: "Project") -> None:
            milestone = aggregate.milestones[self.key]
            milestone["status"] = ACHIEVED
            milestone["achieved_on"] = self.achieved_on

    class MilestoneMissed(Event):
        key: str
        due_date: date
        reason: str
        due_when: str | None = None

        def apply(self, aggregate: "Project") -> None:
            milestone = aggregate.milestones[self.key]
            milestone["status"] = MISSED
            milestone["misses"].append(
                {
                    "due_date": self.due_date,
                    "reason": self.reason,
                    "effective_date": self.effective_date,
                }
            )

    class MilestoneCorrected(Event):
        """A milestone's title or authority put right (the generic Correction sets top-level
        attributes only, and a milestone lives inside the project)."""

        key: str
        corrects_version: int
        field: str
        value: Any
        reason: str

        def apply(self, aggregate: "Project") -> None:
            aggregate.milestones[self.key][self.field] = self.value

    class ProgressReported(Event):
        authority: str
        stage: str
        note: str

        def apply(self, aggregate: "Project") -> None:
            # The version names the report, which has no key of its own: read models find
            # it by the version when a revision corrects or withdraws it.
            aggregate.progress[self.authority].append(
                {
                    "stage": self.stage,
                    "note": self.note,
                    "effective_date": self.effective_date,
                    "version": self.originator_version,
                }
            )

    class Corrected(Event, Correction):
        pass

    class FactCorrected(Event, FactCorrection):
        pass

    class FactWithdrawn(Event, FactWithdrawal):
        pass

    @staticmethod
    def create_id(partnership: str | None, name: str, authority: str | None = None) -> UUID:
        return owned_project_id(partnership, authority, name)

    @classmethod
    def start(
        cls,
        partnership: str | None,
        name: str,
        description: str,
        authorities: list[str],
        provenance: Provenance,
        actor: Actor,
        authority: str | None = None,
    ) -> "Project":
        """A project of `partnership`, or of `authority` alone (exactly one is named)."""
        partnership, authority = one_owner(partnership, authority)
        return cls(
            partnership=partnership,
            authority=authority,
            name=require_text(name, "name", "The project's name"),
            description=require_text(
                description, "description", "The project's description", TEXT_MAX, multiline=True
            ),
            authorities=_authority_list(authorities),
            **provenance.event_fields(actor),
        )

    @event(Started)
    def __init__(
        self,
        partnership: str | None,
        name: str,
        description: str,
        authorities: list[str],
        effective_date: date,
        source: str,
        recorded_by: str,
        recorded_by_authority: str,
        recorded_by_id: str,
        authority: str | None = None,
        effective_when: str | None = None,
    ) -> None:
        self.partnership = partnership
        self.authority = authority
        self.name = name
        self.description = description
        self.authorities = list(authorities)
        self.started_on = effective_date
        self.milestones: dict[str, dict[str, Any]] = {}
        self.progress: dict[str, list[dict[str, Any]]] = {a: [] for a in authorities}

    def check_rules(self) -> None:
        """A milestone of one authority is of one taking part, whatever list is corrected."""
        taking_part = {normalise_key(authority) for authority in self.authorities}
        for milestone in self.milestones.values():
            authority = milestone["authority"]
            if authority is not None and normalise_key(authority) not in taking_part:
                raise RevisionBreaksRule(
                    f"Milestone {milestone['key']!r} is {authority}'s, which would no longer "
                    f"take part in {self.name}; withdraw or correct the milestone first.",
                    "value",
                )

    # Milestones

    def original_due_date(self, key: str) -> date:
        due: date = self._milestone(key)["due_dates"][0]["due_date"]
        return due

    def current_due_date(self, key: str) -> date:
        due: date = self._milestone(key)["due_dates"][-1]["due_date"]
        return due

    def current_due(self, key: str) -> PaperDate:
        """The due date as planned now, as precisely as the paper gave it."""
        entry = self._milestone(key)["due_dates"][-1]
        return stored_paper_date(entry.get("due_when"), entry["due_date"])

    def slippage_days(self, key: str) -> int:
        """Days the milestone has slipped since first planned (negative: brought forward)."""
        return (self.current_due_date(key) - self.original_due_date(key)).days

    def overdue(self, key: str, as_of: date) -> bool:
        """Past its current due date on `as_of` and not achieved by then.

        Judged against the plan as it now stands; an achievement counts from its achieved_on.
        """
        milestone = self._milestone(key)
        achieved_on = milestone["achieved_on"]
        achieved_by_then = achieved_on is not None and achieved_on <= as_of
        return not achieved_by_then and as_of > self.current_due_date(key)

    def plan_milestone(
        self,
        key: str,
        title: str,
        due_date: date | None,
        authority: str | None,
        provenance: Provenance,
        actor: Actor,
        due_when: str | None = None,
    ) -> str:
        """Plan a milestone for one authority, or for the whole partnership (authority None).

        The due date is a day, or a month or year as the paper gives it (`due_when`, EDTF):
        the milestone is then due by the period's last day."""
        self._check_not_before_start(provenance)
        key = milestone_key(key)
        if key in self.milestones:
            raise MilestoneAlreadyPlanned(
                f"{self.name} already has a milestone {key!r}; re-plan it to move its date.", "key"
            )
        due = deadline(due_date, due_when, "dueDate", "dueWhen", "The due date")
        self.trigger_event(
            self.MilestonePlanned,
            key=key,
            title=require_text(title, "title", "The milestone's title", TITLE_MAX),
            due_date=due.latest,
            due_when=loose_text(due),
            authority=None if authority is None else self._authority(authority, "authority"),
            **provenance.event_fields(actor),
        )
        return key

    def replan_milestone(
        self,
        key: str,
        new_due_date: date | None,
        reason: str,
        provenance: Provenance,
        actor: Actor,
        new_due_when: str | None = None,
    ) -> None:
        """Move a milestone's due date (a slip, or bringing it forward), saying why."""
        self._check_not_before_start(provenance)
        milestone = self._unachieved_milestone(key, "re-planned")
        reason = require_text(
            reason, "reason", "The reason for re-planning", TEXT_MAX, multiline=True
        )
        due = deadline(new_due_date, new_due_when, "newDueDate", "newDueWhen", "The new due date")
        current = self.current_due(milestone["key"])
        if due.edtf == current.edtf:
            raise DueDateUnchanged(
                f"Milestone {milestone['key']!r} is already due {current.label}.",
                "newDueDate" if new_due_when is None else "newDueWhen",
            )
        self.trigger_event(
            self.MilestoneReplanned,
            key=milestone["key"],
            previous_due_date=current.latest,
            new_due_date=due.latest,
            new_due_when=loose_text(due),
            previous_due_when=loose_text(current),
            reason=reason,
            **provenance.event_fields(actor),
        )

    def record_milestone_achieved(
        self, key: str, achieved_on: date, provenance: Provenance, actor: Actor
    ) -> None:
        """A milestone reached, possibly after being missed (a late achievement still counts)."""
        self._check_not_before_start(provenance)
        milestone = self._unachieved_milestone(key, "recorded as achieved again")
        self.trigger_event(
            self.MilestoneAchieved,
            key=milestone["key"],
            achieved_on=check_date(achieved_on, "achievedOn", "The date it was achieved"),
            **provenance.event_fields(actor),
        )

    def record_milestone_missed(
        self, key: str, reason: str, provenance: Provenance, actor: Actor
    ) -> None:
        """A milestone that will not be met on its current due date; re-planning follows."""
        self._check_not_before_start(provenance)
        milestone = self._unachieved_milestone(key, "recorded as missed")
        reason = require_text(
            reason, "reason", "The reason the milestone was missed", TEXT_MAX, multiline=True
        )
        due = self.current_due(milestone["key"])
        if milestone["status"] == MISSED:
            raise MilestoneAlreadyMissed(
                f"Milestone {milestone['key']!r} is already recorded as missing its due date "
                f"{due.label}; re-plan it before recording another miss.",
                "key",
            )
        self.trigger_event(
            self.MilestoneMissed,
            key=milestone["key"],
            due_date=due.latest,
            due_when=loose_text(due),
            reason=reason,
            **provenance.event_fields(actor),
        )

    def correct_milestone(
        self,
        key: str,
        corrects_version: int,
        field: str,
        value: Any,
        reason: str,
        provenance: Provenance,
        actor: Actor,
    ) -> None:
        """Put right a milestone's title or authority that was recorded wrongly."""
        milestone = self._milestone(key)
        if field not in MILESTONE_CORRECTABLE_FIELDS:
            raise InvalidInput(
                f"A milestone's {field!r} cannot be corrected; what can be: "
                f"{', '.join(MILESTONE_CORRECTABLE_FIELDS)}. A due date moves by re-planning.",
                "field",
            )
        reason = self.check_correction(corrects_version, reason)
        if field == "title":
            if not isinstance(value, str):
                raise InvalidInput("The milestone's title must be text.", "value")
            value = require_text(value, "value", "The milestone's title", TITLE_MAX)
        elif value is not None:
            if not isinstance(value, str):
                raise InvalidInput("The authority must be text, or none for all.", "value")
            value = self._authority(value, "value")
        self.trigger_event(
            self.MilestoneCorrected,
            key=milestone["key"],
            corrects_version=corrects_version,
            field=field,
            value=value,
            reason=reason,
            **provenance.event_fields(actor),
        )

    # Progress of each partner

    def stage_of(self, authority: str) -> str | None:
        reports = self.progress[self._authority(authority, "authority")]
        return str(reports[-1]["stage"]) if reports else None

    def report_progress(
        self, authority: str, stage: str, note: str, provenance: Provenance, actor: Actor
    ) -> None:
        """Record the stage one partner has reached; partners move at their own pace."""
        self._check_not_before_start(provenance)
        self.trigger_event(
            self.ProgressReported,
            authority=self._authority(authority, "authority"),
            stage=require_text(stage, "stage", "The stage reached", TITLE_MAX),
            note=optional_text(note, "note", "The note", TEXT_MAX, multiline=True) or "",
            **provenance.event_fields(actor),
        )

    # Checks shared by the commands

    def _milestone(self, key: str) -> dict[str, Any]:
        cleaned = milestone_key(key)
        if cleaned not in self.milestones:
            raise MilestoneNotFound(f"{self.name} has no milestone {cleaned!r}.", "key")
        return self.milestones[cleaned]

    def _unachieved_milestone(self, key: str, doing: str) -> dict[str, Any]:
        milestone = self._milestone(key)
        if milestone["status"] == ACHIEVED:
            raise MilestoneAlreadyAchieved(
                f"Milestone {milestone['key']!r} was achieved on "
                f"{milestone['achieved_on'].isoformat()}; it cannot be {doing}.",
                "key",
            )
        return milestone

    def _authority(self, authority: str, field: str) -> str:
        """The authority as the project spells it, if it takes part."""
        wanted = normalise_key(authority)
        for taking_part in self.authorities:
            if normalise_key(taking_part) == wanted:
                return taking_part
        raise AuthorityNotInProject(
            f"{authority.strip()} does not take part in {self.name}; "
            f"those that do: {', '.join(self.authorities)}.",
            field,
        )

    def _check_not_before_start(self, provenance: Provenance) -> None:
        if provenance.effective_date < self.started_on:
            raise ChangeBeforeStart(
                f"The effective date {provenance.effective_date.isoformat()} is before "
                f"{self.name} started ({self.started_on.isoformat()}).",
                "effectiveDate",
            )
