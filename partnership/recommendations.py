"""Scrutiny inquiries: numbered recommendations, monitored by dated progress updates.

Papers number recommendations loosely ("4,a", "4A", "4 (a)"); all of them mean "4a", which
is how the record keeps them, so a monitoring report's update lands on the right one.
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
    optional_text,
    require_text,
)
from partnership.limits import (
    REFERENCE_MAX,
    TEXT_MAX,
    TITLE_MAX,
    check_list,
    check_text,
)
from partnership.revisions import FactCorrection, FactWithdrawal, Revisable

OPEN = "open"
IN_PROGRESS = "in_progress"
IMPLEMENTED = "implemented"
NOT_ACCEPTED = "not_accepted"
CLOSED = "closed"
STATUSES = (OPEN, IN_PROGRESS, IMPLEMENTED, NOT_ACCEPTED, CLOSED)

RECOMMENDATION_CORRECTABLE_FIELDS = ("text", "owner_authority", "objective")

_NUMBER = re.compile(r"0*(\d+)([a-z]*)")
_NUMBER_PUNCTUATION = re.compile(r"[\s,.;:()\[\]/-]")


class InquiryNotFound(NotFound):
    code = "inquiry_not_found"

    def __init__(self, body: str, title: str) -> None:
        super().__init__(f"{body} has no inquiry called {title!r}.", "title")


class InquiryAlreadyOpened(AlreadyExists):
    code = "inquiry_already_opened"

    def __init__(self, body: str, title: str) -> None:
        super().__init__(
            f"{body} has already opened an inquiry called {title!r}; "
            "a title identifies one inquiry of a body for good.",
            "title",
        )


class RecommendationNotFound(NotFound):
    code = "recommendation_not_found"


class RecommendationAlreadyMade(AlreadyExists):
    code = "recommendation_already_made"


class InquiryClosed(RuleViolation):
    code = "inquiry_closed"


class ChangeBeforeOpening(RuleViolation):
    code = "change_before_opening"


class ProgressBeforeRecommendation(RuleViolation):
    code = "progress_before_recommendation"


def inquiry_id(body: str, title: str) -> UUID:
    # The body's id has a fixed length, so no two (body, title) pairs run together.
    return natural_id("inquiry", f"{natural_id('body', body)} {title}")


def recommendation_number(number: str) -> str:
    """'4,a', '4A', '4 (a)' and '04a' are all recommendation '4a'."""
    checked = check_text(number, "number", "The recommendation number", REFERENCE_MAX)
    match = _NUMBER.fullmatch(_NUMBER_PUNCTUATION.sub("", checked).lower())
    if match is None:
        raise InvalidInput(
            f"{number!r} is not a recommendation number: use a number, optionally followed "
            "by letters, such as '4a'.",
            "number",
        )
    return f"{match[1]}{match[2]}"


def _owner(value: str | None, field: str) -> str | None:
    return optional_text(value, field, "The owning authority")


def _objective(value: str | None, field: str) -> str | None:
    return optional_text(value, field, "The objective", TITLE_MAX)


def _checked_status(status: str, field: str) -> str:
    if status not in STATUSES:
        raise InvalidInput(
            f"The status must be one of {', '.join(STATUSES)}, not {status!r}.", field
        )
    return status


def _check_status(value: Any) -> str | None:
    return None if value is None else _checked_status(value, "value")


def _check_owner(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise InvalidInput("The authority must be text, or none.", "value")
    return _owner(value, "value")


def _check_objective(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise InvalidInput("The objective must be text, or none.", "value")
    return _objective(value, "value")


def _check_terms_of_reference(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(term, str) for term in value):
        raise InvalidInput("The terms of reference must be a list of texts.", "value")
    check_list(value, "value", "The terms of reference")
    return [
        require_text(term, "value", "Each term of reference", TEXT_MAX, multiline=True)
        for term in value
    ]


class Inquiry(Aggregate, Correctable, Revisable):
    """A scrutiny inquiry of a body, from opening to close, with its recommendations.

    `recommendations` maps each number to {"number", "text", "owner_authority", "objective",
    "made_on", "status", "status_history": [{"status", "effective_date"}, ...] (starting
    "open"), "updates": [{"text", "status" (None: unchanged), "reported_by_authority",
    "recorded_by", "recorded_by_authority", "effective_date", "version" (the update's fact)},
    ...]}, all in recorded order.
    """

    correctable_fields = {"terms_of_reference": _check_terms_of_reference}

    # What names the record: a wrong one is withdrawn and the record recorded again.
    identity_fields = frozenset({"body", "title"})
    field_checks = {
        "status": _check_status,
        "owner_authority": _check_owner,
        "reported_by_authority": _check_owner,
        "objective": _check_objective,
    }

    class Event(RecordedEvent, Aggregate.Event):
        pass

    class Opened(Event, Aggregate.Created):
        body: str
        title: str
        terms_of_reference: list[str]

    class RecommendationMade(Event):
        number: str
        text: str
        owner_authority: str | None
        objective: str | None

        def apply(self, aggregate: "Inquiry") -> None:
            aggregate.recommendations[self.number] = {
                "number": self.number,
                "text": self.text,
                "owner_authority": self.owner_authority,
                "objective": self.objective,
                "made_on": self.effective_date,
                "status": OPEN,
                "status_history": [{"status": OPEN, "effective_date": self.effective_date}],
                "updates": [],
            }

    class ProgressRecorded(Event):
        number: str
        text: str
        status: str | None
        reported_by_authority: str | None

        def apply(self, aggregate: "Inquiry") -> None:
            recommendation = aggregate.recommendations[self.number]
            recommendation["updates"].append(
                {
                    "text": self.text,
                    "status": self.status,
                    "reported_by_authority": self.reported_by_authority,
                    "recorded_by": self.recorded_by,
                    "recorded_by_authority": self.recorded_by_authority,
                    "effective_date": self.effective_date,
                    # The version names the update, which has no key of its own: read models
                    # find it by the version when a revision corrects or withdraws it.
                    "version": self.originator_version,
                }
            )
            if self.status is not None:
                recommendation["status"] = self.status
                recommendation["status_history"].append(
                    {"status": self.status, "effective_date": self.effective_date}
                )

    class RecommendationCorrected(Event):
        """A recommendation's wording, owner or objective put right (the generic Correction
        sets top-level attributes only, and a recommendation lives inside the inquiry)."""

        number: str
        corrects_version: int
        field: str
        value: Any
        reason: str

        def apply(self, aggregate: "Inquiry") -> None:
            aggregate.recommendations[self.number][self.field] = self.value

    class Closed(Event):
        def apply(self, aggregate: "Inquiry") -> None:
            aggregate.closed_on = self.effective_date

    class Corrected(Event, Correction):
        pass

    class FactCorrected(Event, FactCorrection):
        pass

    class FactWithdrawn(Event, FactWithdrawal):
        pass

    @staticmethod
    def create_id(body: str, title: str) -> UUID:
        return inquiry_id(body, title)

    @classmethod
    def open(
        cls,
        body: str,
        title: str,
        provenance: Provenance,
        actor: Actor,
        terms_of_reference: list[str] | None = None,
    ) -> "Inquiry":
        check_list(terms_of_reference or [], "termsOfReference", "The terms of reference")
        terms = [
            require_text(
                term, "termsOfReference", "Each term of reference", TEXT_MAX, multiline=True
            )
            for term in terms_of_reference or []
        ]
        return cls(
            body=require_text(body, "body", "The scrutiny body"),
            title=require_text(title, "title", "The inquiry's title", TITLE_MAX),
            terms_of_reference=terms,
            **provenance.event_fields(actor),
        )

    @event(Opened)
    def __init__(
        self,
        body: str,
        title: str,
        terms_of_reference: list[str],
        effective_date: date,
        source: str,
        recorded_by: str,
        recorded_by_authority: str,
        recorded_by_id: str,
        effective_when: str | None = None,
    ) -> None:
        self.body = body
        self.title = title
        self.terms_of_reference = list(terms_of_reference)
        self.opened_on = effective_date
        self.closed_on: date | None = None
        self.recommendations: dict[str, dict[str, Any]] = {}

    def check_rules(self) -> None:
        """Progress on a recommendation is reported on or after it was made."""
        for recommendation in self.recommendations.values():
            for update in recommendation["updates"]:
                if update["effective_date"] < recommendation["made_on"]:
                    raise ProgressBeforeRecommendation(
                        f"An update dated {update['effective_date'].isoformat()} would be "
                        f"before recommendation {recommendation['number']} was made "
                        f"({recommendation['made_on'].isoformat()}); correct or withdraw the "
                        "update first.",
                        "value",
                    )

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    def status_of(self, number: str) -> str:
        return str(self._recommendation(number)["status"])

    def days_since_last_update(self, number: str, as_of: date) -> int:
        """Days from the latest update dated on or before `as_of` (or from when the
        recommendation was made, if none was) to `as_of`: how long it has gone unmonitored."""
        recommendation = self._recommendation(number)
        if as_of < recommendation["made_on"]:
            raise InvalidInput(
                f"Recommendation {recommendation['number']} was only made on "
                f"{recommendation['made_on'].isoformat()}.",
                "asOf",
            )
        last = max(
            (
                u["effective_date"]
                for u in recommendation["updates"]
                if u["effective_date"] <= as_of
            ),
            default=recommendation["made_on"],
        )
        return (as_of - last).days

    def make_recommendation(
        self,
        number: str,
        text: str,
        owner_authority: str | None,
        objective: str | None,
        provenance: Provenance,
        actor: Actor,
    ) -> str:
        """Record a recommendation the inquiry made; it starts open."""
        self._check_can_change(provenance)
        number = recommendation_number(number)
        if number in self.recommendations:
            raise RecommendationAlreadyMade(
                f"{self.title} already has a recommendation {number}.", "number"
            )
        self.trigger_event(
            self.RecommendationMade,
            number=number,
            text=require_text(text, "text", "The recommendation's text", TEXT_MAX, multiline=True),
            owner_authority=_owner(owner_authority, "ownerAuthority"),
            objective=_objective(objective, "objective"),
            **provenance.event_fields(actor),
        )
        return number

    def record_progress(
        self,
        number: str,
        text: str,
        status: str | None,
        provenance: Provenance,
        actor: Actor,
        reported_by_authority: str | None = None,
    ) -> None:
        """Record a dated progress update and perhaps a new status.

        `reported_by_authority` is whoever the paper credits with the update (the "LCC -" of
        a monitoring report), not necessarily who recorded it. A status equal to the current
        one is no change of status.
        """
        self._check_can_change(provenance)
        recommendation = self._recommendation(number)
        if provenance.effective_date < recommendation["made_on"]:
            raise ProgressBeforeRecommendation(
                f"The effective date {provenance.effective_date.isoformat()} is before "
                f"recommendation {recommendation['number']} was made "
                f"({recommendation['made_on'].isoformat()}).",
                "effectiveDate",
            )
        if status is not None:
            status = _checked_status(status, "status")
        self.trigger_event(
            self.ProgressRecorded,
            number=recommendation["number"],
            text=require_text(text, "text", "The progress update", TEXT_MAX, multiline=True),
            status=None if status == recommendation["status"] else status,
            reported_by_authority=_owner(reported_by_authority, "reportedByAuthority"),
            **provenance.event_fields(actor),
        )

    def correct_recommendation(
        self,
        number: str,
        corrects_version: int,
        field: str,
        value: Any,
        reason: str,
        provenance: Provenance,
        actor: Actor,
    ) -> None:
        """Put right a recommendation's text, owner or objective that was recorded wrongly."""
        recommendation = self._recommendation(number)
        if field not in RECOMMENDATION_CORRECTABLE_FIELDS:
            raise InvalidInput(
                f"A recommendation's {field!r} cannot be corrected; what can be: "
                f"{', '.join(RECOMMENDATION_CORRECTABLE_FIELDS)}. "
                "Its status changes by recording progress.",
                "field",
            )
        reason = self.check_correction(corrects_version, reason)
        if value is not None and not isinstance(value, str):
            raise InvalidInput("The corrected value must be text.", "value")
        if field == "text":
            value = require_text(
                value or "", "value", "The recommendation's text", TEXT_MAX, multiline=True
            )
        elif field == "objective":
            value = _objective(value, "value")
        else:
            value = _owner(value, "value")
        self.trigger_event(
            self.RecommendationCorrected,
            number=recommendation["number"],
            corrects_version=corrects_version,
            field=field,
            value=value,
            reason=reason,
            **provenance.event_fields(actor),
        )

    def close(self, provenance: Provenance, actor: Actor) -> None:
        """The body stops monitoring the inquiry; its record stays, and can be corrected."""
        self._check_can_change(provenance)
        self.trigger_event(self.Closed, **provenance.event_fields(actor))

    def _recommendation(self, number: str) -> dict[str, Any]:
        cleaned = recommendation_number(number)
        if cleaned not in self.recommendations:
            raise RecommendationNotFound(f"{self.title} has no recommendation {cleaned}.", "number")
        return self.recommendations[cleaned]

    def _check_can_change(self, provenance: Provenance) -> None:
        if self.closed_on is not None:
            raise InquiryClosed(
                f"The inquiry {self.title!r} was closed on {self.closed_on.isoformat()}; "
                "nothing more can be added to it."
            )
        if provenance.effective_date < self.opened_on:
            raise ChangeBeforeOpening(
                f"The effective date {provenance.effective_date.isoformat()} is before the "
                f"inquiry {self.title!r} was opened ({self.opened_on.isoformat()}).",
                "effectiveDate",
            )
