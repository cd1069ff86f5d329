"""Contracts: awarded, extended by pre-agreed options, novated, varied and terminated."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from dateutil.relativedelta import relativedelta
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
    require_text,
)
from partnership.limits import (
    DAYS_MAX,
    LATEST_DATE,
    NAME_MAX,
    REFERENCE_MAX,
    TEXT_MAX,
    TITLE_MAX,
    check_date,
    check_days,
    check_list,
    check_money,
    check_months,
    check_whole_number,
)
from partnership.paper_dates import DAYS, Period
from partnership.revisions import (
    FactCorrection,
    FactWithdrawal,
    RecordWithdrawn,
    Revisable,
)

ACTIVE = "active"
TERMINATED = "terminated"
# Awarded in error and withdrawn: kept in the record, marked, and never reminded of.
WITHDRAWN = "withdrawn"
# What the calendar adds to the recorded status, as of a day: past the notice deadline notice
# can no longer be given; past the end date the contract has run its course.
IN_NOTICE_PERIOD = "in_notice_period"
EXPIRED = "expired"
CALENDAR_STATUSES = (ACTIVE, IN_NOTICE_PERIOD, EXPIRED, TERMINATED, WITHDRAWN)


class ContractNotFound(NotFound):
    code = "contract_not_found"

    def __init__(self, reference: str) -> None:
        super().__init__(f"There is no contract with reference {reference!r}.", "reference")


class ContractAlreadyAwarded(AlreadyExists):
    code = "contract_already_awarded"

    def __init__(self, reference: str) -> None:
        super().__init__(
            f"A contract with reference {reference!r} has already been awarded; "
            "a reference identifies one contract for good.",
            "reference",
        )


class EndBeforeStart(InvalidInput):
    code = "end_before_start"


class NoExtensionOptionLeft(RuleViolation):
    code = "no_extension_option_left"


class ContractTerminated(RuleViolation):
    code = "contract_terminated"


class SupplierUnchanged(RuleViolation):
    code = "supplier_unchanged"


class ChangeBeforeAward(RuleViolation):
    code = "change_before_award"


class BeyondRecordedDates(InvalidInput):
    """A date the contract's own terms would reach lies past the calendar the record covers."""

    code = "beyond_recorded_dates"


def contract_id(reference: str) -> UUID:
    return natural_id("contract", reference)


def notice_deadline(end_date: date, notice_period_days: int, unit: str | None = None) -> date:
    """End date minus notice period: the day by which a renewal decision is really due.

    `notice_period_days` is the period's amount, counted in `unit` (days when None, as every
    period was before weeks and months were kept); months count on the calendar (see
    partnership.paper_dates.Period)."""
    return Period(notice_period_days, unit or DAYS).before(end_date)


def calendar_status(recorded_status: str, end_date: date, deadline: date, as_of: date) -> str:
    """Where a contract stands on `as_of`: a recorded ending (termination) stands whatever the
    day; otherwise `active` up to and including its notice deadline (notice can still be given
    that day), `in_notice_period` from the day after it up to and including the end date, and
    `expired` from the day after the end date."""
    if recorded_status != ACTIVE:
        return recorded_status
    if end_date < as_of:
        return EXPIRED
    if deadline < as_of:
        return IN_NOTICE_PERIOD
    return ACTIVE


def add_months(day: date, months: int) -> date:
    # relativedelta clips to the month's last day: 30 Nov + 3 months is 28/29 Feb, not 2 Mar.
    result: date = day + relativedelta(months=months)
    return result


@dataclass(frozen=True)
class ContractTerms:
    """What is agreed when a contract is awarded."""

    reference: str
    title: str
    supplier: str
    authority: str
    start_date: date
    end_date: date
    notice_period_days: int
    value: Decimal | None = None
    extension_options_months: tuple[int, ...] = ()
    head_contract_reference: str | None = None
    auto_renews: bool = False
    # The unit `notice_period_days` counts in: days (None), weeks or months.
    notice_period_unit: str | None = None

    def validated(self) -> "ContractTerms":
        reference = require_text(
            self.reference, "reference", "The contract reference", REFERENCE_MAX
        )
        head = self.head_contract_reference
        if head is not None:
            head = require_text(
                head, "headContractReference", "The head contract reference", REFERENCE_MAX
            )
            if contract_id(head) == contract_id(reference):
                raise InvalidInput(
                    "A contract cannot be back-to-back with itself.", "headContractReference"
                )
        check_date(self.start_date, "startDate", "The start date")
        check_date(self.end_date, "endDate", "The end date")
        if self.end_date < self.start_date:
            raise EndBeforeStart(
                f"The end date {self.end_date.isoformat()} is before the start date "
                f"{self.start_date.isoformat()}.",
                "endDate",
            )
        unit = None if self.notice_period_unit in (None, DAYS) else self.notice_period_unit
        if unit is None:
            notice_period_days = check_days(
                self.notice_period_days, "noticePeriodDays", "The notice period"
            )
        else:
            notice_period_days = Period.of(
                self.notice_period_days, unit, "noticePeriod", "The notice period"
            ).amount
        value = None if self.value is None else check_money(self.value, "value", "The value")
        options = check_list(
            self.extension_options_months, "extensionOptionsMonths", "The extension options"
        )
        for months in options:
            check_months(months, "extensionOptionsMonths", "Each extension option")
        check_extended_end(self.end_date, options, "extensionOptionsMonths")
        return ContractTerms(
            reference=reference,
            title=require_text(self.title, "title", "The contract title", TITLE_MAX),
            supplier=require_text(self.supplier, "supplier", "The supplier", NAME_MAX),
            authority=require_text(
                self.authority, "authority", "The contracting authority", NAME_MAX
            ),
            start_date=self.start_date,
            end_date=self.end_date,
            notice_period_days=notice_period_days,
            value=value,
            extension_options_months=tuple(options),
            head_contract_reference=head,
            auto_renews=self.auto_renews,
            notice_period_unit=unit,
        )


def check_extended_end(end_date: date, options_months: Sequence[int], field: str) -> None:
    """Exercising every option must leave an end date the record can hold, so that extending
    is never refused for a reason the award could have seen."""
    latest = end_date
    for months in options_months:
        if (LATEST_DATE.year - latest.year) * 12 + LATEST_DATE.month - latest.month < months:
            raise BeyondRecordedDates(
                f"Exercising every extension option would move the end date past "
                f"{LATEST_DATE.isoformat()}, the last date the record covers; "
                "check the end date and the options.",
                field,
            )
        latest = add_months(latest, months)


def _check_title(value: Any) -> str:
    return require_text(str(value), "value", "The contract title", TITLE_MAX)


def _check_notice_period(value: Any) -> int:
    return check_days(value, "value", "A notice period")


def _check_notice_period_shape(value: Any) -> dict[str, Any]:
    """A corrected notice period: {"amount", "unit"}, the unit days, weeks or months."""
    if not isinstance(value, dict) or set(value) != {"amount", "unit"}:
        raise InvalidInput("A notice period is an amount and a unit.", "value")
    period = Period.of(value["amount"], value["unit"], "value", "A notice period")
    return {"amount": period.amount, "unit": period.unit}


def _check_value(value: Any) -> Decimal | None:
    if value is None:
        return None
    return check_money(value, "value", "The contract value")


class Contract(Aggregate, Correctable, Revisable):
    """One contract between an authority and a supplier, for its whole life."""

    identity_fields = frozenset({"reference"})
    field_checks = {
        "title": _check_title,
        # An amount in the period's own unit: checked with the unit, by check_rules.
        "notice_period_days": lambda value: check_whole_number(
            value, "value", "A notice period", DAYS_MAX
        ),
        "notice_period_unit": lambda unit: (
            None if unit is None else Period.of(1, unit, "value", "The notice period's unit").unit
        ),
        "value": _check_value,
        "new_value": _check_value,
    }

    # The end date is deliberately absent: it moves only by options exercised or variations.
    correctable_fields = {
        "title": _check_title,
        "notice_period_days": _check_notice_period,
        "notice_period": _check_notice_period_shape,
        "value": _check_value,
    }

    class Event(RecordedEvent, Aggregate.Event):
        pass

    class Awarded(Event, Aggregate.Created):
        reference: str
        title: str
        supplier: str
        authority: str
        start_date: date
        end_date: date
        notice_period_days: int
        value: Decimal | None
        extension_options_months: list[int]
        head_contract_reference: str | None
        # Added after the first events were written: older events load as not auto-renewing.
        auto_renews: bool = False
        # What notice_period_days counts in (weeks, months); older events, and days, hold None.
        notice_period_unit: str | None = None

    class Corrected(Event, Correction):
        def apply(self, aggregate: "Contract") -> None:
            # A notice period is corrected as amount and unit together, so neither is left
            # meaning something else ("3" that was months read as days).
            if self.field == "notice_period":
                aggregate.notice_period_days = self.value["amount"]
                unit = self.value["unit"]
                aggregate.notice_period_unit = None if unit == DAYS else unit
            else:
                super().apply(aggregate)

    class FactCorrected(Event, FactCorrection):
        pass

    class FactWithdrawn(Event, FactWithdrawal):
        pass

    class Extended(Event):
        months: int
        new_end_date: date

        def apply(self, aggregate: "Contract") -> None:
            aggregate.end_date = self.new_end_date
            aggregate.extension_options_left = aggregate.extension_options_left[1:]

    class Novated(Event):
        previous_supplier: str
        new_supplier: str

        def apply(self, aggregate: "Contract") -> None:
            aggregate.supplier = self.new_supplier
            aggregate.suppliers = [*aggregate.suppliers, self.new_supplier]
            # A contract loaded from a snapshot taken before tenures were kept has none.
            history = getattr(aggregate, "supplier_history", None)
            if history is not None:
                aggregate.supplier_history = taken_over(
                    history, self.new_supplier, self.effective_date
                )

    class Varied(Event):
        description: str
        new_end_date: date | None
        new_value: Decimal | None

        def apply(self, aggregate: "Contract") -> None:
            if self.new_end_date is not None:
                aggregate.end_date = self.new_end_date
            if self.new_value is not None:
                aggregate.value = self.new_value

    class Terminated(Event):
        reason: str

        def apply(self, aggregate: "Contract") -> None:
            aggregate.status = TERMINATED
            aggregate.termination_reason = self.reason

    @staticmethod
    def create_id(reference: str) -> UUID:
        return contract_id(reference)

    @classmethod
    def award(cls, terms: ContractTerms, provenance: Provenance, actor: Actor) -> "Contract":
        terms = terms.validated()
        return cls(
            reference=terms.reference,
            title=terms.title,
            supplier=terms.supplier,
            authority=terms.authority,
            start_date=terms.start_date,
            end_date=terms.end_date,
            notice_period_days=terms.notice_period_days,
            value=terms.value,
            extension_options_months=list(terms.extension_options_months),
            head_contract_reference=terms.head_contract_reference,
            auto_renews=terms.auto_renews,
            notice_period_unit=terms.notice_period_unit,
            **provenance.event_fields(actor),
        )

    @event(Awarded)
    def __init__(
        self,
        reference: str,
        title: str,
        supplier: str,
        authority: str,
        start_date: date,
        end_date: date,
        notice_period_days: int,
        value: Decimal | None,
        extension_options_months: list[int],
        head_contract_reference: str | None,
        effective_date: date,
        source: str,
        recorded_by: str,
        recorded_by_authority: str,
        recorded_by_id: str,
        auto_renews: bool = False,
        effective_when: str | None = None,
        notice_period_unit: str | None = None,
    ) -> None:
        self.reference = reference
        self.title = title
        self.supplier = supplier
        self.suppliers = [supplier]
        # From the start date, not the award's effective date: who supplied the contract on a
        # day means who delivered it, and nobody does before it starts (an award is often
        # decided weeks ahead, for standstill and mobilisation).
        self.supplier_history = [{"supplier": supplier, "from": start_date.isoformat()}]
        self.authority = authority
        self.start_date = start_date
        self.end_date = end_date
        self.notice_period_days = notice_period_days
        self.notice_period_unit = notice_period_unit
        self.value = value
        self.extension_options_left = list(extension_options_months)
        self.head_contract_reference = head_contract_reference
        self.auto_renews = auto_renews
        self.awarded_on = effective_date
        self.status = ACTIVE
        self.termination_reason: str | None = None

    @property
    def notice_deadline(self) -> date:
        """The last day on which notice can be given: the renewal decision is due by then."""
        return notice_deadline(self.end_date, self.notice_period_days, self.period_unit)

    @property
    def notice_period(self) -> Period:
        """The notice period as the contract states it."""
        return Period(self.notice_period_days, self.period_unit or DAYS)

    @property
    def period_unit(self) -> str | None:
        # A contract loaded from a snapshot taken before units were kept counts in days.
        unit: str | None = getattr(self, "notice_period_unit", None)
        return unit

    def extend(self, provenance: Provenance, actor: Actor) -> None:
        """Exercise the next pre-agreed extension option."""
        self._check_can_change(provenance)
        if not self.extension_options_left:
            raise NoExtensionOptionLeft(
                f"Contract {self.reference} has no extension option left to exercise; "
                "a longer term needs a variation."
            )
        months = self.extension_options_left[0]
        # Refused at award and at variation already; an end date recorded before the record
        # had limits may still be too late to extend.
        check_extended_end(self.end_date, [months], "reference")
        self.trigger_event(
            self.Extended,
            months=months,
            new_end_date=add_months(self.end_date, months),
            **provenance.event_fields(actor),
        )

    def novate(self, new_supplier: str, provenance: Provenance, actor: Actor) -> None:
        """The supplier changes while the contract carries on (e.g. SX3 bought by Northgate)."""
        self._check_can_change(provenance)
        new_supplier = require_text(new_supplier, "newSupplier", "The new supplier", NAME_MAX)
        if new_supplier.casefold() == self.supplier.casefold():
            raise SupplierUnchanged(
                f"{new_supplier} is already the supplier of contract {self.reference}.",
                "newSupplier",
            )
        self.trigger_event(
            self.Novated,
            previous_supplier=self.supplier,
            new_supplier=new_supplier,
            **provenance.event_fields(actor),
        )

    def vary(
        self,
        description: str,
        provenance: Provenance,
        actor: Actor,
        new_end_date: date | None = None,
        new_value: Decimal | None = None,
    ) -> None:
        """Record an agreed change to the contract, which may move its end date or value."""
        self._check_can_change(provenance)
        description = require_text(
            description, "description", "The variation's description", TEXT_MAX, multiline=True
        )
        if new_end_date is not None:
            check_date(new_end_date, "newEndDate", "The new end date")
            check_extended_end(new_end_date, self.extension_options_left, "newEndDate")
        if new_end_date is not None and new_end_date < self.start_date:
            raise EndBeforeStart(
                f"The new end date {new_end_date.isoformat()} is before the contract's start "
                f"date {self.start_date.isoformat()}.",
                "newEndDate",
            )
        if new_value is not None:
            new_value = check_money(new_value, "newValue", "The new value")
        self.trigger_event(
            self.Varied,
            description=description,
            new_end_date=new_end_date,
            new_value=new_value,
            **provenance.event_fields(actor),
        )

    def terminate(self, reason: str, provenance: Provenance, actor: Actor) -> None:
        """End the contract on the effective date, for the reason given."""
        self._check_can_change(provenance)
        reason = require_text(
            reason, "reason", "The reason for termination", TEXT_MAX, multiline=True
        )
        self.trigger_event(self.Terminated, reason=reason, **provenance.event_fields(actor))

    def withdrawal_changes(self) -> dict[str, Any]:
        return {**super().withdrawal_changes(), "status": WITHDRAWN}

    def check_rules(self) -> None:
        """What must hold however the contract's facts are revised."""
        unit = getattr(self, "notice_period_unit", None)
        if unit not in (None, DAYS):
            Period.of(self.notice_period_days, unit, "value", "The notice period")
        if self.end_date < self.start_date:
            raise EndBeforeStart(
                f"The end date {self.end_date.isoformat()} would be before the start date "
                f"{self.start_date.isoformat()}.",
                "value",
            )
        check_extended_end(self.end_date, self.extension_options_left, "value")

    def _check_can_change(self, provenance: Provenance) -> None:
        if self.status == WITHDRAWN:
            raise RecordWithdrawn(f"Contract {self.reference}")
        if self.status == TERMINATED:
            raise ContractTerminated(
                f"Contract {self.reference} has been terminated; it can no longer be changed."
            )
        if provenance.effective_date < self.awarded_on:
            raise ChangeBeforeAward(
                f"The effective date {provenance.effective_date.isoformat()} is before contract "
                f"{self.reference} was awarded ({self.awarded_on.isoformat()}).",
                "effectiveDate",
            )


def taken_over(history: list[dict[str, str]], supplier: str, day: date) -> list[dict[str, str]]:
    """The tenures with the new supplier's added; a new list, so one read back for comparison
    keeps the old.

    A novation may be dated before the contract starts (a supplier bought out between award and
    start), or before an earlier novation (backdated): a tenure then begins when the one before
    it began, so that no tenure ends before it starts.
    """
    begins = max(day, date.fromisoformat(history[-1]["from"]))
    return [*history, {"supplier": supplier, "from": begins.isoformat()}]
