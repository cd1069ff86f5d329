"""Alerts: what needs attention on a given day, and who has acknowledged it.

An alert itself is not a recorded fact: whether a notice deadline is 90 days off or passed
depends on the day one asks, so alerts are worked out from the record (the alerts read model)
by the rules here. What is a fact is that a person acknowledged an alert at a level; that is
the aggregate. Acknowledgement is per level, so an alert that grows more pressing alerts again.

An alert's key names the thing and its key date, so a moved notice deadline, a re-planned
milestone or a new progress update is a new alert, unacknowledged. A change to a head contract
(novated, extended, varied or terminated) raises one alert on each back-to-back contract under
it, keyed by that contract and the change, which stands while that contract runs.
"""

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from partnership.domain import (
    Actor,
    InvalidInput,
    NotFound,
    Provenance,
    RecordedEvent,
    RuleViolation,
    natural_id,
    optional_text,
    require_text,
)
from partnership.limits import (
    DAYS_MAX,
    TEXT_MAX,
    TITLE_MAX,
)

RENEWAL = "renewal"
MILESTONE_OVERDUE = "milestone_overdue"
RECOMMENDATION_STALE = "recommendation_stale"
SUPPLIER_ACTION_OVERDUE = "supplier_action_overdue"
HEAD_CONTRACT_CHANGED = "head_contract_changed"
CATEGORIES = (
    RENEWAL,
    MILESTONE_OVERDUE,
    RECOMMENDATION_STALE,
    SUPPLIER_ACTION_OVERDUE,
    HEAD_CONTRACT_CHANGED,
)

OVERDUE = "overdue"
STALE = "stale"
# A head contract's change has one level: it does not grow more pressing with the days.
CHANGED = "changed"
_DAYS_SUFFIX = "_days"

# Where an acknowledgement made in the product comes from: there is no paper behind it.
ACKNOWLEDGED_HERE = "Acknowledged on the alerts list of the partnership record"


class AlertNotFound(NotFound):
    code = "alert_not_found"

    def __init__(self, key: str) -> None:
        super().__init__(
            f"There is no alert {key!r} today; it may have been dealt with, or replaced by a "
            "new one (a moved deadline, a re-planned milestone or a new progress update).",
            "key",
        )


class AlertLevelNotCurrent(RuleViolation):
    code = "alert_level_not_current"

    def __init__(self, key: str, asked: str, current: str) -> None:
        super().__init__(
            f"Alert {key!r} stands at {level_words(current)} today, not {level_words(asked)}; "
            "acknowledge the level it is at.",
            "level",
        )


class AlertAlreadyAcknowledged(RuleViolation):
    code = "alert_already_acknowledged"

    def __init__(self, key: str, level: str) -> None:
        super().__init__(
            f"Alert {key!r} has already been acknowledged at {level_words(level)}; it alerts "
            "again only when it reaches a new level.",
            "level",
        )


def days_level(threshold: int) -> str:
    """The level of a renewal within `threshold` days of its notice deadline: '90_days'."""
    return f"{threshold}{_DAYS_SUFFIX}"


def threshold_of(level: str) -> int | None:
    """90 for '90_days'; None for 'overdue', 'stale' and 'changed'."""
    digits = level[: -len(_DAYS_SUFFIX)]
    # ASCII digits only: str.isdigit() also passes '²', which int() refuses.
    wellformed = 0 < len(digits) <= 6 and digits.isascii() and digits.isdigit()
    if level.endswith(_DAYS_SUFFIX) and wellformed:
        return int(digits)
    return None


def level_words(level: str) -> str:
    threshold = threshold_of(level)
    return level if threshold is None else f"{threshold} days"


def check_level(level: str) -> str:
    cleaned = level.strip().lower()
    threshold = threshold_of(cleaned)
    if cleaned in (OVERDUE, STALE, CHANGED):
        return cleaned
    if threshold is not None and 0 < threshold <= DAYS_MAX:
        # One written form per level ('090_days' is '90_days'), as the alerts read model keys it.
        return days_level(threshold)
    raise InvalidInput(
        f"{level!r} is not an alert level: use 'overdue', 'stale', 'changed' or a number of "
        "days such as '90_days'.",
        "level",
    )


def renewal_level(days_left: int, thresholds: Sequence[int]) -> str | None:
    """'overdue' once the notice deadline has passed; else the smallest threshold the days
    left fall within ('90_days' from 90 down to 31 days with thresholds 180, 90, 30, 7); None
    while the deadline is further off than every threshold."""
    if days_left < 0:
        return OVERDUE
    within = [threshold for threshold in thresholds if days_left <= threshold]
    return days_level(min(within)) if within else None


def urgency(level: str) -> int:
    """Orders the levels of one alert: higher is more pressing ('overdue' above any days)."""
    if level == OVERDUE:
        return 1_000_000
    threshold = threshold_of(level)
    return -threshold if threshold is not None else 0


def level_as_of(
    category: str,
    key_date: date | None,
    as_of: date,
    renewal_days: Sequence[int],
    stale_days: int,
    runs_until: date | None = None,
) -> str | None:
    """The level an open alertable thing stands at on `as_of`, or None if it is no alert.

    A renewal alerts only while its contract runs (`runs_until`, its end date, not passed);
    a milestone or supplier action is overdue the day after its due date; a recommendation is
    stale once its last update (or, with none, the day it was made) is `stale_days` old; a
    head contract's change stands while the back-to-back contract under it runs.
    """
    if key_date is None:
        return None
    if category == HEAD_CONTRACT_CHANGED:
        return CHANGED if runs_until is None or as_of <= runs_until else None
    if category == RENEWAL:
        if runs_until is not None and runs_until < as_of:
            return None
        return renewal_level((key_date - as_of).days, renewal_days)
    if category in (MILESTONE_OVERDUE, SUPPLIER_ACTION_OVERDUE):
        return OVERDUE if key_date < as_of else None
    if category == RECOMMENDATION_STALE:
        return STALE if (as_of - key_date).days >= stale_days else None
    raise ValueError(f"unknown alert category {category!r}")


def renewal_alert_key(reference: str, notice_deadline: date) -> str:
    return f"{RENEWAL}:{reference}:{notice_deadline.isoformat()}"


def milestone_alert_key(project_id: str, milestone: str, due_date: date) -> str:
    return f"milestone:{project_id}:{milestone}:{due_date.isoformat()}"


def recommendation_alert_key(inquiry_id: str, number: str, last_update: date) -> str:
    return f"recommendation:{inquiry_id}:{number}:{last_update.isoformat()}"


def supplier_action_alert_key(meeting_id: str, number: str, due_date: date | None) -> str:
    return f"supplier-action:{meeting_id}:{number}:{due_date.isoformat() if due_date else 'none'}"


def head_contract_changed_alert_key(contract_id: str, head_version: int) -> str:
    """The alert of the back-to-back contract `contract_id` on its head contract's change that
    made version `head_version`: a contract has one head, so the head's version names the change."""
    return f"head-contract:{contract_id}:{head_version}"


def alert_id(key: str, level: str) -> UUID:
    # One aggregate per alert level: the store itself refuses a second acknowledgement.
    return natural_id("alert", f"{key} {level}")


class Alert(Aggregate):
    """One alert at one level, as acknowledged by a person.

    Created by its acknowledgement and keyed by (alert key, level), so a level is acknowledged
    at most once, by the store's own uniqueness, and the next level is a new aggregate.
    """

    class Event(RecordedEvent, Aggregate.Event):
        pass

    class Acknowledged(Event, Aggregate.Created):
        alert_key: str
        level: str
        description: str
        authority: str | None
        note: str | None

    @staticmethod
    def create_id(alert_key: str, level: str) -> UUID:
        return alert_id(alert_key, level)

    @classmethod
    def acknowledge(
        cls,
        alert_key: str,
        level: str,
        description: str,
        authority: str | None,
        note: str | None,
        provenance: Provenance,
        actor: Actor,
    ) -> "Alert":
        cleaned_note = optional_text(note, "note", "The note", TEXT_MAX, multiline=True)
        return cls(
            # A key names a reference or milestone and a date, so it outgrows a reference.
            alert_key=require_text(alert_key, "key", "The alert's key", TITLE_MAX),
            level=check_level(level),
            description=require_text(
                description, "description", "What the alert is about", TEXT_MAX, multiline=True
            ),
            authority=optional_text(authority, "authority", "The authority"),
            note=cleaned_note,
            **provenance.event_fields(actor),
        )

    @event(Acknowledged)
    def __init__(
        self,
        alert_key: str,
        level: str,
        description: str,
        authority: str | None,
        note: str | None,
        effective_date: date,
        source: str,
        recorded_by: str,
        recorded_by_authority: str,
        recorded_by_id: str,
        effective_when: str | None = None,
    ) -> None:
        self.alert_key = alert_key
        self.level = level
        self.description = description
        self.authority = authority
        self.note = note
        self.acknowledged_on = effective_date
        self.acknowledged_by = recorded_by
        self.acknowledged_by_authority = recorded_by_authority
        self.acknowledged_by_id = recorded_by_id
